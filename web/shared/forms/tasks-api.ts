/** The task inbox API (api/routes/tasks.ts), shared by the PC inbox and the phone pages. */
import { http, request } from '../http';

export type TaskStatus = 'open' | 'claimed' | 'completed' | 'cancelled' | 'expired';

export interface TaskView {
  id: number;
  title: string;
  bizType: string;
  bizId: string | null;
  formKey: string;
  status: TaskStatus;
  orgPath: string;
  assigneeUserId: number | null;
  candidateRole: string | null;
  candidateOrgPath: string | null;
  claimedBy: number | null;
  claimedByName: string | null;
  createdAt: string;
  dueAt: string | null;
  overdue: boolean;
  completedAt: string | null;
  closeReason: string | null;
  workflowId: string;
  data: Record<string, unknown>;
}

export interface TaskDetail {
  task: TaskView;
  form: { key: string; title: string; schema: Record<string, unknown>; uiSchema: Record<string, unknown> } | null;
  canHandle: boolean;
}

export interface InboxFilter {
  type?: string;
  due?: 'today' | 'week';
  overdue?: 'true' | 'false';
  org?: string;
  page?: number;
  pageSize?: number;
}

export interface InboxPage {
  items: TaskView[];
  total: number;
  page: number;
  pageSize: number;
}

export interface InboxCounts {
  total: number;
  overdue: number;
  byType: { bizType: string; count: number; overdue: number }[];
}

export const fetchInbox = (f: InboxFilter, signal?: AbortSignal) => http.get<InboxPage>('/tasks', { ...f }, signal);
export const fetchCounts = () => http.get<InboxCounts>('/tasks/counts');
/** quiet: the detail page shows "not found / closed" itself. */
export const fetchTask = (id: number | string) => request<TaskDetail>('GET', `/tasks/${id}`, { quiet: true });
export const claimTask = (id: number) => http.post<{ task: TaskView }>(`/tasks/${id}/claim`, undefined, { quiet: true });
export const unclaimTask = (id: number) => http.post<{ task: TaskView }>(`/tasks/${id}/unclaim`, undefined, { quiet: true });
export const delegateTask = (id: number, userId: number) =>
  http.post<{ task: TaskView }>(`/tasks/${id}/delegate`, { userId }, { quiet: true });
export const submitTask = (id: number, data: Record<string, unknown>) =>
  http.post<{ task: TaskView }>(`/tasks/${id}/submit`, { data }, { quiet: true });

/** 任务类型 (biz_type) → Chinese. */
export const BIZ_TYPE_LABELS: Record<string, string> = {
  demo_approval: '审批',
  issue: '事件处置',
  visit: '走访',
  patrol: '巡查',
  move_in: '迁入迁出',
  collection: '数据采集',
  special_task: '专项任务',
  report: '报表填报',
};
export const bizTypeLabel = (t: string) => BIZ_TYPE_LABELS[t] ?? t;

export const STATUS_TEXT: Record<TaskStatus, string> = {
  open: '待认领',
  claimed: '办理中',
  completed: '已办结',
  cancelled: '已撤销',
  expired: '超期关闭',
};

/** Why a task can no longer be submitted, in words the worker can act on. */
export function closedReason(t: TaskView): string | null {
  if (t.status === 'completed')
    return `该任务已于 ${fmtTime(t.completedAt)} 办结${t.claimedByName ? `（办理人：${t.claimedByName}）` : ''}，无需再提交。`;
  if (t.status === 'expired')
    return `该任务已超过办理时限，于 ${fmtTime(t.completedAt)} 被系统关闭${t.closeReason ? `（${t.closeReason}）` : ''}，不能再提交；如需继续办理请联系上级重新派发。`;
  if (t.status === 'cancelled') return `该任务已撤销${t.closeReason ? `（${t.closeReason}）` : ''}，不能再提交。`;
  return null;
}

/** Times are shown in China Standard Time (the platform's users are all in UTC+8), whatever the device's zone. */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour12: false,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** "剩 2 天 3 小时" / "已超期 5 小时" for a due time. */
export function dueText(iso: string | null, now = Date.now()): string {
  if (!iso) return '无时限';
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  const d = Math.floor(abs / 86_400_000);
  const h = Math.floor((abs % 86_400_000) / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const span = d > 0 ? `${d} 天 ${h} 小时` : h > 0 ? `${h} 小时 ${m} 分` : `${m} 分钟`;
  return ms < 0 ? `已超期 ${span}` : `剩 ${span}`;
}
