import { CREDIT_CODE_PATTERN, PHONE_PATTERN } from '../../../../forms/elements/fields';

/**
 * Between an element's stored fields and its rjsf form: which fields the form renders, the form's
 * starting values, and what a save sends (create: everything filled in; edit: only what changed).
 */

export interface SchemaNode {
  type?: string | string[];
  format?: string;
  title?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  [keyword: string]: unknown;
}

type Obj = Record<string, unknown>;

/** Rendered by the page beside the form (grid picker, map, reason), never by rjsf. */
export const PAGE_FIELDS = ['gridId', 'location', 'expectedVersion', 'reason'];

const isEmpty = (v: unknown) => v === undefined || v === null || v === '';

/** A value the API sent masked (138****0000): it cannot be edited back, only replaced. */
export const isMasked = (v: unknown) => typeof v === 'string' && /\*{2,}/.test(v);

const typesOf = (s: SchemaNode | undefined) => (Array.isArray(s?.type) ? s.type : s?.type ? [s.type] : []);

/**
 * The schema the form renders: without the page's own fields; when editing, a masked field is
 * not required (left empty it keeps its stored value), and "at least one property" is the save's
 * business, not the form's.
 */
export function formSchema(schema: SchemaNode, mode: 'create' | 'edit', masked: string[] = []): SchemaNode {
  const s = structuredClone(schema);
  const drop = new Set([...PAGE_FIELDS, ...(mode === 'edit' ? masked : [])]);
  s.properties = Object.fromEntries(Object.entries(s.properties ?? {}).filter(([k]) => !PAGE_FIELDS.includes(k)));
  if (s.required) s.required = s.required.filter((k) => !drop.has(k));
  delete s.minProperties;
  return s;
}

/** The form's starting values from the stored fields: only the form's fields, nothing empty or masked, in the form's types. */
export function formDataFrom(schema: SchemaNode, fields: Obj): Obj {
  const out: Obj = {};
  for (const [k, prop] of Object.entries(schema.properties ?? {})) {
    if (PAGE_FIELDS.includes(k)) continue;
    let v = fields[k];
    if (isEmpty(v) || isMasked(v)) continue;
    const types = typesOf(prop);
    // PostgreSQL numerics (area 85.50) arrive as text.
    if ((types.includes('number') || types.includes('integer')) && typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)))
      v = Number(v);
    if (prop.format === 'date' && typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) v = v.slice(0, 10);
    out[k] = v;
  }
  return out;
}

const same = (a: unknown, b: unknown) => (isEmpty(a) && isEmpty(b)) || JSON.stringify(a) === JSON.stringify(b);

/** The fields an edit changed; a field emptied becomes null (cleared on the server). */
export function changedFields(initial: Obj, current: Obj): Obj {
  const out: Obj = {};
  for (const k of new Set([...Object.keys(initial), ...Object.keys(current)])) {
    if (same(initial[k], current[k])) continue;
    out[k] = isEmpty(current[k]) ? null : current[k];
  }
  return out;
}

/** A choice whose options depend on another field (网格员: 岗位/身份 by 网格员类型). */
export interface DependentChoice {
  field: string;
  on: string;
  options: Record<string, readonly string[]>;
}

/**
 * The form narrowed to the options the other field allows (their Chinese names kept aligned),
 * so that a mismatch the server would refuse cannot be picked.
 */
export function narrowChoice(schema: SchemaNode, uiSchema: Obj, data: Obj, rule: DependentChoice): { schema: SchemaNode; uiSchema: Obj } {
  const allowed = rule.options[String(data[rule.on])];
  const prop = schema.properties?.[rule.field];
  if (!allowed || !prop || !Array.isArray(prop.enum)) return { schema, uiSchema };
  const ui = (uiSchema[rule.field] ?? {}) as Obj;
  const names = (ui['ui:enumNames'] as string[] | undefined) ?? [];
  const keep = (prop.enum as string[]).map((v, i) => ({ v, n: names[i] ?? v })).filter((x) => allowed.includes(x.v));
  return {
    schema: { ...schema, properties: { ...schema.properties, [rule.field]: { ...prop, enum: keep.map((x) => x.v) } } },
    uiSchema: { ...uiSchema, [rule.field]: { ...ui, 'ui:enumNames': keep.map((x) => x.n) } },
  };
}

/** After the other field changed: a choice it no longer allows is emptied. */
export function dropDisallowedChoice(data: Obj, rule: DependentChoice): Obj {
  const allowed = rule.options[String(data[rule.on])];
  if (!allowed || data[rule.field] === undefined || allowed.includes(String(data[rule.field]))) return data;
  const { [rule.field]: _dropped, ...rest } = data;
  return rest;
}

/**
 * After a version conflict: the latest stored values with the user's own changes (from
 * `changedFields`) on top; a field the user emptied stays empty.
 */
export function rebaseEdits(latest: Obj, edits: Obj): Obj {
  const out: Obj = { ...latest };
  for (const [k, v] of Object.entries(edits)) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** What a create sends from the form: the filled-in fields only. */
export function filledFields(current: Obj): Obj {
  return Object.fromEntries(Object.entries(current).filter(([, v]) => !isEmpty(v) && !(Array.isArray(v) && v.length === 0)));
}

const ELEMENT_PAGES = ['house', 'merchant', 'enterprise', 'institution', 'facility', 'grid_worker'];

/**
 * Where a linked element opens: residents, households and buildings have their own pages, the
 * other element types the element pages; a grid or a login account has no page here (null).
 */
export function linkPath(link: { type: string; id: number | string }): string | null {
  const id = encodeURIComponent(String(link.id));
  if (link.type === 'resident') return `/residents/${id}`;
  if (link.type === 'household') return `/households/${id}`;
  if (link.type === 'building') return `/buildings/${id}`;
  if (ELEMENT_PAGES.includes(link.type)) return `/elements/${link.type}/${id}`;
  return null;
}

const ID_NUMBER_PATTERN = '^[0-9]{17}[0-9Xx]$';

/**
 * What to write instead of "应当匹配模式 ^1[0-9]{10}$…": the field's name and what it should look
 * like. `property` is rjsf's path of the field (`.operatorPhone`).
 */
export function patternMessage(schema: SchemaNode, property: string | undefined): string {
  const key = (property ?? '').replace(/^\./, '');
  const prop = schema.properties?.[key];
  const title = prop?.title ?? '此项';
  if (prop?.pattern === PHONE_PATTERN) return `${title}应为 11 位手机号或带区号的固定电话，如 13912345678、0990-6221234`;
  if (prop?.pattern === CREDIT_CODE_PATTERN) return `${title}应为 18 位统一社会信用代码（数字或大写字母），请核对后重新填写`;
  if (prop?.pattern === ID_NUMBER_PATTERN) return `${title}应为 18 位，前 17 位为数字，最后一位为数字或 X`;
  return `${title}格式不正确，请检查后重新填写`;
}
