/**
 * Human tasks (待办): the inbox, counts, claim / unclaim / delegate / complete, and the writes the
 * task activities make. The one place where SQL on `tasks` lives.
 *
 * Who may handle a live task (open or claimed):
 * - its assignee (指定办理人, direct or delegated);
 * - whoever claimed it (认领人);
 * - while it is open and unassigned: any holder of `candidate_role` whose write scope
 *   (db/scope.ts) contains `candidate_org_path` — so a grid worker never sees another grid's task.
 * State changes are single conditional UPDATEs (or a row lock for completion), so two users racing
 * for one task get exactly one winner.
 */
import type { Knex } from 'knex';
import type { Db } from '../connection';
import { type Actor, inScope, scoped } from '../scope';

export type TaskStatus = 'open' | 'claimed' | 'completed' | 'cancelled' | 'expired';
export const LIVE_STATUSES: readonly TaskStatus[] = ['open', 'claimed'];
export type CloseReason = 'cancelled' | 'expired';

export interface TaskRow {
  id: number;
  workflow_id: string;
  run_id: string | null;
  signal_name: string;
  form_key: string;
  form_schema: Record<string, unknown> | null;
  ui_schema: Record<string, unknown> | null;
  title: string;
  biz_type: string;
  biz_id: string | null;
  data: Record<string, unknown>;
  assignee_user_id: number | null;
  candidate_role: string | null;
  candidate_org_path: string | null;
  org_path: string;
  status: TaskStatus;
  claimed_by: number | null;
  claimed_at: Date | null;
  delegated_by: number | null;
  created_at: Date;
  due_at: Date | null;
  completed_at: Date | null;
  completed_by: number | null;
  result: Record<string, unknown> | null;
  close_reason: string | null;
  idempotency_key: string;
}

/** A task as the inbox and the API show it. */
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

type Row = TaskRow & { claimed_by_name?: string | null; overdue?: boolean; total_count?: number };

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toView(r: Row, now = new Date()): TaskView {
  const live = LIVE_STATUSES.includes(r.status);
  return {
    id: Number(r.id),
    title: r.title,
    bizType: r.biz_type,
    bizId: r.biz_id,
    formKey: r.form_key,
    status: r.status,
    orgPath: r.org_path,
    assigneeUserId: r.assignee_user_id,
    candidateRole: r.candidate_role,
    candidateOrgPath: r.candidate_org_path,
    claimedBy: r.claimed_by,
    claimedByName: r.claimed_by_name ?? null,
    createdAt: new Date(r.created_at).toISOString(),
    dueAt: iso(r.due_at),
    overdue: live && r.due_at !== null && new Date(r.due_at).getTime() < now.getTime(),
    completedAt: iso(r.completed_at),
    closeReason: r.close_reason,
    workflowId: r.workflow_id,
    data: r.data,
  };
}

/** Rows the actor may handle now (the inbox condition), on alias `t`. */
function handleable(qb: Knex.QueryBuilder, actor: Actor): Knex.QueryBuilder {
  return qb.where((w) => {
    w.where((a) => a.where('t.assignee_user_id', actor.userId).whereIn('t.status', LIVE_STATUSES as TaskStatus[]))
      .orWhere((c) => c.where('t.claimed_by', actor.userId).where('t.status', 'claimed'))
      .orWhere((p) => {
        p.where('t.status', 'open')
          .whereNull('t.assignee_user_id')
          .whereRaw('t.candidate_role = ANY(?::text[])', [[...actor.roles]]);
        scoped(p, actor, 't.candidate_org_path', 'write');
      });
  });
}

export interface InboxFilter {
  /** 任务类型 (biz_type) */
  type?: string;
  /** today | week: due before the end of today / of the next 7 days (Asia/Shanghai) */
  due?: 'today' | 'week';
  overdue?: boolean;
  /** the business object's org path lies under this path */
  org?: string;
  page?: number;
  pageSize?: number;
}

/** End of the current day in China Standard Time (UTC+8, no daylight saving). */
function endOfDayCst(now: Date, plusDays = 0): Date {
  const cst = new Date(now.getTime() + 8 * 3600_000);
  const end = Date.UTC(cst.getUTCFullYear(), cst.getUTCMonth(), cst.getUTCDate() + 1 + plusDays) - 8 * 3600_000;
  return new Date(end);
}

function applyFilters(qb: Knex.QueryBuilder, f: InboxFilter, now: Date): Knex.QueryBuilder {
  if (f.type) qb.where('t.biz_type', f.type);
  if (f.due) qb.where('t.due_at', '<', endOfDayCst(now, f.due === 'week' ? 6 : 0));
  if (f.overdue === true) qb.where('t.due_at', '<', now);
  if (f.overdue === false) qb.where((w) => w.whereNull('t.due_at').orWhere('t.due_at', '>=', now));
  if (f.org) qb.whereRaw('t.org_path <@ ?::ltree', [f.org]);
  return qb;
}

/** The inbox query (without paging), for EXPLAIN and reuse. */
export function inboxQuery(db: Db, actor: Actor, f: InboxFilter = {}, now = new Date()): Knex.QueryBuilder {
  return applyFilters(handleable(db('tasks as t'), actor), f, now);
}

/** 我的待办: tasks I may handle, overdue and soonest due first. */
export async function listInbox(
  db: Db,
  actor: Actor,
  f: InboxFilter = {},
  now = new Date(),
): Promise<{ items: TaskView[]; total: number; page: number; pageSize: number }> {
  const page = Math.max(1, f.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, f.pageSize ?? 20));
  const rows: Row[] = await inboxQuery(db, actor, f, now)
    .leftJoin('users as cu', 'cu.id', 't.claimed_by')
    .select('t.*', 'cu.display_name as claimed_by_name', db.raw('count(*) OVER () AS total_count'))
    .orderByRaw('t.due_at ASC NULLS LAST, t.id ASC')
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  let total = rows[0]?.total_count ?? 0;
  if (rows.length === 0 && page > 1) total = Number((await inboxQuery(db, actor, f, now).count({ n: '*' }).first())?.n ?? 0);
  return { items: rows.map((r) => toView(r, now)), total: Number(total), page, pageSize };
}

/** 按类型统计: open count and overdue count per task type, for the inbox tabs. */
export async function countInbox(db: Db, actor: Actor, now = new Date()): Promise<{ bizType: string; count: number; overdue: number }[]> {
  const rows = await inboxQuery(db, actor, {}, now)
    .select('t.biz_type')
    .count({ count: '*' })
    .select(db.raw('count(*) FILTER (WHERE t.due_at < ?) AS overdue', [now]))
    .groupBy('t.biz_type')
    .orderBy('t.biz_type');
  return (rows as { biz_type: string; count: number | string; overdue: number | string }[]).map((r) => ({
    bizType: r.biz_type,
    count: Number(r.count),
    overdue: Number(r.overdue),
  }));
}

export async function findTask(db: Db | Knex.Transaction, id: number): Promise<TaskRow | undefined> {
  return db('tasks').where({ id }).first();
}

/** True when the actor may handle this task now (same rule as the inbox). */
export function canHandle(actor: Actor, t: TaskRow): boolean {
  if (!LIVE_STATUSES.includes(t.status)) return false;
  if (t.assignee_user_id === actor.userId) return true;
  if (t.status === 'claimed') return t.claimed_by === actor.userId;
  return (
    t.assignee_user_id === null &&
    t.candidate_role !== null &&
    t.candidate_org_path !== null &&
    actor.roles.includes(t.candidate_role) &&
    inScope(actor, t.candidate_org_path, 'write')
  );
}

/** A task is visible to whoever may handle it, and to anyone whose read scope holds its business object. */
export async function getTaskForActor(db: Db, actor: Actor, id: number): Promise<TaskView | undefined> {
  const row: Row | undefined = await db('tasks as t')
    .leftJoin('users as cu', 'cu.id', 't.claimed_by')
    .select('t.*', 'cu.display_name as claimed_by_name')
    .where('t.id', id)
    .first();
  if (!row) return undefined;
  const visible =
    canHandle(actor, row) ||
    row.assignee_user_id === actor.userId ||
    row.completed_by === actor.userId ||
    inScope(actor, row.org_path, 'read');
  return visible ? toView(row) : undefined;
}

export interface Refusal {
  ok: false;
  reason: 'not_found' | 'closed' | 'taken' | 'not_allowed' | 'bad_target';
  message: string;
}
export type Outcome<T = TaskView> = { ok: true; task: T } | Refusal;

const closedMessage: Record<string, string> = {
  completed: '该任务已办结，无需重复提交；请刷新待办列表',
  cancelled: '该任务已撤销（流程已取消或改派），请刷新待办列表',
  expired: '该任务已超期关闭，请联系上级重新派发',
};

/** Why an action on this task is refused, in words the user can act on. */
export async function explain(db: Db, actor: Actor, id: number): Promise<Refusal> {
  const t = await findTask(db, id);
  if (!t || !(canHandle(actor, t) || inScope(actor, t.org_path, 'read') || t.assignee_user_id === actor.userId))
    return { ok: false, reason: 'not_found', message: '任务不存在或不在您的待办中，请刷新待办列表' };
  if (!LIVE_STATUSES.includes(t.status)) return { ok: false, reason: 'closed', message: closedMessage[t.status] };
  if (t.status === 'claimed' && t.claimed_by !== actor.userId) {
    const u = await db('users').select('display_name').where({ id: t.claimed_by }).first();
    return { ok: false, reason: 'taken', message: `该任务已被${u?.display_name ?? '其他人'}认领，请选择其他任务` };
  }
  if (t.assignee_user_id !== null && t.assignee_user_id !== actor.userId)
    return { ok: false, reason: 'taken', message: '该任务已指派给其他人办理，请选择其他任务' };
  return { ok: false, reason: 'not_allowed', message: '您不是该任务的候选办理人，无法办理；如需办理请联系上级派发' };
}

async function viewOf(db: Db, id: number): Promise<TaskView> {
  const row: Row = await db('tasks as t')
    .leftJoin('users as cu', 'cu.id', 't.claimed_by')
    .select('t.*', 'cu.display_name as claimed_by_name')
    .where('t.id', id)
    .first();
  return toView(row);
}

/** 认领: one conditional UPDATE, so of two users racing exactly one wins. */
export async function claimTask(db: Db, actor: Actor, id: number): Promise<Outcome> {
  const q = db('tasks as t')
    .where('t.id', id)
    .where('t.status', 'open')
    .whereNull('t.assignee_user_id')
    .whereRaw('t.candidate_role = ANY(?::text[])', [[...actor.roles]]);
  scoped(q, actor, 't.candidate_org_path', 'write');
  const n = await q.update({ status: 'claimed', claimed_by: actor.userId, claimed_at: db.fn.now() });
  if (n === 1) return { ok: true, task: await viewOf(db, id) };
  const t = await findTask(db, id);
  if (t && t.status === 'open' && t.assignee_user_id === actor.userId)
    return { ok: false, reason: 'not_allowed', message: '该任务已直接指派给您，无需认领，可直接办理' };
  return explain(db, actor, id);
}

/** 取消认领: back to the candidate pool; only the claimer, only for pool tasks. */
export async function unclaimTask(db: Db, actor: Actor, id: number): Promise<Outcome> {
  const n = await db('tasks')
    .where({ id, status: 'claimed', claimed_by: actor.userId })
    .whereNull('assignee_user_id')
    .update({ status: 'open', claimed_by: null, claimed_at: null });
  if (n === 1) return { ok: true, task: await viewOf(db, id) };
  const t = await findTask(db, id);
  if (t && t.assignee_user_id === actor.userId && LIVE_STATUSES.includes(t.status))
    return { ok: false, reason: 'not_allowed', message: '该任务是直接指派给您的，不能取消认领；如需他人办理请使用“转办”' };
  if (t && t.status === 'open') return { ok: false, reason: 'not_allowed', message: '该任务尚未被认领，无需取消认领' };
  return explain(db, actor, id);
}

/** 转办: the current handler hands the task to another active user inside their own write scope. */
export async function delegateTask(db: Db, actor: Actor, id: number, toUserId: number): Promise<Outcome> {
  const target = await db('users').select('id', 'org_path', 'active').where({ id: toUserId }).first();
  if (!target?.active || !inScope(actor, target.org_path, 'write'))
    return { ok: false, reason: 'bad_target', message: '转办对象不存在、已停用或不在您的管辖范围内，请重新选择' };
  if (toUserId === actor.userId) return { ok: false, reason: 'bad_target', message: '不能转办给自己，请选择其他人员' };
  const q = db('tasks as t')
    .where('t.id', id)
    .where((w) => {
      w.where((a) => a.where('t.assignee_user_id', actor.userId).whereIn('t.status', LIVE_STATUSES as TaskStatus[])).orWhere((c) =>
        c.where('t.claimed_by', actor.userId).where('t.status', 'claimed'),
      );
    });
  const n = await q.update({
    assignee_user_id: toUserId,
    status: 'open',
    claimed_by: null,
    claimed_at: null,
    delegated_by: actor.userId,
  });
  if (n === 1) return { ok: true, task: await viewOf(db, id) };
  const t = await findTask(db, id);
  if (t && t.status === 'open' && t.assignee_user_id === null && canHandle(actor, t))
    return { ok: false, reason: 'not_allowed', message: '请先认领该任务，再转办给他人' };
  return explain(db, actor, id);
}

/**
 * 办结, step 1: inside the caller's transaction, lock the row and check it is still live and the
 * actor may handle it. The caller then signals the workflow and calls `markCompleted`; if the
 * signal fails the transaction rolls back and the task stays as it was.
 */
export async function lockForCompletion(trx: Knex.Transaction, db: Db, actor: Actor, id: number): Promise<Outcome<TaskRow>> {
  const t: TaskRow | undefined = await trx('tasks').where({ id }).forUpdate().first();
  if (t && canHandle(actor, t)) return { ok: true, task: t };
  return explain(db, actor, id);
}

export async function markCompleted(trx: Knex.Transaction, id: number, actor: Actor, result: Record<string, unknown>): Promise<void> {
  await trx('tasks')
    .where({ id })
    .whereIn('status', LIVE_STATUSES as TaskStatus[])
    .update({
      status: 'completed',
      completed_at: trx.fn.now(),
      completed_by: actor.userId,
      claimed_by: trx.raw('COALESCE(claimed_by, ?)', [actor.userId]),
      result: JSON.stringify(result),
    });
}

// ---- writes made by the task activities (no actor: the workflow is the caller) ----

export interface NewTask {
  workflowId: string;
  runId?: string | null;
  signalName: string;
  formKey: string;
  formSchema?: Record<string, unknown> | null;
  uiSchema?: Record<string, unknown> | null;
  title: string;
  bizType: string;
  bizId?: string | null;
  data?: Record<string, unknown>;
  assigneeUserId?: number | null;
  candidateRole?: string | null;
  candidateOrgPath?: string | null;
  orgPath: string;
  dueAt?: Date | string | null;
  idempotencyKey: string;
}

/** Inserts once per idempotency key; a repeat returns the existing task's id. */
export async function insertTask(db: Db, t: NewTask): Promise<{ id: number; created: boolean }> {
  const rows: { id: number }[] = await db('tasks')
    .insert({
      workflow_id: t.workflowId,
      run_id: t.runId ?? null,
      signal_name: t.signalName,
      form_key: t.formKey,
      form_schema: t.formSchema ? JSON.stringify(t.formSchema) : null,
      ui_schema: t.uiSchema ? JSON.stringify(t.uiSchema) : null,
      title: t.title,
      biz_type: t.bizType,
      biz_id: t.bizId ?? null,
      data: JSON.stringify(t.data ?? {}),
      assignee_user_id: t.assigneeUserId ?? null,
      candidate_role: t.candidateRole ?? null,
      candidate_org_path: t.candidateOrgPath ?? null,
      org_path: t.orgPath,
      due_at: t.dueAt ? new Date(t.dueAt) : null,
      idempotency_key: t.idempotencyKey,
    })
    .onConflict('idempotency_key')
    .ignore()
    .returning('id');
  if (rows.length === 1) return { id: Number(rows[0].id), created: true };
  const existing = await db('tasks').select('id').where({ idempotency_key: t.idempotencyKey }).first();
  return { id: Number(existing.id), created: false };
}

/**
 * Closes a live task (deadline passed, process cancelled). Idempotent; returns the status the task
 * ends in — 'completed' when a submission won the race, so the workflow knows the data is on its way.
 */
export async function closeTaskRow(
  db: Db,
  ref: { id: number } | { idempotencyKey: string },
  reason: CloseReason,
  note?: string,
): Promise<{ id: number; status: TaskStatus; changed: boolean } | undefined> {
  const where = 'id' in ref ? { id: ref.id } : { idempotency_key: ref.idempotencyKey };
  const updated: { id: number; status: TaskStatus }[] = await db('tasks')
    .where(where)
    .whereIn('status', LIVE_STATUSES as TaskStatus[])
    .update({ status: reason, close_reason: note ?? reason, completed_at: db.fn.now() })
    .returning(['id', 'status']);
  if (updated.length === 1) return { id: Number(updated[0].id), status: updated[0].status, changed: true };
  const row = await db('tasks').select('id', 'status').where(where).first();
  return row ? { id: Number(row.id), status: row.status, changed: false } : undefined;
}
