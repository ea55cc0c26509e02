/** ajv with formats and Chinese messages; errors become `{ field, message }` pairs. */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import localizeZh from 'ajv-i18n/localize/zh';
import { errors, type FieldError } from './errors';

export const ajv = new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, removeAdditional: false, strict: false });
addFormats.default(ajv);

const cache = new WeakMap<object, ValidateFunction>();

function fieldOf(e: ErrorObject): string {
  const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return base ? `${base}.${missing}` : missing;
  }
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return base ? `${base}.${extra}` : extra;
  }
  return base || '(根)';
}

export function toFieldErrors(errs: ErrorObject[] | null | undefined, schema?: Record<string, unknown>): FieldError[] {
  if (!errs) return [];
  localizeZh(errs);
  const titles = (schema?.properties ?? {}) as Record<string, { title?: string }>;
  return errs.map((e) => {
    const field = fieldOf(e);
    const title = titles[field.split('.')[0]]?.title;
    return { field, message: title ? `${title}：${e.message}` : (e.message ?? '格式不正确') };
  });
}

/** Validates `data` against `schema`; throws a 400 with Chinese field errors. */
export function validate<T>(schema: Record<string, unknown>, data: unknown): T {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  if (!fn(data)) throw errors.validation(toFieldErrors(fn.errors, schema));
  return data as T;
}
