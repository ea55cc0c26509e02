/**
 * Governance relations (G-6, F-2).
 * - 基础关系 / 包户 (coverage): every household, merchant, enterprise, institution and facility has
 *   exactly one responsible worker. The unique (element_type, element_id) constraint rules out
 *   double coverage; `coverageReport` finds the uncovered ones.
 * - 特定关系 / 包联 (care): full-time, part-time and volunteer workers jointly care for one person.
 */
import type { Db } from '../../connection';
import type { Actor } from '../../scope';
import { assertInScope, scoped } from '../../scope';
import {
  ELEMENT_TABLES,
  ELEMENT_TYPES,
  type ElementType,
  ElementValidationError,
  type Page,
  type PageParams,
  pageWindow,
  scopeAndNarrow,
} from './common';

export type { ElementType } from './common';

/** Display name of an element, per type (SQL over alias `e`). */
const ELEMENT_NAME_SQL: Record<ElementType, string> = {
  household: `e.household_no || coalesce(' ' || (SELECT r.name FROM residents r WHERE r.id = e.head_resident_id), '')`,
  merchant: 'e.name',
  enterprise: 'e.name',
  institution: 'e.name',
  facility: 'e.name',
};

export interface CoverageListParams extends PageParams {
  elementType: ElementType;
  orgPath?: string;
  workerId?: number;
  /** true: only elements without a worker; false: only covered ones. */
  uncovered?: boolean;
}

export interface CoverageRow {
  elementType: ElementType;
  elementId: number;
  elementName: string;
  gridId: number;
  orgPath: string;
  workerId: number | null;
  workerName: string | null;
  workerKind: string | null;
  assignedAt: string | null;
}

function coverageFiltered(db: Db, actor: Actor, p: CoverageListParams) {
  const table = ELEMENT_TABLES[p.elementType];
  const q = db(`${table} as e`).leftJoin('coverage_relations as c', (j) => {
    j.on('c.element_id', 'e.id').andOnVal('c.element_type', p.elementType);
  });
  scopeAndNarrow(q, actor, 'e.org_path', 'read', p.orgPath);
  if (p.workerId !== undefined) q.where('c.worker_id', p.workerId);
  if (p.uncovered === true) q.whereNull('c.id');
  if (p.uncovered === false) q.whereNotNull('c.id');
  return q;
}

/** Elements of one type in scope with their 包户 worker (or none). */
export async function listCoverage(db: Db, actor: Actor, params: CoverageListParams): Promise<Page<CoverageRow>> {
  if (!ELEMENT_TYPES.includes(params.elementType)) throw new ElementValidationError([{ field: 'elementType', message: '要素类型不正确' }]);
  const { page, pageSize, offset } = pageWindow(params);
  const rowsQ = coverageFiltered(db, actor, params)
    .leftJoin('grid_workers as w', 'w.id', 'c.worker_id')
    .select(
      db.raw('? AS "elementType"', [params.elementType]),
      'e.id as elementId',
      db.raw(`${ELEMENT_NAME_SQL[params.elementType]} AS "elementName"`),
      'e.grid_id as gridId',
      db.raw('e.org_path::text AS "orgPath"'),
      'w.id as workerId',
      'w.name as workerName',
      'w.kind as workerKind',
      db.raw(`to_char(c.assigned_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "assignedAt"`),
    )
    .orderBy([{ column: 'e.org_path' }, { column: 'e.id' }])
    .limit(pageSize)
    .offset(offset);
  const [rows, counted] = await Promise.all([
    rowsQ as Promise<CoverageRow[]>,
    coverageFiltered(db, actor, params).count<{ n: number }[]>({ n: '*' }),
  ]);
  return { rows, total: Number(counted[0]?.n ?? 0), page, pageSize };
}

export interface CoverageReportRow {
  elementType: ElementType;
  total: number;
  covered: number;
  uncovered: number;
  /** Always 0: the unique constraint forbids it; reported so the screen can show 无交叉. */
  doubleCovered: number;
}

/** 包户 report (全覆盖、不交叉、无死角) for the actor's scope or a subtree of it. */
export async function coverageReport(db: Db, actor: Actor, orgPath?: string): Promise<CoverageReportRow[]> {
  const out: CoverageReportRow[] = [];
  for (const elementType of ELEMENT_TYPES) {
    const q = coverageFiltered(db, actor, { elementType, orgPath }).select(
      db.raw('count(*)::int AS total'),
      db.raw('count(c.id)::int AS covered'),
    );
    const [dbl] = (await scoped(
      db('coverage_relations as c2')
        .where('c2.element_type', elementType)
        .groupBy('c2.element_id')
        .havingRaw('count(*) > 1')
        .select('c2.element_id'),
      actor,
      'c2.org_path',
      'read',
    ).then((r) => [r.length])) as number[];
    const r = (await q.first()) as { total: number; covered: number };
    out.push({ elementType, total: r.total, covered: r.covered, uncovered: r.total - r.covered, doubleCovered: dbl });
  }
  return out;
}

export interface AssignCoverageInput {
  elementType: ElementType;
  elementId: number;
  workerId: number;
}

/**
 * Makes `workerId` the one 包户 worker of an element (replacing the previous one). Element and
 * worker must both be in the actor's write scope and in the same grid; households need a
 * full-time or exclusive worker. Returns false when the element or worker is absent/out of scope.
 */
export async function assignCoverage(db: Db, actor: Actor, input: AssignCoverageInput): Promise<boolean> {
  if (!ELEMENT_TYPES.includes(input.elementType)) throw new ElementValidationError([{ field: 'elementType', message: '要素类型不正确' }]);
  return db.transaction(async (trx) => {
    const el = (await scoped(trx(`${ELEMENT_TABLES[input.elementType]} as e`).where('e.id', input.elementId), actor, 'e.org_path', 'write')
      .select('e.id', 'e.grid_id', trx.raw('e.org_path::text AS org_path'))
      .first()) as { id: number; grid_id: number; org_path: string } | undefined;
    const w = (await scoped(trx('grid_workers as w').where('w.id', input.workerId), actor, 'w.org_path', 'write')
      .select('w.id', 'w.grid_id', 'w.kind', 'w.status')
      .first()) as { id: number; grid_id: number; kind: string; status: string } | undefined;
    if (!el || !w) return false;
    assertInScope(actor, el.org_path, 'write');
    const fields: { field: string; message: string }[] = [];
    if (w.grid_id !== el.grid_id) fields.push({ field: 'workerId', message: '包户网格员须与该要素在同一网格，请选择本网格的网格员' });
    if (input.elementType === 'household' && w.kind === 'part_time')
      fields.push({ field: 'workerId', message: '居民户须由专职网格员包户，请选择专职网格员' });
    if (w.status === 'left') fields.push({ field: 'workerId', message: '该网格员已离岗，请选择在岗网格员' });
    if (fields.length) throw new ElementValidationError(fields);
    await trx('coverage_relations')
      .insert({
        element_type: input.elementType,
        element_id: input.elementId,
        worker_id: input.workerId,
        org_path: el.org_path,
        assigned_by: actor.userId,
      })
      .onConflict(['element_type', 'element_id'])
      .merge({ worker_id: input.workerId, assigned_by: actor.userId, assigned_at: trx.fn.now() });
    return true;
  });
}

export type CareRole = 'full_time' | 'part_time' | 'volunteer';
export type CareType = 'living_alone' | 'solitary_elderly' | 'disabled' | 'health_color';
export const CARE_TYPE_LABELS: Record<CareType, string> = {
  living_alone: '独居老人',
  solitary_elderly: '孤寡老人',
  disabled: '残疾人',
  health_color: '居民健康分色',
};
export const CARE_ROLE_LABELS: Record<CareRole, string> = { full_time: '专职网格员', part_time: '兼职网格员', volunteer: '志愿者' };

export interface CareListParams extends PageParams {
  orgPath?: string;
  residentId?: number;
  workerId?: number;
  careType?: CareType;
}

export interface CareRelationRow {
  id: number;
  residentId: number;
  residentName: string;
  workerId: number;
  workerName: string;
  role: CareRole;
  careType: CareType;
  healthColor: string | null;
  orgPath: string;
}

function careFiltered(db: Db, actor: Actor, p: CareListParams) {
  const q = db('care_relations as cr');
  scopeAndNarrow(q, actor, 'cr.org_path', 'read', p.orgPath);
  if (p.residentId !== undefined) q.where('cr.resident_id', p.residentId);
  if (p.workerId !== undefined) q.where('cr.worker_id', p.workerId);
  if (p.careType) q.where('cr.care_type', p.careType);
  return q;
}

/** 包联 relations in scope. */
export async function listCareRelations(db: Db, actor: Actor, params: CareListParams = {}): Promise<Page<CareRelationRow>> {
  const { page, pageSize, offset } = pageWindow(params);
  const rowsQ = careFiltered(db, actor, params)
    .join('residents as r', 'r.id', 'cr.resident_id')
    .join('grid_workers as w', 'w.id', 'cr.worker_id')
    .select(
      'cr.id',
      'cr.resident_id as residentId',
      'r.name as residentName',
      'cr.worker_id as workerId',
      'w.name as workerName',
      'cr.role',
      'cr.care_type as careType',
      'cr.health_color as healthColor',
      db.raw('cr.org_path::text AS "orgPath"'),
    )
    .orderBy([{ column: 'cr.org_path' }, { column: 'cr.resident_id' }, { column: 'cr.id' }])
    .limit(pageSize)
    .offset(offset);
  const [rows, counted] = await Promise.all([
    rowsQ as Promise<CareRelationRow[]>,
    careFiltered(db, actor, params).count<{ n: number }[]>({ n: '*' }),
  ]);
  return { rows, total: Number(counted[0]?.n ?? 0), page, pageSize };
}

export interface AddCareInput {
  residentId: number;
  workerId: number;
  role: CareRole;
  careType: CareType;
  healthColor?: '红' | '黄' | '绿';
}

/** Adds a 包联 relation; returns its id, or undefined when person or worker is absent/out of scope. */
export async function addCareRelation(db: Db, actor: Actor, input: AddCareInput): Promise<number | undefined> {
  const fields: { field: string; message: string }[] = [];
  if (!(input.role in CARE_ROLE_LABELS)) fields.push({ field: 'role', message: '包联角色请选择专职网格员、兼职网格员或志愿者' });
  if (!(input.careType in CARE_TYPE_LABELS))
    fields.push({ field: 'careType', message: '包联类型请选择独居老人、孤寡老人、残疾人或居民健康分色' });
  if (fields.length) throw new ElementValidationError(fields);
  const r = (await scoped(db('residents as r').where('r.id', input.residentId), actor, 'r.org_path', 'write')
    .select(db.raw('r.org_path::text AS org_path'))
    .first()) as { org_path: string } | undefined;
  const w = await scoped(db('grid_workers as w').where('w.id', input.workerId), actor, 'w.org_path', 'write').select('w.id').first();
  if (!r || !w) return undefined;
  try {
    const [row] = await db('care_relations')
      .insert({
        resident_id: input.residentId,
        worker_id: input.workerId,
        role: input.role,
        care_type: input.careType,
        health_color: input.healthColor ?? null,
        org_path: r.org_path,
      })
      .returning('id');
    return (row as { id: number }).id;
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw new ElementValidationError([{ field: 'workerId', message: '该网格员已包联此居民（同一类型），无需重复添加' }]);
    throw err;
  }
}

/** Removes a 包联 relation inside the write scope; false when absent or out of scope. */
export async function removeCareRelation(db: Db, actor: Actor, id: number): Promise<boolean> {
  const n = await scoped(db('care_relations as cr').where('cr.id', id), actor, 'cr.org_path', 'write').delete();
  return n > 0;
}
