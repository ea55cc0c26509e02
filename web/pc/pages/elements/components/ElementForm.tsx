/**
 * An element's form from its JSON Schema (forms/elements/<type>.ts) with @rjsf/antd and the same
 * Chinese validator as the task forms: the browser checks before sending, the server checks again
 * and its field errors (`extraErrors`) show at the field. `buildingId` and `householdId` are
 * picked by name or number.
 */
import Form from '@rjsf/antd';
import type { ErrorSchema, FieldProps, RJSFSchema, UiSchema } from '@rjsf/utils';
import { Select } from 'antd';
import { type ReactNode, useEffect, useState } from 'react';
import { transformErrors, zhValidator } from '../../../../shared/forms/validator';
import { http } from '../../../../shared/http';
import '../../../../shared/forms/task-form.css';
import { patternMessage, type SchemaNode } from '../form-data';

type Obj = Record<string, unknown>;

export interface ElementFormContext {
  /** Names of referenced records already chosen (buildingId → 友谊小区3号楼). */
  labels: Record<string, string>;
  /** Buildings and households offered are those of this grid (or of the whole scope). */
  gridId?: number;
}

/** A reference field picked by name: what to search and how to name a row. */
interface RefPicker {
  path: string;
  placeholder: string;
  notFound: string;
  /** Shown for a chosen id before the search has found it. */
  fallback: string;
  label: (row: Record<string, unknown>) => string;
}

const REF_PICKERS: Record<string, RefPicker> = {
  buildingId: {
    path: '/buildings',
    placeholder: '输入楼栋名称或地址查找',
    notFound: '没有找到楼栋',
    fallback: '楼栋',
    label: (b) => String(b.name),
  },
  householdId: {
    path: '/households',
    placeholder: '输入户编号（开头部分即可）查找',
    notFound: '没有找到居民户',
    fallback: '居民户',
    label: (h) => `${String(h.householdNo ?? h.id)} · 户主 ${String(h.headName ?? '—')}${h.address ? ` · ${String(h.address)}` : ''}`,
  },
};

/** 所在楼栋 / 所在居民户: search the records in scope (of the chosen grid) by name or number. */
function RefPickerField(props: FieldProps<number | null, RJSFSchema, ElementFormContext>) {
  const { formData, onChange, fieldPathId, schema, disabled, readonly, registry, rawErrors, required, name } = props;
  const picker = REF_PICKERS[name];
  const ctx = registry.formContext as ElementFormContext | undefined;
  const [q, setQ] = useState('');
  const [options, setOptions] = useState<{ value: number; label: string }[]>([]);

  useEffect(() => {
    let gone = false;
    const t = setTimeout(() => {
      http
        .get<{ items: Record<string, unknown>[] }>(picker.path, { q: q || undefined, orgId: ctx?.gridId, pageSize: 30 })
        .then((r) => {
          if (!gone) setOptions(r.items.map((row) => ({ value: Number(row.id), label: picker.label(row) })));
        })
        .catch(() => undefined);
    }, 250);
    return () => {
      gone = true;
      clearTimeout(t);
    };
  }, [q, ctx?.gridId, picker]);

  const known = formData
    ? (options.find((o) => o.value === formData) ?? { value: formData, label: ctx?.labels[name] || `${picker.fallback} ${formData}` })
    : null;
  const id = fieldPathId.$id;
  return (
    <div className="ant-form-item">
      <label htmlFor={id} style={{ display: 'block', paddingBottom: 8 }}>
        {required ? <span className="tf-field-error">* </span> : null}
        {schema.title ?? picker.fallback}
      </label>
      <Select<number>
        id={id}
        showSearch={{ filterOption: false, onSearch: setQ }}
        allowClear
        placeholder={picker.placeholder}
        style={{ width: '100%' }}
        value={formData ?? undefined}
        options={known && !options.some((o) => o.value === known.value) ? [known, ...options] : options}
        onChange={(v) => onChange(v ?? null, fieldPathId.path)}
        disabled={disabled || readonly}
        status={rawErrors?.length ? 'error' : undefined}
        notFoundContent={picker.notFound}
      />
      {rawErrors?.length ? <div className="tf-field-error">{rawErrors.join('；')}</div> : null}
    </div>
  );
}

export default function ElementForm({
  schema,
  uiSchema,
  formData,
  onChange,
  onSubmit,
  extraErrors,
  context,
  disabled,
  footer,
}: {
  schema: Obj;
  uiSchema?: Obj;
  formData: Obj;
  onChange: (d: Obj) => void;
  onSubmit: (d: Obj) => void;
  extraErrors?: ErrorSchema;
  context: ElementFormContext;
  disabled?: boolean;
  footer: ReactNode;
}) {
  const props = (schema.properties ?? {}) as Obj;
  const ui: Obj = { 'ui:submitButtonOptions': { norender: true }, ...(uiSchema ?? {}) };
  // The page renders grid and map itself; an order naming them would make rjsf refuse the form.
  const order = ui['ui:order'];
  if (Array.isArray(order)) ui['ui:order'] = order.filter((k) => k === '*' || k in props);
  for (const k of Object.keys(REF_PICKERS)) if (k in props) ui[k] = { ...((ui[k] as Obj) ?? {}), 'ui:field': 'refPicker' };
  return (
    <div className="tf-root" data-testid="element-form">
      <Form
        schema={schema as RJSFSchema}
        uiSchema={ui as UiSchema}
        formData={formData}
        validator={zhValidator}
        idPrefix="el"
        transformErrors={(errs) =>
          transformErrors(errs).map((e) => (e.name === 'pattern' ? { ...e, message: patternMessage(schema as SchemaNode, e.property) } : e))
        }
        showErrorList={false}
        noHtml5Validate
        disabled={disabled}
        extraErrors={extraErrors}
        formContext={context}
        fields={{ refPicker: RefPickerField }}
        onChange={(e) => onChange((e.formData ?? {}) as Obj)}
        onSubmit={(e) => onSubmit((e.formData ?? {}) as Obj)}
      >
        {footer}
      </Form>
    </div>
  );
}
