/**
 * 业务信息: the business object a task concerns, from the task's context data, as label/value
 * pairs. Technical keys (allowed actions, internal ids) are left out; known keys get Chinese labels.
 */
import { fmtTime, type TaskView } from './tasks-api';

const LABELS: Record<string, string> = {
  applicant: '申请人',
  issueNo: '事件编号',
  title: '事项',
  summary: '概要',
  description: '描述',
  address: '地点',
  category: '类别',
  categoryName: '类别',
  reporter: '上报人',
  reporterName: '上报人',
  gridName: '所属网格',
  orgName: '所属单位',
  complexity: '复杂程度',
  deadline: '时限',
  note: '备注',
};
const COMPLEXITY: Record<string, string> = { general: '一般问题', complex: '复杂问题' };
const HIDDEN = new Set(['allowedActions', 'kind', 'dispatchIndex', 'taskKey']);

function show(v: unknown): string | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string' || typeof x === 'number') ? v.join('、') : null;
  if (typeof v === 'object' && 'name' in (v as object)) return String((v as { name: unknown }).name);
  return null;
}

export function businessFields(t: TaskView): { label: string; value: string }[] {
  const out: { label: string; value: string }[] = [];
  if (t.bizId) out.push({ label: '业务编号', value: t.bizId });
  for (const [k, v] of Object.entries(t.data ?? {})) {
    if (HIDDEN.has(k) || !LABELS[k]) continue;
    const s = k === 'deadline' && typeof v === 'string' ? fmtTime(v) : k === 'complexity' ? (COMPLEXITY[String(v)] ?? show(v)) : show(v);
    if (s) out.push({ label: LABELS[k], value: s });
  }
  return out;
}
