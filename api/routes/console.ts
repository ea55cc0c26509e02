/**
 * 流程监控 (workflow console): processes, their deadlines and history, and the administrator's
 * actions. Uses only the runtime-neutral workflow client (list / describe / fetchHistory / query /
 * signal / cancel / terminate / start) plus the tasks table, so it works the same on the embedded
 * engine and on a Temporal cluster.
 *
 * The list reads the newest LIST_WINDOW executions that match what the client can filter itself
 * (status, search attributes, start time) and applies the rest here (type, status, scope, org, overdue,
 * deadline range, sort): one client call and one grouped tasks query per request, bounded whatever
 * the number of processes. Older matches are reported as `truncated` (narrow the filter).
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { appendAudit } from '../../db/audit';
import {
  deleteSavedFilter,
  listSavedFilters,
  orgNames,
  type ProcessTaskSummary,
  type RelatedTask,
  relatedTasks,
  roleNames,
  saveFilter,
  taskSummaries,
} from '../../db/queries/console';
import { type Actor, inScope } from '../../db/scope';
import type { WorkflowStatusName } from '../../engine/types';
import { createDataConverter } from '../../temporal-config/codec';
import type { ListFilter, WorkflowClientLike, WorkflowExecutionDescription } from '../../temporal-config/types';
import { now as appNow } from '../auth/clock';
import { errors } from '../errors';
import { defineRoutes, type RouteContext } from '../http';
import { readHistory, SA_LABELS, saText, stageLabel, type TimelineEntry } from './console-history';

export const LIST_WINDOW = 1000;

/** Workflow types → Chinese names (业务类型). Unknown types show their code. */
const TYPE_LABELS: Record<string, string> = {
  demoApproval: '演示审批',
  issueWorkflow: '问题处置',
  visitCycle: '走访周期',
  moveIn: '迁入登记',
  specialTask: '专项任务',
};

export const STATUS_LABELS: Record<WorkflowStatusName, string> = {
  RUNNING: '运行中',
  COMPLETED: '已完成',
  FAILED: '失败',
  CANCELLED: '已取消',
  TERMINATED: '已终止',
  CONTINUED_AS_NEW: '已续作',
  TIMED_OUT: '已超时',
};

/** How a closed process's last task ended, as its final step. */
const CLOSED_TASK_LABELS: Record<string, string> = { completed: '已办结', expired: '超期关闭', cancelled: '已撤销' };

/** The query that tells a process's current state, per workflow type (see workflows/*-messages.ts). */
const STATE_QUERIES: Record<string, string> = {
  demoApproval: 'demoApproval.state',
  issueWorkflow: 'issue.state',
};

const CLOSED_STATUSES: WorkflowStatusName[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT'];

const ISO_DATE = '^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+(Z|[+-]\\d{2}:?\\d{2})?)?$';
const SORTS = ['startTime', 'closeTime', 'deadline', 'type', 'status', 'stage'] as const;
type SortKey = (typeof SORTS)[number];

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: { type: 'string', title: '流程类型', maxLength: 100, pattern: '^[A-Za-z0-9_]+$' },
    status: {
      type: 'string',
      title: '状态',
      enum: ['running', 'closed', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT'],
    },
    org: { type: 'string', title: '所属区域', pattern: '^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$', maxLength: 255 },
    overdue: { type: 'string', title: '是否超期', enum: ['true', 'false'] },
    deadlineFrom: { type: 'string', title: '时限起', pattern: ISO_DATE },
    deadlineTo: { type: 'string', title: '时限止', pattern: ISO_DATE },
    startedFrom: { type: 'string', title: '启动时间起', pattern: ISO_DATE },
    startedTo: { type: 'string', title: '启动时间止', pattern: ISO_DATE },
    stage: { type: 'string', title: '当前环节', maxLength: 50 },
    bizId: { type: 'string', title: '业务编号', maxLength: 100 },
    escalation: { type: 'string', title: '督办层级', pattern: '^[0-3]$' },
    q: { type: 'string', title: '关键词', maxLength: 100 },
    sort: { type: 'string', title: '排序字段', enum: [...SORTS] },
    order: { type: 'string', title: '排序方向', enum: ['asc', 'desc'] },
    page: { type: 'string', title: '页码', pattern: '^[1-9][0-9]{0,4}$' },
    pageSize: { type: 'string', title: '每页条数', pattern: '^([1-9]|[1-9][0-9]|100)$' },
  },
};

export type ConsoleListQuery = Partial<Record<keyof (typeof listQuery)['properties'], string>>;

export interface ProcessRow {
  workflowId: string;
  runId: string;
  type: string;
  typeLabel: string;
  status: WorkflowStatusName;
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

function client(services: { workflows?: WorkflowClientLike }): WorkflowClientLike {
  if (!services.workflows) throw errors.unavailable('流程服务暂不可用，请稍后再试');
  return services.workflows;
}

const first = (sa: Record<string, unknown[]>, k: string): unknown => (Array.isArray(sa[k]) ? sa[k][0] : undefined);
const parseDate = (s: string | undefined, endOfDay = false): Date | undefined => {
  if (!s) return undefined;
  const d = new Date(s.length === 10 ? `${s}T${endOfDay ? '23:59:59.999' : '00:00:00'}+08:00` : s);
  if (Number.isNaN(d.getTime())) throw errors.badRequest('日期格式不正确，请使用 YYYY-MM-DD', 'deadlineFrom');
  return d;
};

/** A process as the console shows it: search attributes first, the tasks table for the rest. */
function toRow(d: WorkflowExecutionDescription, t: ProcessTaskSummary | undefined, now: number): ProcessRow {
  const sa = d.searchAttributes ?? {};
  const stage = (first(sa, 'Stage') as string | undefined) ?? null;
  const saDeadline = first(sa, 'DeadlineAt') as string | Date | undefined;
  const running = d.status.name === 'RUNNING';
  const deadline = saDeadline ? new Date(saDeadline) : (t?.openTaskDueAt ?? (running ? null : (t?.lastTaskDueAt ?? null)));
  const overdue =
    first(sa, 'Overdue') === true ||
    (running && deadline !== null && deadline.getTime() < now) ||
    (running && (t?.overdueTasks ?? 0) > 0) ||
    (t?.expiredTasks ?? 0) > 0;
  return {
    workflowId: d.workflowId,
    runId: d.runId,
    type: d.type,
    typeLabel: TYPE_LABELS[d.type] ?? d.type,
    status: d.status.name,
    statusLabel: STATUS_LABELS[d.status.name] ?? d.status.name,
    startTime: new Date(d.startTime).toISOString(),
    closeTime: d.closeTime ? new Date(d.closeTime).toISOString() : null,
    bizId: (first(sa, 'BizId') as string | undefined) ?? t?.bizId ?? null,
    orgPath: (first(sa, 'OrgPath') as string | undefined) ?? t?.orgPath ?? null,
    orgName: null,
    stage,
    stageLabel: stage ? stageLabel(stage) : running ? (t?.openTaskTitle ?? null) : (CLOSED_TASK_LABELS[t?.lastTaskStatus ?? ''] ?? null),
    deadlineAt: deadline ? deadline.toISOString() : null,
    overdue,
    escalationLevel: Number(first(sa, 'EscalationLevel') ?? 0),
    openTaskTitle: t?.openTaskTitle ?? null,
    liveTasks: t?.liveTasks ?? 0,
    expiredTasks: t?.expiredTasks ?? 0,
  };
}

/** Processes without a known org are shown only to users whose scope covers the whole city. */
function visible(actor: Actor, orgPath: string | null): boolean {
  if (orgPath) return inScope(actor, orgPath, 'read');
  return actor.orgPath.indexOf('.') < 0 || actor.permissions.has('workflow.admin');
}

const compare: Record<SortKey, (a: ProcessRow, b: ProcessRow) => number> = {
  startTime: (a, b) => a.startTime.localeCompare(b.startTime),
  closeTime: (a, b) => (a.closeTime ?? '9').localeCompare(b.closeTime ?? '9'),
  deadline: (a, b) => (a.deadlineAt ?? '9').localeCompare(b.deadlineAt ?? '9'),
  type: (a, b) => a.typeLabel.localeCompare(b.typeLabel, 'zh-CN'),
  status: (a, b) => a.statusLabel.localeCompare(b.statusLabel, 'zh-CN'),
  stage: (a, b) => (a.stageLabel ?? '').localeCompare(b.stageLabel ?? '', 'zh-CN'),
};

function statusMatches(s: WorkflowStatusName, want: string | undefined): boolean {
  if (!want) return true;
  if (want === 'running') return s === 'RUNNING';
  if (want === 'closed') return s !== 'RUNNING';
  return s === want;
}

/** The console list: filters, counts by type and status, sort, paging. */
export async function listProcesses(db: RouteContext['services']['db'], wf: WorkflowClientLike, actor: Actor, q: ConsoleListQuery) {
  const now = appNow().getTime();
  // One page one row longer than the window: the extra row only tells that older matches exist.
  const filter: ListFilter = { pageSize: LIST_WINDOW + 1 };
  // Status goes to the client: the window must hold the oldest running process, however many
  // closed ones came after it (closed executions pile up until retention removes them).
  if (q.status === 'running') filter.status = 'RUNNING';
  else if (q.status === 'closed') filter.status = CLOSED_STATUSES;
  else if (q.status) filter.status = q.status as WorkflowStatusName;
  const sa: Record<string, unknown> = {};
  if (q.stage) sa.Stage = q.stage;
  if (q.bizId) sa.BizId = q.bizId;
  if (q.escalation) sa.EscalationLevel = Number(q.escalation);
  if (Object.keys(sa).length) filter.searchAttributes = sa;
  filter.startedAfter = parseDate(q.startedFrom);
  filter.startedBefore = parseDate(q.startedTo, true);

  const window: WorkflowExecutionDescription[] = [];
  let truncated = false;
  for await (const d of wf.list(filter)) {
    if (window.length >= LIST_WINDOW) {
      truncated = true;
      break;
    }
    window.push(d);
  }
  // Processes that publish the Overdue search attribute (the issue workflow) are found however old:
  // a second, index-bound client query adds those the window of newest executions missed.
  if (q.overdue === 'true' && truncated) {
    const seen = new Set(window.map((d) => d.runId));
    let n = 0;
    for await (const d of wf.list({ ...filter, searchAttributes: { ...(filter.searchAttributes ?? {}), Overdue: true } })) {
      if (++n > LIST_WINDOW) break;
      if (!seen.has(d.runId)) window.push(d);
    }
  }
  const summaries = await taskSummaries(
    db,
    window.map((d) => d.workflowId),
    new Date(now),
  );
  const from = parseDate(q.deadlineFrom);
  const to = parseDate(q.deadlineTo, true);
  const needle = q.q?.trim().toLowerCase();

  const matching = window
    .map((d) => toRow(d, summaries.get(d.workflowId), now))
    .filter((r) => visible(actor, r.orgPath))
    .filter((r) => !q.org || (r.orgPath !== null && (r.orgPath === q.org || r.orgPath.startsWith(`${q.org}.`))))
    .filter((r) => q.overdue === undefined || r.overdue === (q.overdue === 'true'))
    .filter((r) => !from || (r.deadlineAt !== null && r.deadlineAt >= from.toISOString()))
    .filter((r) => !to || (r.deadlineAt !== null && r.deadlineAt <= to.toISOString()))
    .filter(
      (r) =>
        !needle ||
        r.workflowId.toLowerCase().includes(needle) ||
        (r.bizId ?? '').toLowerCase().includes(needle) ||
        (r.openTaskTitle ?? '').toLowerCase().includes(needle),
    );

  // Counts over everything but the type / status choice, so the tabs show what each would give.
  const byType = new Map<string, number>();
  const byStatus = new Map<string, number>();
  for (const r of matching) {
    if (statusMatches(r.status, q.status)) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    if (!q.type || r.type === q.type) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  }
  const rows = matching.filter((r) => (!q.type || r.type === q.type) && statusMatches(r.status, q.status));
  const sort = (q.sort as SortKey | undefined) ?? 'startTime';
  const dir = (q.order ?? (sort === 'startTime' ? 'desc' : 'asc')) === 'desc' ? -1 : 1;
  rows.sort((a, b) => dir * compare[sort](a, b) || a.workflowId.localeCompare(b.workflowId));

  const page = Number(q.page ?? 1);
  const pageSize = Number(q.pageSize ?? 20);
  const items = rows.slice((page - 1) * pageSize, page * pageSize);
  const names = await orgNames(
    db,
    items.map((r) => r.orgPath ?? ''),
  );
  for (const r of items) r.orgName = r.orgPath ? (names[r.orgPath] ?? null) : null;
  return {
    items,
    total: rows.length,
    page,
    pageSize,
    truncated,
    window: LIST_WINDOW,
    now: new Date(now).toISOString(),
    counts: {
      byType: [...byType].map(([type, count]) => ({ type, label: TYPE_LABELS[type] ?? type, count })),
      byStatus: [...byStatus].map(([status, count]) => ({
        status,
        label: STATUS_LABELS[status as WorkflowStatusName] ?? status,
        count,
      })),
    },
  };
}

function workflowIdParam(params: Record<string, string>): string {
  const id = params.id ?? '';
  if (!id || id.length > 200) throw errors.notFound('流程实例');
  return id;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: number };
  return e?.name === 'WorkflowNotFoundError' || e?.code === 5 || /not found|未找到/i.test(e?.message ?? '');
}

/** Describe and scope-check one process; the caller gets its row and task summary. */
async function loadProcess(ctx: RouteContext, workflowId: string) {
  const wf = client(ctx.services);
  const handle = wf.getHandle(workflowId);
  let d: WorkflowExecutionDescription;
  try {
    d = await handle.describe();
  } catch (err) {
    if (isNotFound(err)) throw errors.notFound('流程实例');
    throw err;
  }
  const now = appNow().getTime();
  const summary = (await taskSummaries(ctx.services.db, [workflowId], new Date(now))).get(workflowId);
  const row = toRow(d, summary, now);
  if (!visible(ctx.actor, row.orgPath)) throw errors.outOfScope();
  return { wf, handle, d, row, now };
}

async function audit(ctx: RouteContext, action: string, workflowId: string, orgPath: string | null, detail: Record<string, unknown>) {
  await appendAudit(ctx.services.db, {
    userId: ctx.actor.userId,
    username: ctx.actor.username,
    action,
    objectType: 'workflow',
    objectId: workflowId,
    orgPath,
    ip: ctx.req.ip ?? null,
    detail,
  });
}

const reasonBody = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: { reason: { type: 'string', title: '操作原因', minLength: 2, maxLength: 200 } },
};

function mustBeRunning(status: WorkflowStatusName, what: string): void {
  if (status !== 'RUNNING') throw errors.conflict(`该流程已${STATUS_LABELS[status] ?? '结束'}，不能${what}；请刷新页面查看最新状态`);
}

export const consoleRoutes = defineRoutes([
  {
    method: 'get',
    path: '/console/workflows',
    permission: 'workflow.read',
    query: listQuery,
    summary: '流程实例列表：按类型、状态、区域、超期、时限范围与检索属性筛选，可排序，附按类型和状态的统计',
    async handler(ctx: RouteContext<unknown, ConsoleListQuery>) {
      return listProcesses(ctx.services.db, client(ctx.services), ctx.actor, ctx.query);
    },
  },
  {
    method: 'get',
    path: '/console/workflows/:id',
    permission: 'workflow.read',
    personal: true,
    summary: '流程实例详情：中文历史时间线、待触发定时器与进行中活动、当前状态（流程查询）、相关待办',
    async handler(ctx: RouteContext) {
      const { handle, d, row, now } = await loadProcess(ctx, workflowIdParam(ctx.params));
      const history = await handle.fetchHistory();
      const reading = readHistory(history, now);
      const tasks = await relatedTasks(ctx.services.db, d.workflowId);
      const roles = await roleNames(ctx.services.db);
      const names = await orgNames(ctx.services.db, [row.orgPath ?? '', ...tasks.map((t) => t.candidateOrgPath ?? '')]);
      row.orgName = row.orgPath ? (names[row.orgPath] ?? null) : null;

      reading.timeline = mergeTaskEvents(
        reading.timeline,
        tasks,
        (t) =>
          t.assigneeName ??
          [
            t.candidateOrgPath ? (names[t.candidateOrgPath] ?? t.candidateOrgPath) : '',
            t.candidateRole ? (roles[t.candidateRole] ?? t.candidateRole) : '',
          ]
            .filter(Boolean)
            .join(' '),
      );

      let state: { available: boolean; value?: unknown; message?: string } = { available: false, message: '该流程类型未定义状态查询' };
      const queryName = STATE_QUERIES[d.type];
      if (queryName) {
        try {
          state = { available: true, value: await handle.query(queryName) };
        } catch (err) {
          state = { available: false, message: `暂时无法查询流程状态：${(err as Error).message ?? '未知原因'}` };
        }
      }
      const saList = Object.entries(d.searchAttributes ?? {})
        .filter(([k]) => SA_LABELS[k])
        .map(([k, v]) => ({ key: k, label: SA_LABELS[k], value: saText(k, v) }));
      return {
        process: { ...row, taskQueue: d.taskQueue, historyLength: d.historyLength, memo: d.memo ?? {} },
        searchAttributes: saList,
        state,
        ...reading,
        tasks: tasks.map((t) => ({
          ...t,
          candidateRoleName: t.candidateRole ? (roles[t.candidateRole] ?? t.candidateRole) : null,
          candidateOrgName: t.candidateOrgPath ? (names[t.candidateOrgPath] ?? null) : null,
        })),
        now: new Date(now).toISOString(),
        canAdmin: ctx.actor.permissions.has('workflow.admin'),
      };
    },
  },
  {
    method: 'post',
    path: '/console/workflows/:id/cancel',
    permission: 'workflow.admin',
    body: reasonBody,
    summary: '取消流程（流程自行收尾：关闭待办等），需填写原因，留痕',
    async handler(ctx: RouteContext<{ reason: string }>) {
      const { handle, d, row } = await loadProcess(ctx, workflowIdParam(ctx.params));
      mustBeRunning(d.status.name, '取消');
      await handle.cancel();
      await audit(ctx, 'workflow_cancel', d.workflowId, row.orgPath, { reason: ctx.body.reason, runId: d.runId, type: d.type });
      return { ok: true, message: '已发送取消请求，流程将自行收尾' };
    },
  },
  {
    method: 'post',
    path: '/console/workflows/:id/terminate',
    permission: 'workflow.admin',
    body: reasonBody,
    summary: '强制终止流程（不执行收尾，未办结的待办一并撤销），需填写原因，留痕',
    async handler(ctx: RouteContext<{ reason: string }>) {
      const { handle, d, row } = await loadProcess(ctx, workflowIdParam(ctx.params));
      mustBeRunning(d.status.name, '终止');
      await handle.terminate(ctx.body.reason);
      // A terminated workflow runs no clean-up: take its tasks out of every inbox here.
      const closed = await ctx.services
        .db('tasks')
        .where({ workflow_id: d.workflowId })
        .whereIn('status', ['open', 'claimed'])
        .update({ status: 'cancelled', close_reason: `流程已被管理员终止：${ctx.body.reason}`, completed_at: ctx.services.db.fn.now() });
      await audit(ctx, 'workflow_terminate', d.workflowId, row.orgPath, {
        reason: ctx.body.reason,
        runId: d.runId,
        type: d.type,
        tasksClosed: closed,
      });
      return { ok: true, message: `流程已终止，撤销待办 ${closed} 件` };
    },
  },
  {
    method: 'post',
    path: '/console/workflows/:id/signal',
    permission: 'workflow.admin',
    body: {
      type: 'object',
      required: ['name', 'reason'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', title: '信号名称', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:-]+$' },
        args: { type: 'array', title: '信号参数', maxItems: 5 },
        reason: { type: 'string', title: '操作原因', minLength: 2, maxLength: 200 },
      },
    },
    summary: '向流程发送信号（参数为 JSON），需填写原因，留痕',
    async handler(ctx: RouteContext<{ name: string; args?: unknown[]; reason: string }>) {
      const { handle, d, row } = await loadProcess(ctx, workflowIdParam(ctx.params));
      mustBeRunning(d.status.name, '发送信号');
      await handle.signal(ctx.body.name, ...(ctx.body.args ?? []));
      await audit(ctx, 'workflow_signal', d.workflowId, row.orgPath, { reason: ctx.body.reason, signal: ctx.body.name, runId: d.runId });
      return { ok: true, message: `已发送信号 ${ctx.body.name}` };
    },
  },
  {
    method: 'post',
    path: '/console/workflows/:id/retry',
    permission: 'workflow.admin',
    body: reasonBody,
    summary: '重试失败的活动：活动重试用尽导致流程失败时，以原输入重新运行该流程（同一流程编号），需填写原因，留痕',
    async handler(ctx: RouteContext<{ reason: string }>) {
      const { wf, handle, d, row } = await loadProcess(ctx, workflowIdParam(ctx.params));
      if (d.status.name === 'RUNNING') {
        throw errors.conflict('流程仍在运行，失败的活动会按重试策略自动重试；如需人工干预请使用“发送信号”或“取消”');
      }
      if (d.status.name !== 'FAILED') throw errors.conflict(`该流程${STATUS_LABELS[d.status.name]}，没有需要重试的失败活动`);
      const history = await handle.fetchHistory();
      const reading = readHistory(history, appNow().getTime());
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      const args = await decodeInput(started?.input?.payloads ?? []);
      const h = await wf.start(d.type, {
        workflowId: d.workflowId,
        taskQueue: d.taskQueue,
        args,
        memo: d.memo,
        searchAttributes: d.searchAttributes,
        workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      });
      await audit(ctx, 'workflow_retry', d.workflowId, row.orgPath, {
        reason: ctx.body.reason,
        failedRunId: d.runId,
        newRunId: h.firstExecutionRunId ?? h.runId ?? null,
        failedActivities: reading.failedActivities.map((f) => f.activityType),
      });
      return { ok: true, message: '已以原输入重新运行该流程' };
    },
  },
  {
    method: 'get',
    path: '/console/filters',
    permission: 'workflow.read',
    summary: '我的常用筛选',
    async handler(ctx: RouteContext) {
      return { items: await listSavedFilters(ctx.services.db, ctx.actor.userId) };
    },
  },
  {
    method: 'post',
    path: '/console/filters',
    permission: 'workflow.read',
    body: {
      type: 'object',
      required: ['name', 'filter'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', title: '筛选名称', minLength: 1, maxLength: 50 },
        filter: { type: 'object', title: '筛选条件', maxProperties: 20, additionalProperties: { type: 'string', maxLength: 255 } },
      },
    },
    summary: '保存常用筛选（同名覆盖）',
    async handler(ctx: RouteContext<{ name: string; filter: Record<string, string> }>) {
      const allowed = new Set(Object.keys(listQuery.properties));
      const bad = Object.keys(ctx.body.filter).find((k) => !allowed.has(k));
      if (bad) throw errors.badRequest(`筛选条件中不支持的字段 ${bad}，请重新设置筛选后保存`, 'filter');
      return { item: await saveFilter(ctx.services.db, ctx.actor.userId, ctx.body.name.trim(), ctx.body.filter) };
    },
  },
  {
    method: 'delete',
    path: '/console/filters/:id',
    permission: 'workflow.read',
    summary: '删除我的常用筛选',
    async handler(ctx: RouteContext) {
      const id = Number(ctx.params.id);
      if (!Number.isSafeInteger(id) || !(await deleteSavedFilter(ctx.services.db, ctx.actor.userId, id))) throw errors.notFound('筛选');
      return undefined;
    },
  },
]);

const cst = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

/**
 * Task assignments in the history timeline: created, claimed, submitted, closed. Each is placed
 * next to the history event it belongs to (the n-th task after the n-th 创建待办任务 completion, its
 * submission before the n-th 表单提交 signal, its closing after the n-th 关闭待办任务), because the
 * database's clock and the workflow runtime's clock need not agree (a cluster; time skipping in
 * tests). Entries without such an event fall into place by time.
 */
export function mergeTaskEvents(history: TimelineEntry[], tasks: RelatedTask[], who: (t: RelatedTask) => string): TimelineEntry[] {
  const placed: { pos: number; e: TimelineEntry }[] = history.map((e, i) => ({ pos: i, e }));
  const nth = (pred: (e: TimelineEntry) => boolean) => history.map((e, i) => (pred(e) ? i : -1)).filter((i) => i >= 0);
  const created = nth((e) => e.kind === 'activity' && e.title === '活动完成：创建待办任务');
  const submitted = nth((e) => e.kind === 'signal' && e.title === '收到表单提交');
  const closed = nth((e) => e.kind === 'activity' && e.title === '活动完成：关闭待办任务');
  const byTime = (at: string) => {
    const i = history.findIndex((e) => e.at > at);
    return (i < 0 ? history.length : i) - 0.5;
  };
  let s = 0;
  let c = 0;
  tasks.forEach((t, i) => {
    const base = created[i] ?? byTime(t.createdAt);
    placed.push({
      pos: base + 0.1,
      e: {
        at: t.createdAt,
        kind: 'task',
        title: `待办任务「${t.title}」已派发`,
        detail: `候选办理：${who(t)}${t.dueAt ? `；办理时限 ${cst(t.dueAt)}` : ''}`,
        tone: 'pending',
      },
    });
    if (t.claimedAt && t.claimedByName)
      placed.push({ pos: base + 0.2, e: { at: t.claimedAt, kind: 'task', title: `${t.claimedByName} 认领了任务`, tone: 'default' } });
    if (t.completedAt && t.status === 'completed') {
      const at = submitted[s++];
      placed.push({
        pos: at !== undefined ? at - 0.1 : byTime(t.completedAt),
        e: { at: t.completedAt, kind: 'task', title: `${t.completedByName ?? '办理人'} 提交了任务「${t.title}」`, tone: 'success' },
      });
    }
    if (t.completedAt && (t.status === 'expired' || t.status === 'cancelled')) {
      const at = closed[c++];
      placed.push({
        pos: at !== undefined ? at + 0.1 : byTime(t.completedAt),
        e: {
          at: t.completedAt,
          kind: 'task',
          title: `任务「${t.title}」${t.status === 'expired' ? '超期关闭' : '已撤销'}`,
          detail: t.closeReason ?? undefined,
          tone: 'warning',
        },
      });
    }
  });
  return placed.sort((a, b) => a.pos - b.pos).map((p) => p.e);
}

/** The started event's input back to values, through the same SM4 codec the runtimes use. */
async function decodeInput(payloads: temporal.api.common.v1.IPayload[]): Promise<unknown[]> {
  let ps = payloads;
  for (const codec of [...createDataConverter().payloadCodecs].reverse()) ps = await codec.decode(ps);
  return ps.map((p) => defaultPayloadConverter.fromPayload(p));
}
