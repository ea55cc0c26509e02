/**
 * 问题处置 API (api/routes/issues.ts) and its Chinese labels, shared by the PC issue pages and the
 * phone's issue centre and resident pages (no UI kit imported here).
 */
import { ACTION_LABELS } from '../../../../forms/issue/actions';
import { http, request } from '../../../shared/http';

export type IssueTab = 'todo' | 'in_progress' | 'overdue' | 'supervised' | 'archived' | 'invalid' | 'all';

export interface IssueListItem {
  issueNo: string;
  title: string;
  source: string;
  categoryCode: string | null;
  categoryName: string | null;
  complexity: string;
  step: string;
  gridName: string;
  holderName: string | null;
  handlingDeadline: string | null;
  overdue: boolean;
  supervisionLevel: number;
  returnCount: number;
  createdAt: string;
  closedAt: string | null;
}

export interface TimelineEntry {
  id?: number;
  step: string;
  action: string;
  actorName?: string | null;
  detail?: Record<string, unknown>;
  at: string;
}

export interface Attachment {
  name: string;
  fileId: string;
}

export interface IssueDetail extends IssueListItem {
  description: string | null;
  address: string | null;
  location: { lng: number; lat: number } | null;
  attachments: Attachment[];
  marks: string[];
  dispatches: { dept: { id: number; name: string }; status: string; handler?: { name: string }; feedback?: string }[];
  extensionWorkingDays: number;
  internalRating: number | null;
  externalRating: number | null;
  timeline: TimelineEntry[];
  documents: { id: number; kind: string; fileName: string; createdAt: string }[];
}

export interface IssuePage {
  items: IssueListItem[];
  total: number;
  page: number;
  pageSize: number;
}

export interface IssueQuery {
  tab?: IssueTab;
  q?: string;
  categoryCode?: string;
  source?: string;
  page?: number;
  pageSize?: number;
}

export interface CategoryNode {
  code: string;
  name: string;
  parentCode: string | null;
  level: number;
  complexity: 'general' | 'complex';
  parties: { party: string; dept?: string }[];
  active: boolean;
  children: CategoryNode[];
}

export interface Analysis {
  byArea: { orgId: number; name: string; count: number; lng: number | null; lat: number | null }[];
  byPeriod: { period: string; count: number }[];
  byCategory: { name: string; count: number }[];
  difficult: IssueListItem[];
  blocked: IssueListItem[];
  legacy: IssueListItem[];
}

export interface ReportBody {
  title: string;
  description: string;
  categoryCode?: string;
  complexity?: 'general' | 'complex';
  source?: 'grid' | 'lead';
  gridId: number;
  address?: string;
  location?: { lng: number; lat: number };
  attachments?: Attachment[];
  selfHandled?: boolean;
  selfHandledResult?: string;
}

export interface ResidentIssue {
  issueNo: string;
  title: string;
  step: string;
  externalRating: number | null;
  timeline: TimelineEntry[];
}

export const issuesApi = {
  list: (q: IssueQuery, signal?: AbortSignal) => http.get<IssuePage>('/issues', { ...q }, signal),
  detail: (issueNo: string) => request<IssueDetail>('GET', `/issues/${encodeURIComponent(issueNo)}`, { quiet: true }),
  jointMeeting: () => http.get<{ items: IssueListItem[] }>('/issues/joint-meeting'),
  analysis: (q: { from?: string; to?: string; period?: string; areaLevel?: string }) => http.get<Analysis>('/issues/analysis', q),
  categories: () => http.get<CategoryNode[]>('/issue-categories'),
  saveCategory: (code: string, body: Omit<CategoryNode, 'code' | 'level' | 'children'>) =>
    request<CategoryNode>('PUT', `/issue-categories/${encodeURIComponent(code)}`, { body, quiet: true }),
  report: (body: ReportBody) => http.post<{ issueNo: string }>('/issues', body, { quiet: true }),
  documentUrl: (issueNo: string, id: number) => `/api/issues/${encodeURIComponent(issueNo)}/documents/${id}`,
  // 居民端 (I-6)
  mySubmit: (body: {
    title: string;
    description: string;
    gridId: number;
    address?: string;
    location?: { lng: number; lat: number };
    attachments?: Attachment[];
  }) => http.post<{ issueNo: string }>('/my/issues', body, { quiet: true }),
  myList: () => http.get<{ items: IssueListItem[] }>('/my/issues'),
  myDetail: (issueNo: string) => request<ResidentIssue>('GET', `/my/issues/${encodeURIComponent(issueNo)}`, { quiet: true }),
  myRate: (issueNo: string, stars: number, comment?: string) =>
    http.post<{ ok: true }>(`/my/issues/${encodeURIComponent(issueNo)}/rating`, { stars, comment }, { quiet: true }),
};

/** 流程环节 (Q-1). */
export const STEP_LABELS: Record<string, string> = {
  grid_verify: '网格核实上报',
  community: '社区接报',
  street: '街乡吹哨',
  department: '部门报到',
  verify: '核查评价',
  archive: '归档',
  archived: '已归档',
  invalid: '无效件',
};

/** What a resident sees instead of the staff's step names. */
export const RESIDENT_STEP_LABELS: Record<string, string> = {
  grid_verify: '网格员核实中',
  community: '社区办理中',
  street: '街道办理中',
  department: '职能部门办理中',
  verify: '已办结，待核查',
  archive: '已办结',
  archived: '已办结',
  invalid: '未受理',
};

export const SOURCE_LABELS: Record<string, string> = { grid: '网格员发现', resident: '居民反映', lead: '巡查微线索' };
export const COMPLEXITY_LABELS: Record<string, string> = { general: '一般问题', complex: '复杂问题' };
export const SUPERVISION_LABELS = ['', '行管部门督办', '分管领导督办', '纪委监委督办'];
export const DISPATCH_STATUS: Record<string, string> = { pending: '待接单', accepted: '已接单', returned: '已退单', fed_back: '已反馈' };

/** Timeline actions: the form actions plus what the workflow records itself. */
export const TIMELINE_ACTION_LABELS: Record<string, string> = {
  ...ACTION_LABELS,
  created: '上报',
  dept_accept: '部门接单',
  dept_return: '部门退单',
  verify_pass: '核查通过',
  verify_fail: '核查不通过',
  extension_requested: '申请延期',
  extension_approved: '同意延期',
  extension_rejected: '不同意延期',
  supervision: '督办',
  report_overdue: '核实超时提醒',
  resident_rating: '居民评价',
  archived: '已归档',
  invalid: '认定无效件',
};

/** The same history in a resident's words (I-6): what happened to their request, not the staff's terms. */
export const RESIDENT_ACTION_LABELS: Record<string, string> = {
  created: '诉求已提交',
  report: '网格员已核实',
  self_handle: '网格员已现场处理',
  invalid: '经核实不予受理',
  handle: '社区已办理',
  escalate: '已转街道办理',
  transfer: '已转交其他单位办理',
  accept: '街道已受理',
  dispatch: '已派职能部门办理',
  redispatch: '已重新派单',
  close_self: '街道已办理',
  dept_accept: '职能部门已受理',
  dept_return: '职能部门退回，重新派单中',
  feedback: '职能部门已办理',
  extension_approved: '办理时限已延长',
  supervision: '已督促加快办理',
  verify_pass: '办理结果已核查',
  verify_fail: '核查未通过，重新办理',
  return_feedback: '重新办理',
  resident_rating: '您已评价',
  archive: '已办结归档',
  archived: '已归档',
};

/** Timeline rows worth showing (a stale submission changed nothing). */
export const visibleTimeline = (t: TimelineEntry[]) => t.filter((e) => e.action !== 'stale_submission');

/**
 * A timeline entry's detail as readable Chinese lines; `unitNames` turns 派单 department ids into
 * names (the issue's dispatches know them).
 */
export function detailLines(e: TimelineEntry, unitNames: Record<number, string> = {}): string[] {
  const d = e.detail ?? {};
  const out: string[] = [];
  const str = (k: string) => (typeof d[k] === 'string' && d[k] ? String(d[k]) : null);
  const name = (k: string) => {
    const v = d[k] as { name?: string } | undefined;
    return v && typeof v === 'object' && v.name ? v.name : null;
  };
  if (e.action === 'created' && str('source')) out.push(`来源：${SOURCE_LABELS[str('source')!] ?? str('source')}`);
  if (Array.isArray(d.deptIds) && d.deptIds.length)
    out.push(`派至：${(d.deptIds as number[]).map((id) => unitNames[id] ?? `单位 ${id}`).join('、')}`);
  if (name('dept')) out.push(`部门：${name('dept')}`);
  if (name('to')) out.push(`转至：${name('to')}`);
  if (str('comment')) out.push(`意见：${str('comment')}`);
  if (str('reason')) out.push(`原因：${str('reason')}`);
  if (str('result')) out.push(`结果：${str('result')}`);
  if (str('mark')) out.push(`标记：${str('mark')}`);
  if (str('label')) out.push(str('label')!);
  if (typeof d.complexity === 'string') out.push(`问题类型：${COMPLEXITY_LABELS[d.complexity] ?? d.complexity}`);
  if (typeof d.workingDays === 'number') out.push(`延期 ${d.workingDays} 个工作日`);
  if (typeof d.stars === 'number') out.push(`评价：${'★'.repeat(d.stars)}${'☆'.repeat(Math.max(0, 5 - d.stars))}`);
  return out;
}

export function timelineAttachments(e: TimelineEntry): Attachment[] {
  const a = e.detail?.attachments;
  return Array.isArray(a) ? (a as Attachment[]).filter((x) => x && typeof x.fileId === 'string') : [];
}

/** Times in China Standard Time, with the year (issue histories span years). */
export function fmtDateTime(iso: string | null | undefined): string {
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
