/**
 * 网格员 (G-5, F-1): 专职 (full_time: leader 网格长 / member 网格员), 兼职 (part_time: in_system
 * 体制内 / out_system 体制外 with a subtype), 专属 (exclusive, in exclusive grids); workload is the
 * number of elements the worker covers (包户) and persons cared for (包联).
 */
import type { Db } from '../../connection';
import type { Actor } from '../../scope';
import { orderOf, type Page, type PageParams, pageWindow, type RevealOptions, scopeAndNarrow, showPhone } from './common';

export type WorkerKind = 'full_time' | 'part_time' | 'exclusive';
export type WorkerSubKind = 'leader' | 'member' | 'in_system' | 'out_system';
export const WORKER_KIND_LABELS: Record<WorkerKind, string> = { full_time: '专职网格员', part_time: '兼职网格员', exclusive: '专属网格员' };
export const WORKER_SUB_KIND_LABELS: Record<WorkerSubKind, string> = {
  leader: '网格长',
  member: '网格员',
  in_system: '体制内',
  out_system: '体制外',
};

export const GRID_WORKER_SORTS = {
  path: ['w.org_path', 'w.id'],
  id: ['w.id'],
  name: ['w.name', 'w.id'],
} as const;

export interface GridWorkerListParams extends PageParams {
  sort?: keyof typeof GRID_WORKER_SORTS;
  id?: number;
  orgPath?: string;
  gridId?: number;
  kind?: WorkerKind;
  subKind?: WorkerSubKind;
  status?: 'active' | 'leave' | 'left';
  userId?: number;
  name?: string;
}

export interface GridWorkerRow {
  id: number;
  userId: number | null;
  name: string;
  gender: string | null;
  phone: string | null;
  kind: WorkerKind;
  subKind: WorkerSubKind;
  partTimeType: string | null;
  workUnit: string | null;
  status: string;
  joinedOn: string | null;
  gridId: number;
  gridName: string;
  gridType: string | null;
  orgPath: string;
  /** 包户 elements covered. */
  coverageCount: number;
  /** 包联 persons. */
  careCount: number;
}

function filtered(db: Db, actor: Actor, p: GridWorkerListParams) {
  const q = db('grid_workers as w');
  scopeAndNarrow(q, actor, 'w.org_path', 'read', p.orgPath);
  if (p.id !== undefined) q.where('w.id', p.id);
  if (p.gridId !== undefined) q.where('w.grid_id', p.gridId);
  if (p.kind) q.where('w.kind', p.kind);
  if (p.subKind) q.where('w.sub_kind', p.subKind);
  if (p.status) q.where('w.status', p.status);
  if (p.userId !== undefined) q.where('w.user_id', p.userId);
  if (p.name) q.where('w.name', 'like', `${p.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return q;
}

export async function listGridWorkers(
  db: Db,
  actor: Actor,
  params: GridWorkerListParams = {},
  opts: RevealOptions = {},
): Promise<Page<GridWorkerRow>> {
  const { page, pageSize, offset } = pageWindow(params);
  const sortCols = GRID_WORKER_SORTS[params.sort ?? 'path'] ?? GRID_WORKER_SORTS.path;
  const rowsQ = filtered(db, actor, params)
    .join('org_units as g', 'g.id', 'w.grid_id')
    .select(
      'w.id',
      'w.user_id as userId',
      'w.name',
      'w.gender',
      'w.phone_enc',
      'w.kind',
      'w.sub_kind as subKind',
      'w.part_time_type as partTimeType',
      'w.work_unit as workUnit',
      'w.status',
      db.raw(`to_char(w.joined_on, 'YYYY-MM-DD') AS "joinedOn"`),
      'w.grid_id as gridId',
      'g.name as gridName',
      'g.grid_type as gridType',
      db.raw('w.org_path::text AS "orgPath"'),
      db.raw('(SELECT count(*) FROM coverage_relations c WHERE c.worker_id = w.id)::int AS "coverageCount"'),
      db.raw('(SELECT count(*) FROM care_relations c WHERE c.worker_id = w.id)::int AS "careCount"'),
    )
    .orderBy(sortCols.map((c) => ({ column: c, order: orderOf(params) })))
    .limit(pageSize)
    .offset(offset);
  const [rows, counted] = await Promise.all([
    rowsQ as Promise<(Omit<GridWorkerRow, 'phone'> & { phone_enc: Buffer | null })[]>,
    filtered(db, actor, params).count<{ n: number }[]>({ n: '*' }),
  ]);
  return {
    rows: rows.map(({ phone_enc, ...r }) => ({ ...r, phone: showPhone(phone_enc, opts.reveal) })),
    total: Number(counted[0]?.n ?? 0),
    page,
    pageSize,
  };
}

/** One worker; undefined when absent or out of scope. */
export async function getGridWorker(db: Db, actor: Actor, id: number, opts: RevealOptions = {}): Promise<GridWorkerRow | undefined> {
  const { rows } = await listGridWorkers(db, actor, { id, pageSize: 1 }, opts);
  return rows[0];
}
