/**
 * 流程监控 (workflow console) and task attachments: the SQL the console needs beside the workflow
 * client — what the tasks table knows about each process (its grid, its open step, deadlines,
 * expired steps), saved filters per user, and uploaded files. The process list itself comes from
 * the workflow client (either runtime); this module never reads the engine's own tables.
 */
import type { Db } from '../connection';
import { type Actor, inScope, scoped } from '../scope';

/** What the tasks table says about one process (流程实例). */
export interface ProcessTaskSummary {
  workflowId: string;
  /** Org path of the business object (latest task). */
  orgPath: string | null;
  bizType: string | null;
  bizId: string | null;
  /** The open step: title and due time of the earliest-due live task. */
  openTaskTitle: string | null;
  openTaskDueAt: Date | null;
  /** The latest task, whatever its state (for closed processes). */
  lastTaskStatus: string | null;
  lastTaskDueAt: Date | null;
  liveTasks: number;
  /** Live tasks past their due time at `now`. */
  overdueTasks: number;
  /** Tasks closed because their deadline passed (超期关闭). */
  expiredTasks: number;
}

/** One grouped query over the tasks of the given processes (index tasks_workflow_idx). */
export async function taskSummaries(db: Db, workflowIds: string[], now: Date): Promise<Map<string, ProcessTaskSummary>> {
  const out = new Map<string, ProcessTaskSummary>();
  if (workflowIds.length === 0) return out;
  const { rows } = await db.raw(
    `SELECT t.workflow_id,
            (array_agg(t.org_path::text ORDER BY t.id DESC))[1] AS org_path,
            (array_agg(t.biz_type ORDER BY t.id DESC))[1] AS biz_type,
            (array_agg(t.biz_id ORDER BY t.id DESC))[1] AS biz_id,
            (array_agg(t.title ORDER BY t.due_at ASC NULLS LAST, t.id) FILTER (WHERE t.status IN ('open','claimed')))[1] AS open_title,
            min(t.due_at) FILTER (WHERE t.status IN ('open','claimed')) AS open_due,
            (array_agg(t.status ORDER BY t.id DESC))[1] AS last_status,
            (array_agg(t.due_at ORDER BY t.id DESC))[1] AS last_due,
            count(*) FILTER (WHERE t.status IN ('open','claimed')) AS live,
            count(*) FILTER (WHERE t.status IN ('open','claimed') AND t.due_at < :now) AS overdue,
            count(*) FILTER (WHERE t.status = 'expired') AS expired
       FROM tasks t
      WHERE t.workflow_id = ANY(:ids)
      GROUP BY t.workflow_id`,
    { ids: workflowIds, now },
  );
  for (const r of rows as Record<string, unknown>[]) {
    out.set(String(r.workflow_id), {
      workflowId: String(r.workflow_id),
      orgPath: (r.org_path as string | null) ?? null,
      bizType: (r.biz_type as string | null) ?? null,
      bizId: (r.biz_id as string | null) ?? null,
      openTaskTitle: (r.open_title as string | null) ?? null,
      openTaskDueAt: r.open_due ? new Date(r.open_due as string) : null,
      lastTaskStatus: (r.last_status as string | null) ?? null,
      lastTaskDueAt: r.last_due ? new Date(r.last_due as string) : null,
      liveTasks: Number(r.live),
      overdueTasks: Number(r.overdue),
      expiredTasks: Number(r.expired),
    });
  }
  return out;
}

export interface RelatedTask {
  id: number;
  title: string;
  status: string;
  formKey: string;
  orgPath: string;
  candidateRole: string | null;
  candidateOrgPath: string | null;
  assigneeName: string | null;
  claimedByName: string | null;
  completedByName: string | null;
  createdAt: string;
  claimedAt: string | null;
  dueAt: string | null;
  completedAt: string | null;
  closeReason: string | null;
}

const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);

/** 相关待办: every task of one process, oldest first, with the people involved. */
export async function relatedTasks(db: Db, workflowId: string): Promise<RelatedTask[]> {
  const rows = await db('tasks as t')
    .leftJoin('users as a', 'a.id', 't.assignee_user_id')
    .leftJoin('users as c', 'c.id', 't.claimed_by')
    .leftJoin('users as d', 'd.id', 't.completed_by')
    .where('t.workflow_id', workflowId)
    .orderBy('t.id')
    .select(
      't.id',
      't.title',
      't.status',
      't.form_key',
      db.raw('t.org_path::text AS org_path'),
      't.candidate_role',
      db.raw('t.candidate_org_path::text AS candidate_org_path'),
      'a.display_name as assignee_name',
      'c.display_name as claimed_by_name',
      'd.display_name as completed_by_name',
      't.created_at',
      't.claimed_at',
      't.due_at',
      't.completed_at',
      't.close_reason',
    );
  return (rows as Record<string, unknown>[]).map((r) => ({
    id: Number(r.id),
    title: String(r.title),
    status: String(r.status),
    formKey: String(r.form_key),
    orgPath: String(r.org_path),
    candidateRole: (r.candidate_role as string | null) ?? null,
    candidateOrgPath: (r.candidate_org_path as string | null) ?? null,
    assigneeName: (r.assignee_name as string | null) ?? null,
    claimedByName: (r.claimed_by_name as string | null) ?? null,
    completedByName: (r.completed_by_name as string | null) ?? null,
    createdAt: iso(r.created_at) as string,
    claimedAt: iso(r.claimed_at),
    dueAt: iso(r.due_at),
    completedAt: iso(r.completed_at),
    closeReason: (r.close_reason as string | null) ?? null,
  }));
}

/** Role code → Chinese name, for showing candidates (候选角色). */
export async function roleNames(db: Db): Promise<Record<string, string>> {
  const rows: { code: string; name: string }[] = await db('roles').select('code', 'name');
  return Object.fromEntries(rows.map((r) => [r.code, r.name]));
}

/** Org path → name for the given paths (one query). */
export async function orgNames(db: Db, paths: string[]): Promise<Record<string, string>> {
  const uniq = [...new Set(paths.filter(Boolean))];
  if (uniq.length === 0) return {};
  const rows: { path: string; name: string }[] = await db('org_units')
    .select(db.raw('path::text AS path'), 'name')
    .whereRaw('path::text = ANY(?)', [uniq]);
  return Object.fromEntries(rows.map((r) => [r.path, r.name]));
}

// ---- 常用筛选 (saved filters) ----

export interface SavedFilter {
  id: number;
  name: string;
  filter: Record<string, string>;
  createdAt: string;
}

export async function listSavedFilters(db: Db, userId: number): Promise<SavedFilter[]> {
  const rows = await db('console_saved_filters').where({ user_id: userId }).orderBy('name');
  return rows.map((r: { id: number; name: string; filter: Record<string, string>; created_at: Date }) => ({
    id: Number(r.id),
    name: r.name,
    filter: r.filter,
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

/** Saves under a name; the same name again replaces the earlier filter. */
export async function saveFilter(db: Db, userId: number, name: string, filter: Record<string, string>): Promise<SavedFilter> {
  const [r] = await db('console_saved_filters')
    .insert({ user_id: userId, name, filter: JSON.stringify(filter) })
    .onConflict(['user_id', 'name'])
    .merge(['filter'])
    .returning('*');
  return { id: Number(r.id), name: r.name, filter: r.filter, createdAt: new Date(r.created_at).toISOString() };
}

export async function deleteSavedFilter(db: Db, userId: number, id: number): Promise<boolean> {
  return (await db('console_saved_filters').where({ id, user_id: userId }).delete()) === 1;
}

// ---- 附件 (files) ----

export interface FileMeta {
  id: string;
  name: string;
  mime: string;
  size: number;
  orgPath: string;
  taskId: number | null;
  uploadedBy: number;
  createdAt: string;
}

export interface NewFile {
  name: string;
  mime: string;
  content: Buffer;
  sha256: string;
  orgPath: string;
  taskId: number | null;
  uploadedBy: number;
}

export async function insertFile(db: Db, f: NewFile): Promise<FileMeta> {
  const [r] = await db('files')
    .insert({
      name: f.name,
      mime: f.mime,
      size: f.content.length,
      sha256: f.sha256,
      content: f.content,
      org_path: f.orgPath,
      task_id: f.taskId,
      uploaded_by: f.uploadedBy,
    })
    .returning(['id', 'name', 'mime', 'size', db.raw('org_path::text AS org_path'), 'task_id', 'uploaded_by', 'created_at']);
  return fileMeta(r);
}

function fileMeta(r: Record<string, unknown>): FileMeta {
  return {
    id: String(r.id),
    name: String(r.name),
    mime: String(r.mime),
    size: Number(r.size),
    orgPath: String(r.org_path),
    taskId: r.task_id === null || r.task_id === undefined ? null : Number(r.task_id),
    uploadedBy: Number(r.uploaded_by),
    createdAt: new Date(r.created_at as string).toISOString(),
  };
}

/**
 * A file the actor may read: uploaded by them, or in their read scope, or attached to a task
 * they may see as its handler (assignee, claimer, completer).
 */
export async function getFileForActor(db: Db, actor: Actor, id: string): Promise<(FileMeta & { content: Buffer }) | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const r = await db('files as f')
    .leftJoin('tasks as t', 't.id', 'f.task_id')
    .where('f.id', id)
    .first(
      'f.*',
      db.raw('f.org_path::text AS org_path'),
      't.assignee_user_id',
      't.claimed_by',
      't.completed_by',
      db.raw('t.candidate_org_path::text AS candidate_org_path'),
    );
  if (!r) return undefined;
  const mine =
    r.uploaded_by === actor.userId ||
    r.assignee_user_id === actor.userId ||
    r.claimed_by === actor.userId ||
    r.completed_by === actor.userId ||
    inScope(actor, r.org_path, 'read') ||
    (r.candidate_org_path ? inScope(actor, r.candidate_org_path, 'read') : false);
  return mine ? { ...fileMeta(r), content: r.content as Buffer } : undefined;
}

// ---- 转办对象 (delegation targets) ----

export interface Colleague {
  id: number;
  displayName: string;
  orgPath: string;
  orgName: string | null;
}

/** Active users inside the actor's write scope (the only ones a task may be delegated to). */
export async function colleagues(db: Db, actor: Actor, search?: string, limit = 50): Promise<Colleague[]> {
  const q = db('users as u')
    .leftJoin('org_units as o', 'o.id', 'u.org_id')
    .where('u.active', true)
    .whereNot('u.id', actor.userId)
    .select('u.id', 'u.display_name', db.raw('u.org_path::text AS org_path'), 'o.name as org_name')
    .orderBy('u.org_path')
    .orderBy('u.display_name')
    .limit(limit);
  scoped(q, actor, 'u.org_path', 'write');
  if (search) q.where((w) => w.where('u.display_name', 'like', `%${search.replace(/[\\%_]/g, '\\$&')}%`).orWhere('u.username', search));
  const rows = (await q) as { id: number; display_name: string; org_path: string; org_name: string | null }[];
  return rows.map((r) => ({ id: Number(r.id), displayName: r.display_name, orgPath: r.org_path, orgName: r.org_name }));
}
