/**
 * 网格力量配置 (F-1): one 网格长 and several 网格员 per grid; part-time workers (体制内 / 体制外)
 * assist; 专属网格员 serve in exclusive grids only.
 *
 * Both writes go through the element module's `updateRecord`, so a worker's grid or post change
 * keeps a version row (who, when, before, after) like any other edit of the staff library (G-5).
 * - `setGridLeader`: makes a worker of the grid its 网格长; the previous one becomes 网格员.
 * - `gridPostProblems`: the two rules, also applied by the element form and the Excel import.
 * - `assignWorkerToGrid`: moves a worker into a grid (a 网格长 arrives as 网格员 when the grid
 *   already has one) with their login account (its data scope follows); the worker's 包户
 *   elements left behind are counted for re-assignment.
 */
import type { Knex } from 'knex';
import type { Db } from '../connection';
import { type Actor, scoped } from '../scope';
import { orgPathOf, updateUserRow, userProfile } from './accounts';
import { ElementValidationError } from './elements/common';
import { updateRecord } from './elements/records';

interface GridRow {
  id: number;
  name: string;
  grid_type: string | null;
}
interface WorkerRow {
  id: number;
  user_id: number | null;
  name: string;
  kind: string;
  sub_kind: string;
  status: string;
  grid_id: number;
}

async function writableGrid(trx: Knex.Transaction, actor: Actor, gridId: number): Promise<GridRow> {
  const g = (await scoped(trx('org_units as g').where({ 'g.id': gridId, 'g.type': 'grid', 'g.active': true }), actor, 'g.path', 'write')
    .select('g.id', 'g.name', 'g.grid_type')
    .forUpdate()
    .first()) as GridRow | undefined;
  if (!g) throw new ElementValidationError([{ field: 'gridId', message: '网格不存在或不在您的管辖范围内' }]);
  return g;
}

async function writableWorker(trx: Knex.Transaction, actor: Actor, workerId: number): Promise<WorkerRow> {
  const w = (await scoped(trx('grid_workers as w').where('w.id', workerId), actor, 'w.org_path', 'write')
    .select('w.id', 'w.user_id', 'w.name', 'w.kind', 'w.sub_kind', 'w.status', 'w.grid_id')
    .forUpdate()
    .first()) as WorkerRow | undefined;
  if (!w) throw new ElementValidationError([{ field: 'workerId', message: '网格员不存在或不在您的管辖范围内' }]);
  if (w.status === 'left') throw new ElementValidationError([{ field: 'workerId', message: `${w.name}已离岗，请选择在岗人员` }]);
  return w;
}

const isExclusiveGrid = (g: GridRow) => g.grid_type === 'exclusive';

/** A worker's post as a write would leave it; `key` is the caller's handle (a sheet row, or 0). */
export interface GridPost {
  key: number;
  /** The stored worker being changed (absent for a new one). */
  workerId?: number | null;
  name: string;
  kind: string;
  subKind: string;
  status?: string | null;
  gridId: number;
}

/** A broken F-1 rule: `conflict` (a second 网格长, 409 on subKind) or a 专属网格员 outside an exclusive grid (400 on gridId). */
export interface GridPostProblem {
  key: number;
  field: 'gridId' | 'subKind';
  conflict: boolean;
  message: string;
}

/**
 * The F-1 rules of a grid's posts, shared by 力量配置, the element form and the Excel import:
 * 专属网格员 serve in exclusive grids only; a grid has one 网格长 (workers who left do not count).
 * Posts of one batch count against each other, and a stored worker of the batch by its new post.
 * `lock` takes the grids' rows FOR UPDATE (inside a write transaction: two leaders cannot race in).
 */
export async function gridPostProblems(
  db: Db | Knex.Transaction,
  posts: GridPost[],
  opts: { lock?: boolean } = {},
): Promise<GridPostProblem[]> {
  if (!posts.length) return [];
  const gridIds = [...new Set(posts.map((p) => p.gridId))];
  const gq = db('org_units').whereIn('id', gridIds).select('id', 'name', 'grid_type').orderBy('id');
  const grids = new Map(((await (opts.lock ? gq.forUpdate() : gq)) as GridRow[]).map((g) => [g.id, g]));
  const inBatch = new Set(posts.map((p) => p.workerId).filter((id): id is number => typeof id === 'number'));
  const leaders = new Map<number, string>();
  for (const l of (await db('grid_workers')
    .whereIn('grid_id', gridIds)
    .where('sub_kind', 'leader')
    .whereNot('status', 'left')
    .select('id', 'name', 'grid_id')
    .orderBy('id')) as { id: number; name: string; grid_id: number }[])
    if (!inBatch.has(l.id) && !leaders.has(l.grid_id)) leaders.set(l.grid_id, l.name);
  const problems: GridPostProblem[] = [];
  for (const p of posts) {
    const g = grids.get(p.gridId);
    if (!g) continue;
    if (p.kind === 'exclusive' && !isExclusiveGrid(g))
      problems.push({
        key: p.key,
        field: 'gridId',
        conflict: false,
        message: `${p.name}是专属网格员，只能配置在专属网格；${g.name}是基础网格`,
      });
    else if (p.subKind === 'leader' && p.status !== 'left') {
      const holder = leaders.get(g.id);
      if (holder === undefined) leaders.set(g.id, p.name);
      else
        problems.push({
          key: p.key,
          field: 'subKind',
          conflict: true,
          message: `${g.name}已有网格长${holder}，一个网格只能有一名网格长；请将岗位填为“网格员”，或在网格管理的力量配置中更换网格长`,
        });
    }
  }
  return problems;
}

export interface LeaderResult {
  leaderId: number;
  /** The previous 网格长, now 网格员 (null when the grid had none). */
  previousLeaderId: number | null;
}

/** Makes `workerId` the 网格长 of `gridId` (F-1: one per grid). */
export async function setGridLeader(db: Db, actor: Actor, input: { gridId: number; workerId: number }): Promise<LeaderResult> {
  return db.transaction(async (trx) => {
    const g = await writableGrid(trx, actor, input.gridId);
    const w = await writableWorker(trx, actor, input.workerId);
    if (w.grid_id !== g.id)
      throw new ElementValidationError([{ field: 'workerId', message: `${w.name}不在${g.name}，请先将其调入本网格` }]);
    if (w.kind === 'part_time')
      throw new ElementValidationError([{ field: 'workerId', message: `${w.name}是兼职网格员，网格长须由专职网格员担任` }]);
    if (w.kind === 'exclusive' && !isExclusiveGrid(g))
      throw new ElementValidationError([{ field: 'workerId', message: `${w.name}是专属网格员，只能担任专属网格的网格长` }]);
    const previous = (await trx('grid_workers')
      .where({ grid_id: g.id, sub_kind: 'leader' })
      .whereNot('id', w.id)
      .whereNot('status', 'left')
      .pluck('id')) as number[];
    const reason = `任命${w.name}为${g.name}网格长`;
    for (const id of previous) await updateRecord(trx, actor, 'grid_worker', id, { subKind: 'member' }, { reason });
    if (w.sub_kind !== 'leader') await updateRecord(trx, actor, 'grid_worker', w.id, { subKind: 'leader' }, { reason });
    return { leaderId: w.id, previousLeaderId: previous[0] ?? null };
  });
}

export interface AssignWorkerResult {
  workerId: number;
  fromGridId: number;
  /** 包户 elements of the worker outside the new grid: to be re-assigned (包户失效 in the coverage report). */
  coverageToReview: number;
  /** The worker's post in the new grid (a 网格长 arrives as 网格员 when the grid has one). */
  subKind: string;
  /** The worker's login account moved to the new grid with them (its data scope follows). */
  accountMoved: boolean;
}

/** Moves a worker into a grid of the actor's write scope (F-1 rules on exclusive grids). */
export async function assignWorkerToGrid(db: Db, actor: Actor, input: { gridId: number; workerId: number }): Promise<AssignWorkerResult> {
  return db.transaction(async (trx) => {
    const g = await writableGrid(trx, actor, input.gridId);
    const w = await writableWorker(trx, actor, input.workerId);
    if (w.grid_id === g.id) throw new ElementValidationError([{ field: 'workerId', message: `${w.name}已在${g.name}` }]);
    // The exclusive-grid rule (gridPostProblems) is checked by updateRecord below.
    let subKind = w.sub_kind;
    if (subKind === 'leader') {
      const hasLeader = await trx('grid_workers').where({ grid_id: g.id, sub_kind: 'leader' }).whereNot('status', 'left').first('id');
      if (hasLeader) subKind = 'member';
    }
    const patch: Record<string, unknown> = { gridId: g.id };
    if (subKind !== w.sub_kind) patch.subKind = subKind;
    await updateRecord(trx, actor, 'grid_worker', w.id, patch, { reason: `调入${g.name}` });
    // The worker's login account sits in their grid: it follows, so their data scope is the new grid.
    const user = w.user_id ? await userProfile(trx, w.user_id) : undefined;
    const accountMoved = Boolean(user && user.org.id === w.grid_id);
    if (accountMoved && w.user_id)
      await updateUserRow(trx, w.user_id, { orgId: g.id, orgPath: (await orgPathOf(trx, g.id)) as string, now: new Date() });
    const r = (
      await trx.raw(
        `SELECT count(*)::int AS n FROM coverage_relations c
         JOIN LATERAL (
           SELECT grid_id FROM households WHERE c.element_type = 'household' AND id = c.element_id
           UNION ALL SELECT grid_id FROM merchants WHERE c.element_type = 'merchant' AND id = c.element_id
           UNION ALL SELECT grid_id FROM enterprises WHERE c.element_type = 'enterprise' AND id = c.element_id
           UNION ALL SELECT grid_id FROM institutions WHERE c.element_type = 'institution' AND id = c.element_id
           UNION ALL SELECT grid_id FROM public_facilities WHERE c.element_type = 'facility' AND id = c.element_id
         ) e ON true
         WHERE c.worker_id = ? AND e.grid_id <> ?`,
        [w.id, g.id],
      )
    ).rows[0] as { n: number };
    return { workerId: w.id, fromGridId: w.grid_id, coverageToReview: r.n, subKind, accountMoved };
  });
}
