/**
 * Pickers for the issue task forms (forms/issue/actions.ts): 派单部门 (deptIds), 转派/转办/二次调度
 * targets (targetOrgId) chosen by name from GET /api/issues/:issueNo/targets — the
 * responsibility list's suggestion first — and a star rating for 评价 (stars). The task (and so
 * the issue) is read from the form context's taskId, so the inbox pages need no extra props.
 */
import type { FieldProps, RJSFSchema, WidgetProps } from '@rjsf/utils';
import { Rate, Select, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { http } from '../http';
import { fetchTask } from './tasks-api';

interface Unit {
  orgId: number;
  name: string;
  party?: string;
}

export interface IssueTargets {
  category: { code: string; name: string } | null;
  suggested: Unit[];
  departments: Unit[];
  communities: Unit[];
  streets: Unit[];
  subUnits: Unit[];
}

const cache = new Map<number, Promise<{ targets: IssueTargets; kind: string }>>();

function targetsForTask(taskId: number) {
  let p = cache.get(taskId);
  if (!p) {
    p = (async () => {
      const d = await fetchTask(taskId);
      const issueNo = d.task.bizId ?? '';
      const targets = await http.get<IssueTargets>(`/issues/${encodeURIComponent(issueNo)}/targets`);
      return { targets, kind: String(d.task.data.kind ?? '') };
    })();
    p.catch(() => cache.delete(taskId));
    cache.set(taskId, p);
  }
  return p;
}

interface Ctx {
  taskId?: number;
}

/** Options for one picker: which list depends on the field and the task's step. */
function optionsFor(field: 'deptIds' | 'targetOrgId', kind: string, t: IssueTargets) {
  if (field === 'deptIds') {
    const suggested = new Set(t.suggested.map((s) => s.orgId));
    return [
      ...t.suggested.map((s) => ({ value: s.orgId, label: s.name, hint: `责任清单建议 · ${s.party ?? ''}` })),
      ...t.departments.filter((d) => !suggested.has(d.orgId)).map((d) => ({ value: d.orgId, label: d.name, hint: '' })),
    ];
  }
  const list = kind === 'community' ? t.communities : kind === 'street' ? t.streets : t.subUnits;
  return list.map((u) => ({ value: u.orgId, label: u.name, hint: '' }));
}

/** Renders nothing: a field of another action. */
export function HiddenField() {
  return null;
}

/** deptIds (multiple) and targetOrgId (single) as a searchable select of unit names. */
export function OrgPickerField(props: FieldProps<number[] | number, RJSFSchema, Ctx>) {
  const { formData, onChange, fieldPathId, schema, disabled, readonly, registry, rawErrors, name } = props;
  const taskId = registry.formContext?.taskId;
  const field = name === 'deptIds' ? 'deptIds' : 'targetOrgId';
  const [opts, setOpts] = useState<{ value: number; label: string; hint: string }[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!taskId) return;
    targetsForTask(taskId).then(
      ({ targets, kind }) => setOpts(optionsFor(field, kind, targets)),
      (e: Error) => setError(e.message),
    );
  }, [taskId, field]);

  const multiple = field === 'deptIds';
  // rjsf pre-fills arrays up to minItems with empty entries: keep only real ids.
  const value = multiple ? (Array.isArray(formData) ? formData.filter((n) => typeof n === 'number') : []) : formData;
  return (
    <div className="tf-picker" data-testid={`picker-${field}`}>
      <div className="tf-attachments-label">
        {schema.title}
        {multiple ? <span className="tf-hint">（可多选，责任清单建议的部门排在前面）</span> : null}
      </div>
      <Select<number | number[]>
        mode={multiple ? 'multiple' : undefined}
        style={{ width: '100%' }}
        showSearch={{ optionFilterProp: 'title' }}
        allowClear
        disabled={disabled || readonly}
        loading={opts === null && !error}
        placeholder={multiple ? '选择承办部门' : '选择单位'}
        notFoundContent={opts && opts.length === 0 ? '没有可选的单位' : undefined}
        value={value}
        onChange={(v) => onChange((Array.isArray(v) && v.length === 0 ? undefined : v) as number[] | number, fieldPathId.path)}
        options={(opts ?? []).map((o) => ({
          value: o.value,
          title: o.label,
          label: (
            <span>
              {o.label}
              {o.hint ? (
                <Tag color="blue" style={{ marginLeft: 8 }}>
                  {o.hint}
                </Tag>
              ) : null}
            </span>
          ),
        }))}
      />
      {error ? <div className="tf-field-error">{error}</div> : null}
      {rawErrors?.length ? <div className="tf-field-error">{rawErrors.join('；')}</div> : null}
    </div>
  );
}

const STAR_TEXT = ['很不满意', '不满意', '一般', '满意', '非常满意'];

/** 评价（星级）: 1–5 stars with the words beside them. */
export function StarsWidget(props: WidgetProps) {
  const { value, onChange, disabled, readonly } = props;
  const v = typeof value === 'number' ? value : 0;
  return (
    <span className="tf-stars" data-testid="stars">
      <Rate value={v} disabled={disabled || readonly} onChange={(n) => onChange(n || undefined)} />
      <span className="tf-hint" style={{ marginLeft: 10 }}>
        {v ? STAR_TEXT[v - 1] : '请点选星级'}
      </span>
    </span>
  );
}
