/** The console API (api/routes/console.ts). */
import { http, request } from '../shared/http';

export type StatusName = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'TERMINATED' | 'CONTINUED_AS_NEW' | 'TIMED_OUT';

export interface ProcessRow {
  workflowId: string;
  runId: string;
  type: string;
  typeLabel: string;
  status: StatusName;
  statusLabel: string;
  startTime: string;
  closeTime: string | null;
  bizId: string | null;
  orgPath: string | null;
  orgName: string | null;
  stage: string | null;
  stageLabel: string | null;
  deadlineAt: string | null;
  overdue: boolean;
  escalationLevel: number;
  openTaskTitle: string | null;
  liveTasks: number;
  expiredTasks: number;
}

export interface ProcessList {
  items: ProcessRow[];
  total: number;
  page: number;
  pageSize: number;
  truncated: boolean;
  window: number;
  now: string;
  counts: { byType: { type: string; label: string; count: number }[]; byStatus: { status: string; label: string; count: number }[] };
}

export type ListFilter = Partial<
  Record<
    | 'type'
    | 'status'
    | 'org'
    | 'overdue'
    | 'deadlineFrom'
    | 'deadlineTo'
    | 'stage'
    | 'bizId'
    | 'escalation'
    | 'q'
    | 'sort'
    | 'order'
    | 'page'
    | 'pageSize',
    string
  >
>;

export interface TimelineEntry {
  at: string;
  kind: string;
  title: string;
  detail?: string;
  tone: 'success' | 'error' | 'warning' | 'pending' | 'default';
  fireAt?: string;
  remainingMs?: number;
}

export interface ProcessDetail {
  process: ProcessRow & { taskQueue: string; historyLength: number };
  searchAttributes: { key: string; label: string; value: string }[];
  state: { available: boolean; value?: unknown; message?: string };
  timeline: TimelineEntry[];
  pendingTimers: { timerId: string; startedAt: string; fireAt: string; remainingMs: number }[];
  pendingActivities: { activityId: string; activityType: string; label: string; scheduledAt: string; attempt: number; state: string }[];
  failedActivities: { activityId: string; activityType: string; label: string; at: string; message: string }[];
  tasks: {
    id: number;
    title: string;
    status: string;
    candidateRoleName: string | null;
    candidateOrgName: string | null;
    assigneeName: string | null;
    claimedByName: string | null;
    completedByName: string | null;
    createdAt: string;
    dueAt: string | null;
    completedAt: string | null;
    closeReason: string | null;
  }[];
  now: string;
  canAdmin: boolean;
}

export interface SavedFilter {
  id: number;
  name: string;
  filter: Record<string, string>;
}

export const fetchProcesses = (f: ListFilter) => http.get<ProcessList>('/console/workflows', f);
export const fetchProcess = (id: string) => request<ProcessDetail>('GET', `/console/workflows/${encodeURIComponent(id)}`, { quiet: true });
export const adminAction = (id: string, action: 'cancel' | 'terminate' | 'retry' | 'signal', body: Record<string, unknown>) =>
  http.post<{ ok: boolean; message: string }>(`/console/workflows/${encodeURIComponent(id)}/${action}`, body, { quiet: true });
export const fetchSavedFilters = () => http.get<{ items: SavedFilter[] }>('/console/filters');
export const saveFilter = (name: string, filter: Record<string, string>) =>
  http.post<{ item: SavedFilter }>('/console/filters', { name, filter }, { quiet: true });
export const deleteFilter = (id: number) => request<void>('DELETE', `/console/filters/${id}`);

export function fmt(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour12: false,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** "2天3小时" / "已超过 5小时" */
export function span(ms: number): string {
  const neg = ms < 0;
  let s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  const text = d ? `${d}天${h ? `${h}小时` : ''}` : h ? `${h}小时${m ? `${m}分` : ''}` : `${m}分`;
  return neg ? `已超过 ${text}` : text;
}

/** Step codes published as the Stage search attribute (and returned by state queries) → Chinese. */
export const STAGES: Record<string, string> = {
  creating_task: '创建任务',
  waiting: '待办理',
  approved: '已同意',
  rejected: '未同意',
  expired: '超期关闭',
  grid_verify: '网格核实',
  community: '社区办理',
  street: '街道吹哨',
  department: '部门办理',
  verify: '核查评价',
  archive: '待归档',
  archived: '已归档',
  invalid: '无效件',
};
