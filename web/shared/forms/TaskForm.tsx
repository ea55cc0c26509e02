/**
 * A task's form, rendered from its JSON Schema + UI schema with @rjsf/antd (on PC and, inside the
 * same dark antd theme, on the phone). Validation runs in the browser with Chinese messages
 * before anything is sent; the server validates again and its field errors are shown at the field.
 * Arrays of `{ name, fileId }` (附件) get a photo picker that opens the phone camera.
 */
import { CameraOutlined, DeleteOutlined, LoadingOutlined } from '@ant-design/icons';
import Form from '@rjsf/antd';
import type { ErrorSchema, FieldProps, RJSFSchema, UiSchema } from '@rjsf/utils';
import { Alert } from 'antd';
import { type ReactNode, useRef, useState } from 'react';
import { COMPLEXITY_NAMES, fieldsOfOtherActions } from './action-fields';
import { HiddenField, OrgPickerField, StarsWidget } from './issue-fields';
import { type UploadedFile, uploadFile } from './upload';
import { transformErrors, zhValidator } from './validator';
import './task-form.css';

type Obj = Record<string, unknown>;

export interface Attachment {
  name: string;
  fileId: string;
}

function isAttachmentArray(s: unknown): boolean {
  const items = (s as { type?: string; items?: { properties?: Obj } })?.items;
  return (s as { type?: string })?.type === 'array' && !!items?.properties && 'fileId' in items.properties;
}

/**
 * The schema and UI schema a task is filled with: the action radio limited to the task's
 * allowedActions (labels kept aligned), and attachment arrays bound to the photo field.
 */
export function prepareForm(
  schema: Obj,
  uiSchema: Obj,
  allowedActions?: unknown,
  formData?: Obj,
): { schema: RJSFSchema; uiSchema: UiSchema } {
  const s = structuredClone(schema) as Obj & { properties?: Record<string, Obj> };
  const u = structuredClone(uiSchema ?? {}) as Record<string, Obj>;
  const action = s.properties?.action;
  if (Array.isArray(allowedActions) && action && Array.isArray(action.enum)) {
    const all = action.enum as string[];
    const names = (u.action?.['ui:enumNames'] as string[] | undefined) ?? [];
    const keep = all.map((v, i) => ({ v, n: names[i] ?? v })).filter((x) => allowedActions.includes(x.v));
    action.enum = keep.map((x) => x.v);
    u.action = { ...(u.action ?? {}), 'ui:enumNames': keep.map((x) => x.n) };
  }
  // rjsf renders the fields of `allOf: [{ if, then }, …]` rules as empty rows; the same rules as an
  // if / else-if chain render and validate. Equivalent for the forms' action rules, whose `if`s
  // test different action values.
  const rules = s.allOf;
  if (
    s.if === undefined &&
    Array.isArray(rules) &&
    rules.length > 0 &&
    rules.every((r) => r && typeof r === 'object' && 'if' in r && 'then' in r && Object.keys(r).every((k) => k === 'if' || k === 'then'))
  ) {
    let chain: Obj | undefined;
    for (const r of [...(rules as Obj[])].reverse()) {
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema keyword if/then
      chain = { if: r.if, then: r.then, ...(chain ? { else: chain } : {}) };
    }
    delete s.allOf;
    Object.assign(s, chain);
  }
  requireTestedFields(s);
  for (const [k, p] of Object.entries(s.properties ?? {})) {
    if (isAttachmentArray(p)) u[k] = { ...(u[k] ?? {}), 'ui:field': 'attachments' };
    // Issue forms: units are picked by name (issue-fields.tsx), ratings with stars.
    else if (k === 'deptIds' || k === 'targetOrgId') u[k] = { ...(u[k] ?? {}), 'ui:field': 'orgPicker' };
    else if (k === 'stars') u[k] = { ...(u[k] ?? {}), 'ui:widget': 'stars' };
    if (k === 'complexity' && !u[k]?.['ui:enumNames']) u[k] = { ...(u[k] ?? {}), 'ui:enumNames': COMPLEXITY_NAMES };
  }
  // Fields another action needs (its if/then rule) are hidden until that action is chosen.
  for (const k of fieldsOfOtherActions(s, formData?.action)) u[k] = { ...(u[k] ?? {}), 'ui:field': 'hiddenField' };
  return { schema: s as RJSFSchema, uiSchema: { 'ui:submitButtonOptions': { norender: true }, ...u } as UiSchema };
}

/**
 * `if: { properties: { decision: { const: 'reject' } } }` also holds while `decision` is still
 * empty, so the form would mark the `then` fields required before anything is chosen. A field an
 * `if` tests must be present for the rule to apply (as the forms mean it).
 */
function requireTestedFields(node: Obj | undefined): void {
  const cond = node?.if as { properties?: Obj; required?: string[] } | undefined;
  if (cond?.properties) {
    const tested = Object.keys(cond.properties);
    cond.required = [...new Set([...(cond.required ?? []), ...tested])];
  }
  if (node?.else && typeof node.else === 'object') requireTestedFields(node.else as Obj);
}

/** Server field errors (`/comment` or `comment`) → rjsf extraErrors. */
export function toExtraErrors(fields: { field: string; message: string }[]): ErrorSchema {
  const out: Record<string, { __errors: string[] }> = {};
  for (const f of fields) {
    const name = f.field.replace(/^\//, '').split(/[./]/)[0];
    if (!name) continue;
    out[name] = { __errors: [...(out[name]?.__errors ?? []), f.message] };
  }
  return out as ErrorSchema;
}

interface FormContext {
  taskId?: number;
  disabled?: boolean;
}

/** 附件: pick or shoot photos, each uploaded at once; the form keeps only `{ name, fileId }`. */
function AttachmentsField(props: FieldProps<Attachment[], RJSFSchema, FormContext>) {
  const { formData, onChange, fieldPathId, schema, disabled, readonly, registry, rawErrors } = props;
  const items = formData ?? [];
  const [busy, setBusy] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const max = (schema as { maxItems?: number }).maxItems ?? 9;
  const taskId = (registry.formContext as FormContext | undefined)?.taskId;
  const off = disabled || readonly;

  async function onFiles(files: FileList | null) {
    if (!files?.length) return;
    setError(null);
    const picked = [...files].slice(0, Math.max(0, max - items.length));
    setBusy((b) => b + picked.length);
    let next = items;
    for (const f of picked) {
      try {
        const up: UploadedFile = await uploadFile(f, taskId);
        next = [...next, { name: up.name, fileId: up.id }];
        onChange(next, fieldPathId.path);
      } catch (err) {
        setError((err as Error).message || '上传失败，请重试');
      } finally {
        setBusy((b) => b - 1);
      }
    }
    if (input.current) input.current.value = '';
  }

  return (
    <div className="tf-attachments" data-testid="attachments">
      <div className="tf-attachments-label">{schema.title ?? '附件'}</div>
      <div className="tf-thumbs">
        {items.map((a, i) => (
          <div className="tf-thumb" key={a.fileId}>
            <a href={`/api/files/${a.fileId}`} target="_blank" rel="noreferrer" title={a.name}>
              <img src={`/api/files/${a.fileId}`} alt={a.name} />
            </a>
            {off ? null : (
              <button
                type="button"
                className="tf-thumb-del"
                aria-label={`删除 ${a.name}`}
                onClick={() =>
                  onChange(
                    items.filter((_, j) => j !== i),
                    fieldPathId.path,
                  )
                }
              >
                <DeleteOutlined />
              </button>
            )}
          </div>
        ))}
        {off || items.length >= max ? null : (
          <label className="tf-thumb tf-add">
            {busy > 0 ? <LoadingOutlined /> : <CameraOutlined />}
            <span>{busy > 0 ? '上传中' : '拍照/选图'}</span>
            <input
              ref={input}
              type="file"
              accept="image/*"
              capture="environment"
              multiple
              data-testid="photo-input"
              onChange={(e) => void onFiles(e.target.files)}
            />
          </label>
        )}
      </div>
      <div className="tf-hint">最多 {max} 张，照片会自动压缩后上传</div>
      {error ? <Alert type="error" showIcon title={error} className="tf-upload-error" /> : null}
      {rawErrors?.length ? <div className="tf-field-error">{rawErrors.join('；')}</div> : null}
    </div>
  );
}

export interface TaskFormProps {
  schema: Obj;
  uiSchema?: Obj;
  allowedActions?: unknown;
  formData: Obj;
  onChange: (data: Obj) => void;
  onSubmit: (data: Obj) => void;
  disabled?: boolean;
  taskId?: number;
  extraErrors?: ErrorSchema;
  /** The submit button area (rendered inside the form so Enter and the button both validate). */
  footer: ReactNode;
}

export function TaskForm(p: TaskFormProps) {
  const { schema, uiSchema } = prepareForm(p.schema, p.uiSchema ?? {}, p.allowedActions, p.formData);
  return (
    <div className="tf-root" data-testid="task-form">
      <Form
        schema={schema}
        uiSchema={uiSchema}
        formData={p.formData}
        validator={zhValidator}
        // Not rjsf's default "root": that id belongs to the page's React root (#root styles).
        idPrefix="task"
        transformErrors={transformErrors}
        showErrorList={false}
        noHtml5Validate
        disabled={p.disabled}
        extraErrors={p.extraErrors}
        formContext={{ taskId: p.taskId, disabled: p.disabled }}
        fields={{ attachments: AttachmentsField, orgPicker: OrgPickerField, hiddenField: HiddenField }}
        widgets={{ stars: StarsWidget }}
        onChange={(e) => p.onChange((e.formData ?? {}) as Obj)}
        onSubmit={(e) => p.onSubmit((e.formData ?? {}) as Obj)}
      >
        {p.footer}
      </Form>
    </div>
  );
}
