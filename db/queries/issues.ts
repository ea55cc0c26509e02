/** Issues (Q): the projection of IssueWorkflow state, its timeline and documents. Owner of issues, issue_steps, issue_documents. */
import type { Knex } from 'knex';
import { DIFFICULT_RETURN_COUNT } from '../../workflows/issue-policy';
import type { Db } from '../connection';
import { type Actor, scoped } from '../scope';

export interface IssueStepInput {
  key: string;
  issueNo: string;
  step: string;
  action: string;
  actorUserId: number | null;
  detail: Record<string, unknown>;
}

export interface IssueProjection {
  step: string;
  complexity: string;
  holderOrgId: number | null;
  handlingDeadline: string | null;
  extensionWorkingDays: number;
  supervisionLevel: number;
  returnCount: number;
  marks: string[];
  dispatches: unknown[];
  internalRating: number | null;
  externalRating: number | null;
}

/**
 * Appends one timeline row (once per idempotency key) and updates the issue's projection, in one
 * transaction. Returns false when the key was already recorded (a retried activity).
 */
/**
 * Inside the caller's transaction: appends the timeline rows (each once per idempotency key) and
 * writes the projection. Returns false when the rows were already recorded (a retried activity).
 */
export async function applyIssueStep(
  trx: Knex.Transaction,
  issueNo: string,
  steps: IssueStepInput[],
  p: IssueProjection,
): Promise<boolean> {
  const issue = await trx('issues').select('id').where({ issue_no: issueNo }).forUpdate().first();
  if (!issue) throw new Error(`issue ${issueNo} not found`);
  let fresh = steps.length === 0;
  for (const s of steps) {
    const actor = s.actorUserId ? await trx('users').select('display_name').where({ id: s.actorUserId }).first() : undefined;
    const inserted = await trx('issue_steps')
      .insert({
        issue_id: issue.id,
        idempotency_key: s.key,
        step: s.step,
        action: s.action,
        actor_user_id: s.actorUserId || null,
        actor_name: actor?.display_name ?? (s.actorUserId ? null : '系统'),
        detail: JSON.stringify(s.detail),
      })
      .onConflict('idempotency_key')
      .ignore()
      .returning('id');
    if (inserted.length > 0) fresh = true;
  }
  if (!fresh) return false;
  const final = p.step === 'archived' || p.step === 'invalid';
  await trx('issues')
    .where({ id: issue.id })
    .update({
      step: p.step,
      complexity: p.complexity,
      holder_org_id: p.holderOrgId,
      handling_deadline: p.handlingDeadline,
      extension_working_days: p.extensionWorkingDays,
      supervision_level: p.supervisionLevel,
      return_count: p.returnCount,
      marks: JSON.stringify(p.marks),
      dispatches: JSON.stringify(p.dispatches),
      internal_rating: p.internalRating,
      external_rating: p.externalRating,
      updated_at: trx.fn.now(),
      closed_at: final ? trx.raw('coalesce(closed_at, now())') : null,
    });
  return true;
}

/** When an issue ends, its 督办提醒 notices leave the inboxes (nothing is left to supervise). */
export async function closeSupervisionNotices(trx: Knex.Transaction, issueNo: string, reason: string): Promise<number> {
  return trx('tasks')
    .where({ biz_type: 'issue_supervision', biz_id: issueNo })
    .whereIn('status', ['open', 'claimed'])
    .update({ status: 'cancelled', close_reason: reason, completed_at: trx.fn.now() });
}

export async function saveIssueDocument(
  db: Db,
  d: { key: string; issueNo: string; kind: string; fileName: string; mime: string; content: Buffer },
): Promise<number> {
  const issue = await db('issues').select('id').where({ issue_no: d.issueNo }).first();
  if (!issue) throw new Error(`issue ${d.issueNo} not found`);
  await db('issue_documents')
    .insert({ issue_id: issue.id, idempotency_key: d.key, kind: d.kind, file_name: d.fileName, mime: d.mime, content: d.content })
    .onConflict('idempotency_key')
    .ignore();
  const row = await db('issue_documents').select('id').where({ idempotency_key: d.key }).first();
  return row.id as number;
}

export interface OrgUnitRow {
  id: number;
  path: string;
  name: string;
  type: string;
}

export async function findOrgUnit(db: Db, id: number): Promise<OrgUnitRow | undefined> {
  if (!Number.isInteger(id)) return undefined;
  return db('org_units').select('id', 'path', 'name', 'type').where({ id, active: true }).first();
}

/** Users holding a role within an org subtree who have an e-mail address (for reminders). */
export async function emailsOfRole(db: Db, role: string, orgPath: string): Promise<{ email: string; name: string }[]> {
  return db('users as u')
    .join('user_roles as r', 'r.user_id', 'u.id')
    .select('u.email', 'u.display_name as name')
    .where('r.role_code', role)
    .whereRaw('u.org_path <@ ?::ltree', [orgPath])
    .whereNotNull('u.email')
    .where('u.active', true);
}

// ----- reads (scoped) ----------------------------------------------------------------------------

/** 问题列表页签: to handle, in progress, overdue, supervised, archived, all. */
export type IssueTab = 'todo' | 'in_progress' | 'overdue' | 'supervised' | 'archived' | 'invalid' | 'all';

export interface IssueListFilter {
  tab?: IssueTab;
  q?: string;
  categoryCode?: string;
  source?: string;
  orgPath?: string;
  page?: number;
  pageSize?: number;
  now?: Date;
}

export interface IssueListItem {
  id: number;
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

const OPEN_STEPS_SQL = `i.step NOT IN ('archived','invalid')`;

function applyTab(qb: Knex.QueryBuilder, db: Db, actor: Actor, tab: IssueTab, now: Date): Knex.QueryBuilder {
  switch (tab) {
    case 'todo':
      // Issues with a live inbox task this user can take (their roles, their scope) or holds.
      return qb.whereExists(
        db('tasks as t')
          .whereRaw('t.biz_id = i.issue_no')
          .where('t.biz_type', 'issue')
          .whereIn('t.status', ['open', 'claimed'])
          .where((w) =>
            w
              .where('t.assignee_user_id', actor.userId)
              .orWhere('t.claimed_by', actor.userId)
              .orWhere((c) =>
                c.whereIn('t.candidate_role', [...actor.roles]).whereRaw(`t.candidate_org_path <@ ?::ltree`, [actor.orgPath]),
              ),
          ),
      );
    case 'in_progress':
      return qb.whereRaw(OPEN_STEPS_SQL);
    case 'overdue':
      return qb.whereRaw(OPEN_STEPS_SQL).where('i.handling_deadline', '<', now);
    case 'supervised':
      return qb.whereRaw(OPEN_STEPS_SQL).where('i.supervision_level', '>', 0);
    case 'archived':
      return qb.where('i.step', 'archived');
    case 'invalid':
      return qb.where('i.step', 'invalid');
    default:
      return qb;
  }
}

/** The columns of an issue list item: the issue, its grid, holder and category names. */
function withListColumns(qb: Knex.QueryBuilder): Knex.QueryBuilder {
  return qb
    .leftJoin('org_units as g', 'g.id', 'i.grid_id')
    .leftJoin('org_units as h', 'h.id', 'i.holder_org_id')
    .leftJoin('issue_categories as c', 'c.code', 'i.category_code')
    .select('i.*', 'g.name as grid_name', 'h.name as holder_name', 'c.name as category_name');
}

export async function listIssues(
  db: Db,
  actor: Actor,
  f: IssueListFilter = {},
): Promise<{ items: IssueListItem[]; total: number; page: number; pageSize: number }> {
  const now = f.now ?? new Date();
  const page = Math.max(1, f.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, f.pageSize ?? 20));
  let base = scoped(db('issues as i'), actor, 'i.org_path');
  base = applyTab(base, db, actor, f.tab ?? 'all', now);
  if (f.orgPath) base = base.whereRaw('i.org_path <@ ?::ltree', [f.orgPath]);
  if (f.q) base = base.where((w) => w.whereILike('i.title', `%${f.q}%`).orWhere('i.issue_no', f.q));
  if (f.categoryCode)
    base = base.where((w) =>
      w
        .where('i.category_code', f.categoryCode)
        .orWhereIn('i.category_code', db('issue_categories').select('code').where('parent_code', f.categoryCode)),
    );
  if (f.source) base = base.where('i.source', f.source);
  const [{ count }] = await base.clone().count({ count: '*' });
  const rows = await withListColumns(base.clone())
    .orderBy('i.created_at', 'desc')
    .orderBy('i.id', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize);
  return { items: rows.map((r: Record<string, unknown>) => toListItem(r, now)), total: Number(count), page, pageSize };
}

// biome-ignore lint/suspicious/noExplicitAny: a joined row; fields are mapped one by one
function toListItem(r: any, now: Date): IssueListItem {
  const open = r.step !== 'archived' && r.step !== 'invalid';
  return {
    id: Number(r.id),
    issueNo: r.issue_no,
    title: r.title,
    source: r.source,
    categoryCode: r.category_code,
    categoryName: r.category_name ?? null,
    complexity: r.complexity,
    step: r.step,
    gridName: r.grid_name,
    holderName: r.holder_name ?? null,
    handlingDeadline: r.handling_deadline ? new Date(r.handling_deadline).toISOString() : null,
    overdue: open && r.handling_deadline !== null && new Date(r.handling_deadline) < now,
    supervisionLevel: r.supervision_level,
    returnCount: r.return_count,
    createdAt: new Date(r.created_at).toISOString(),
    closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
  };
}

export interface IssueTimelineEntry {
  id: number;
  step: string;
  action: string;
  actorName: string | null;
  detail: Record<string, unknown>;
  at: string;
}

export async function issueDetail(db: Db, actor: Actor, issueNo: string, now = new Date()) {
  const r = await withListColumns(scoped(db('issues as i'), actor, 'i.org_path'))
    .select(db.raw('ST_X(i.location) as lng, ST_Y(i.location) as lat'))
    .where('i.issue_no', issueNo)
    .first();
  if (!r) return undefined;
  const steps = await db('issue_steps').where({ issue_id: r.id }).orderBy('id');
  const documents = await db('issue_documents').select('id', 'kind', 'file_name', 'created_at').where({ issue_id: r.id }).orderBy('id');
  return {
    ...toListItem(r, now),
    description: r.description as string | null,
    address: r.address as string | null,
    location: r.lng === null || r.lng === undefined ? null : { lng: Number(r.lng), lat: Number(r.lat) },
    attachments: r.attachments as unknown[],
    marks: r.marks as string[],
    dispatches: r.dispatches as unknown[],
    extensionWorkingDays: r.extension_working_days as number,
    internalRating: r.internal_rating as number | null,
    externalRating: r.external_rating as number | null,
    reporterUserId: r.reporter_user_id as number | null,
    residentUserId: r.resident_user_id as number | null,
    timeline: steps.map(
      (s): IssueTimelineEntry => ({
        id: Number(s.id),
        step: s.step,
        action: s.action,
        actorName: s.actor_name,
        detail: s.detail,
        at: new Date(s.at).toISOString(),
      }),
    ),
    documents: documents.map((d) => ({
      id: Number(d.id),
      kind: d.kind as string,
      fileName: d.file_name as string,
      createdAt: new Date(d.created_at).toISOString(),
    })),
  };
}

export async function issueDocument(db: Db, actor: Actor, issueNo: string, documentId: number) {
  return scoped(db('issue_documents as d').join('issues as i', 'i.id', 'd.issue_id'), actor, 'i.org_path')
    .select('d.file_name', 'd.mime', 'd.content')
    .where({ 'i.issue_no': issueNo, 'd.id': documentId })
    .first() as Promise<{ file_name: string; mime: string; content: Buffer } | undefined>;
}

/**
 * 区级联席会议清单: the district's stuck issues — overdue, under supervision, or pushed back
 * repeatedly — oldest deadline first.
 */
export async function jointMeetingList(db: Db, actor: Actor, now = new Date()): Promise<IssueListItem[]> {
  const rows = await withListColumns(scoped(db('issues as i'), actor, 'i.org_path'))
    .whereRaw(OPEN_STEPS_SQL)
    .where((w) =>
      w
        .where('i.handling_deadline', '<', now)
        .orWhere('i.supervision_level', '>', 0)
        .orWhere('i.return_count', '>=', DIFFICULT_RETURN_COUNT),
    )
    .orderBy('i.handling_deadline', 'asc')
    .limit(500);
  return rows.map((r: Record<string, unknown>) => toListItem(r, now));
}

/** 问题分析: hotspots by area, period and category; difficult, blocked and legacy issues. */
export async function issueAnalysis(
  db: Db,
  actor: Actor,
  f: { from?: Date; to?: Date; areaLevel?: number; period?: 'day' | 'week' | 'month' } = {},
) {
  const base = () => {
    let q = scoped(db('issues as i'), actor, 'i.org_path');
    if (f.from) q = q.where('i.created_at', '>=', f.from);
    if (f.to) q = q.where('i.created_at', '<', f.to);
    return q;
  };
  // Area = the ancestor at the requested level (2 district … 5 grid), one below the actor's own by default.
  const level = Math.min(5, Math.max(2, f.areaLevel ?? actor.orgPath.split('.').length + 1));
  const byArea = await base()
    .join('org_units as a', db.raw('a.path = subpath(i.org_path, 0, ?)', [level]))
    .select('a.id', 'a.name')
    .select(db.raw('count(*)::int as count'))
    .select(db.raw('ST_X(ST_Centroid(a.geom)) as lng, ST_Y(ST_Centroid(a.geom)) as lat'))
    .groupBy('a.id', 'a.name', 'a.geom')
    .orderBy('count', 'desc');
  const period = f.period ?? 'week';
  const byPeriod = await base()
    .select(db.raw(`to_char(date_trunc(?, i.created_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD') as period`, [period]))
    .select(db.raw('count(*)::int as count'))
    .groupByRaw('1')
    .orderByRaw('1');
  const byCategory = await base()
    .leftJoin('issue_categories as c', 'c.code', 'i.category_code')
    .select(db.raw(`coalesce(c.name, '未分类') as name`))
    .select(db.raw('count(*)::int as count'))
    .groupByRaw('1')
    .orderBy('count', 'desc');
  const now = new Date();
  const list = async (w: (q: Knex.QueryBuilder) => Knex.QueryBuilder) =>
    (await withListColumns(w(base())).orderBy('i.created_at', 'desc').limit(200)).map((r: Record<string, unknown>) => toListItem(r, now));
  return {
    byArea: (byArea as Record<string, unknown>[]).map((r) => ({
      orgId: Number(r.id),
      name: String(r.name),
      count: Number(r.count),
      lng: r.lng === null ? null : Number(r.lng),
      lat: r.lat === null ? null : Number(r.lat),
    })),
    byPeriod: (byPeriod as Record<string, unknown>[]).map((r) => ({ period: String(r.period), count: Number(r.count) })),
    byCategory: (byCategory as Record<string, unknown>[]).map((r) => ({ name: String(r.name), count: Number(r.count) })),
    difficult: await list((q) => q.where('i.return_count', '>=', DIFFICULT_RETURN_COUNT)),
    blocked: await list((q) => q.where('i.blocked', true)),
    legacy: await list((q) => q.where('i.legacy', true)),
  };
}

// ----- writes ------------------------------------------------------------------------------------

export interface GridContext {
  grid: { id: number; path: string; name: string };
  community: { id: number; path: string; name: string };
  street: { id: number; path: string; name: string };
  district: { id: number; path: string; name: string };
}

/** A grid and its community, street and district, or undefined when the id is not an active grid. */
export async function gridContext(db: Db, gridId: number): Promise<GridContext | undefined> {
  const grid = await db('org_units').select('id', 'path', 'name').where({ id: gridId, type: 'grid', active: true }).first();
  if (!grid) return undefined;
  const ancestors = await db('org_units')
    .select('id', 'path', 'name', 'type')
    .whereRaw('path @> ?::ltree', [grid.path])
    .whereIn('type', ['community', 'street', 'district']);
  const of = (type: string) => ancestors.find((a) => a.type === type);
  const community = of('community');
  const street = of('street');
  const district = of('district');
  if (!community || !street || !district) return undefined;
  const ref = (o: { id: number; path: string; name: string }) => ({ id: o.id, path: o.path, name: o.name });
  return { grid: ref(grid), community: ref(community), street: ref(street), district: ref(district) };
}

export interface NewIssue {
  title: string;
  description: string;
  source: 'grid' | 'resident' | 'lead';
  categoryCode?: string;
  complexity: 'general' | 'complex';
  gridId: number;
  orgPath: string;
  address?: string;
  location?: { lng: number; lat: number };
  reporterUserId?: number;
  residentUserId?: number;
  attachments?: unknown[];
  blocked?: boolean;
}

/** Inserts the issue's row with a fresh number (Q + CST date + sequence); the workflow fills in the rest. */
export async function insertIssue(db: Db, i: NewIssue): Promise<{ id: number; issueNo: string }> {
  const { rows } = await db.raw(
    `SELECT 'Q' || to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad((nextval('issue_no_seq') % 1000000)::text, 6, '0') AS no`,
  );
  const issueNo = rows[0].no as string;
  const [row] = await db('issues')
    .insert({
      issue_no: issueNo,
      title: i.title,
      description: i.description,
      source: i.source,
      category_code: i.categoryCode ?? null,
      complexity: i.complexity,
      grid_id: i.gridId,
      org_path: i.orgPath,
      address: i.address ?? null,
      location: i.location ? db.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [i.location.lng, i.location.lat]) : null,
      reporter_user_id: i.reporterUserId ?? null,
      resident_user_id: i.residentUserId ?? null,
      attachments: JSON.stringify(i.attachments ?? []),
      blocked: i.blocked ?? false,
      step: 'grid_verify',
    })
    .returning('id');
  return { id: Number(row.id), issueNo };
}

/** Undo of insertIssue when the workflow could not be started (nothing half-written is left). */
export async function deleteIssue(db: Db, issueNo: string): Promise<void> {
  await db('issues').where({ issue_no: issueNo }).del();
}

/** A resident's own issues (I-6: track status, see history). */
export async function residentIssues(db: Db, userId: number, now = new Date()): Promise<IssueListItem[]> {
  const rows = await withListColumns(db('issues as i')).where('i.resident_user_id', userId).orderBy('i.created_at', 'desc').limit(200);
  return rows.map((r: Record<string, unknown>) => toListItem(r, now));
}

export async function residentIssue(db: Db, userId: number, issueNo: string) {
  const r = await db('issues')
    .select('id', 'issue_no', 'title', 'step', 'external_rating')
    .where({ issue_no: issueNo, resident_user_id: userId })
    .first();
  if (!r) return undefined;
  // Residents see the steps, not the staff's internal notes.
  const steps = await db('issue_steps').select('step', 'action', 'at').where({ issue_id: r.id }).orderBy('id');
  return {
    issueNo: r.issue_no as string,
    title: r.title as string,
    step: r.step as string,
    externalRating: r.external_rating as number | null,
    timeline: steps.map((s) => ({ step: s.step as string, action: s.action as string, at: new Date(s.at).toISOString() })),
  };
}
