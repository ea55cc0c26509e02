/**
 * Coverage (G-6, F-2): the 包户 report per grid / community / street / district, its problem
 * lists, bulk 包户 assignment (by building or by selection) and 包联 care teams for special
 * persons. Builds on db/queries/elements/relations.ts (single assignment, the care relation rows).
 *
 * Problem kinds of the report (全覆盖、不交叉、无死角):
 * - uncovered 未包户: no responsible worker;
 * - double 重复包户: more than one relation (ruled out by the unique constraint; counted anyway, so
 *   the report would show it should the constraint ever be dropped);
 * - invalid 包户失效: the worker has left (离岗) or sits in another grid (e.g. after a boundary change).
 */
import type { Knex } from 'knex';
import type { Db } from '../connection';
import { type Actor, scoped, scopePaths } from '../scope';
import { ELEMENT_TABLES, ELEMENT_TYPES, type ElementType, ElementValidationError, type Page, pageWindow } from './elements/common';

export type CoverageLevel = 'district' | 'street' | 'community' | 'grid';
const LEVEL_DEPTH: Record<CoverageLevel, number> = { district: 2, street: 3, community: 4, grid: 5 };

export const ELEMENT_TYPE_LABELS: Record<ElementType, string> = {
  household: '居民户',
  merchant: '商户',
  enterprise: '企业',
  institution: '驻区单位',
  facility: '公共设施',
};

const NAME_SQL: Record<ElementType, string> = {
  household: `e.household_no || coalesce(' ' || (SELECT r.name FROM residents r WHERE r.id = e.head_resident_id), '')`,
  merchant: 'e.name',
  enterprise: 'e.name',
  institution: 'e.name',
  facility: 'e.name',
};

/** The scope condition of the actor (and an optional narrower path) as SQL over `col`. */
function scopeSql(actor: Actor, col: string, narrowTo?: string): { sql: string; bindings: Knex.RawBinding[] } {
  const parts = [`${col} <@ ANY(?::ltree[])`];
  const bindings: Knex.RawBinding[] = [scopePaths(actor, 'read')];
  if (narrowTo) {
    parts.push(`${col} <@ ?::ltree`);
    bindings.push(narrowTo);
  }
  return { sql: parts.join(' AND '), bindings };
}

/** The 包户 elements of the given types in scope: one UNION ALL over their tables. */
function unionSql(actor: Actor, types: readonly ElementType[], narrowTo?: string): { sql: string; bindings: Knex.RawBinding[] } {
  const parts: string[] = [];
  const bindings: Knex.RawBinding[] = [];
  for (const t of types) {
    const s = scopeSql(actor, 'e.org_path', narrowTo);
    parts.push(`SELECT '${t}'::text AS element_type, e.id, e.grid_id, e.org_path FROM ${ELEMENT_TABLES[t]} e WHERE ${s.sql}`);
    bindings.push(...s.bindings);
  }
  return { sql: parts.join(' UNION ALL '), bindings };
}

/** The same elements with their relation facts (one probe of the relation table per element). */
function elementsSql(actor: Actor, types: readonly ElementType[], narrowTo?: string): { sql: string; bindings: Knex.RawBinding[] } {
  const u = unionSql(actor, types, narrowTo);
  const sql = `
    SELECT el.element_type, el.id, el.grid_id, el.org_path,
           c.n AS relations, c.worker_id, w.status AS worker_status, w.grid_id AS worker_grid_id, w.name AS worker_name
    FROM (${u.sql}) el
    LEFT JOIN LATERAL (
      SELECT count(*)::int AS n, min(c.worker_id) AS worker_id FROM coverage_relations c
      WHERE c.element_type = el.element_type AND c.element_id = el.id
    ) c ON true
    LEFT JOIN grid_workers w ON w.id = c.worker_id`;
  return { sql, bindings: u.bindings };
}

export interface CoverageRateRow {
  orgId: number;
  orgName: string;
  orgPath: string;
  total: number;
  covered: number;
  uncovered: number;
  double: number;
  invalid: number;
  /** covered (valid, single) / total, 0..1; 1 when there is nothing to cover. */
  rate: number;
}

const PROBLEM_SQL = {
  uncovered: `coalesce(x.relations, 0) = 0`,
  double: `x.relations > 1`,
  invalid: `x.relations = 1 AND (x.worker_status = 'left' OR x.worker_grid_id <> x.grid_id)`,
};

/**
 * Coverage rates per unit of `level` inside the actor's scope (or `orgPath`), optionally for one
 * element type. One statement: the elements UNION ALL joined to their relation and worker,
 * grouped per grid, then rolled up by the grid path's prefix at the level.
 */
export async function coverageRates(
  db: Db,
  actor: Actor,
  p: { level: CoverageLevel; orgPath?: string; elementType?: ElementType },
): Promise<CoverageRateRow[]> {
  const types = p.elementType ? [p.elementType] : ELEMENT_TYPES;
  const depth = LEVEL_DEPTH[p.level];
  const el = unionSql(actor, types, p.orgPath);
  // Per grid first (group by an int over a plain join on the unique relation key), then roll the
  // ~2000 grid rows up to the asked level by the grid's path prefix.
  const sql = `
    WITH per_grid AS (
      SELECT el.grid_id,
             count(*)::int AS total,
             count(c.id)::int AS covered,
             count(*) FILTER (WHERE c.id IS NOT NULL AND (w.status = 'left' OR w.grid_id <> el.grid_id))::int AS invalid
      FROM (${el.sql}) el
      LEFT JOIN coverage_relations c ON c.element_type = el.element_type AND c.element_id = el.id
      LEFT JOIN grid_workers w ON w.id = c.worker_id
      GROUP BY el.grid_id
    ),
    dbl AS (
      SELECT e.id AS grid_id, count(*)::int AS n FROM (
        SELECT c.element_type, c.element_id, min(c.org_path::text) AS p FROM coverage_relations c
        WHERE c.org_path <@ ANY(?::ltree[]) GROUP BY 1, 2 HAVING count(*) > 1) d
      JOIN org_units e ON e.path = subpath(d.p::ltree, 0, 5)
      GROUP BY 1
    )
    SELECT o.id AS "orgId", o.name AS "orgName", o.path::text AS "orgPath",
           sum(pg.total)::int AS total, sum(pg.covered)::int AS covered,
           (sum(pg.total) - sum(pg.covered))::int AS uncovered,
           coalesce(sum(dbl.n), 0)::int AS double, sum(pg.invalid)::int AS invalid
    FROM per_grid pg
    JOIN org_units g ON g.id = pg.grid_id
    LEFT JOIN dbl ON dbl.grid_id = pg.grid_id
    JOIN org_units o ON o.path = subpath(g.path, 0, ?)
    WHERE nlevel(g.path) >= ?
    GROUP BY o.id, o.name, o.path
    ORDER BY o.path`;
  const bindings: Knex.RawBinding[] = [...el.bindings, scopePaths(actor, 'read'), depth, depth];
  const rows = (await db.raw(sql, bindings)).rows as Omit<CoverageRateRow, 'rate'>[];
  return rows.map((r) => ({
    ...r,
    rate: r.total === 0 ? 1 : Math.round(((r.covered - r.double - r.invalid) / r.total) * 10000) / 10000,
  }));
}

export type CoverageProblem = keyof typeof PROBLEM_SQL;

export interface CoverageProblemRow {
  elementType: ElementType;
  elementId: number;
  name: string;
  gridId: number;
  gridName: string;
  orgPath: string;
  /** `ok`: covered once by a worker in post in the element's grid (listed only with `all`). */
  problem: CoverageProblem | 'ok';
  workerName: string | null;
}

/**
 * Elements with a coverage problem, paged, in path order; with `all`, every element with its
 * current 包户 worker (the 包户配置 list, F-2: re-assign by selection).
 */
export async function coverageProblems(
  db: Db,
  actor: Actor,
  p: { problem?: CoverageProblem; all?: boolean; elementType?: ElementType; orgPath?: string; page?: number; pageSize?: number },
): Promise<Page<CoverageProblemRow>> {
  const { page, pageSize, offset } = pageWindow(p);
  const types = p.elementType ? [p.elementType] : ELEMENT_TYPES;
  const el = elementsSql(actor, types, p.orgPath);
  const cond = p.problem ? PROBLEM_SQL[p.problem] : p.all ? 'true' : `(${Object.values(PROBLEM_SQL).join(') OR (')})`;
  const base = `WITH x AS (${el.sql}) SELECT * FROM x WHERE ${cond}`;
  const [{ n }] = (await db.raw(`SELECT count(*)::int AS n FROM (${base}) q`, el.bindings)).rows as { n: number }[];
  const rows = (
    await db.raw(
      `SELECT q.element_type AS "elementType", q.id AS "elementId", q.grid_id AS "gridId", g.name AS "gridName",
            q.org_path::text AS "orgPath", q.worker_name AS "workerName",
            CASE WHEN coalesce(q.relations, 0) = 0 THEN 'uncovered' WHEN q.relations > 1 THEN 'double'
                 WHEN q.worker_status = 'left' OR q.worker_grid_id <> q.grid_id THEN 'invalid' ELSE 'ok' END AS problem
     FROM (${base}) q JOIN org_units g ON g.id = q.grid_id
     ORDER BY q.org_path, q.element_type, q.id LIMIT ? OFFSET ?`,
      [...el.bindings, pageSize, offset],
    )
  ).rows as Omit<CoverageProblemRow, 'name'>[];
  // Names per type in one query each (only for the page's rows).
  const out: CoverageProblemRow[] = rows.map((r) => ({ ...r, name: '' }));
  for (const t of types) {
    const ids = out.filter((r) => r.elementType === t).map((r) => r.elementId);
    if (!ids.length) continue;
    const names = (await db(`${ELEMENT_TABLES[t]} as e`)
      .whereIn('e.id', ids)
      .select('e.id', db.raw(`${NAME_SQL[t]} AS name`))) as { id: number; name: string }[];
    const byId = new Map(names.map((x) => [x.id, x.name]));
    for (const r of out) if (r.elementType === t) r.name = byId.get(r.elementId) ?? '';
  }
  return { rows: out, total: n, page, pageSize };
}

interface WorkerFacts {
  id: number;
  grid_id: number;
  kind: string;
  status: string;
  name: string;
}

async function writableWorker(trx: Knex.Transaction, actor: Actor, workerId: number): Promise<WorkerFacts> {
  const w = (await scoped(trx('grid_workers as w').where('w.id', workerId), actor, 'w.org_path', 'write')
    .select('w.id', 'w.grid_id', 'w.kind', 'w.status', 'w.name')
    .first()) as WorkerFacts | undefined;
  if (!w) throw new ElementValidationError([{ field: 'workerId', message: '网格员不存在或不在您的管辖范围内' }]);
  if (w.status === 'left') throw new ElementValidationError([{ field: 'workerId', message: `${w.name}已离岗，请选择在岗网格员` }]);
  return w;
}

export interface BulkAssignResult {
  assigned: number;
  /** Elements that had another worker before. */
  replaced: number;
  refused: { elementType: ElementType; elementId: number; reason: string }[];
}

/**
 * Bulk 包户 of a selection: every element must be in the actor's write scope and in the worker's
 * grid; households need a full-time or exclusive worker. Valid ones are assigned in one statement,
 * the others are listed with a Chinese reason.
 */
export async function bulkAssign(
  db: Db,
  actor: Actor,
  input: { elementType: ElementType; elementIds: number[]; workerId: number },
): Promise<BulkAssignResult> {
  if (!ELEMENT_TYPES.includes(input.elementType)) throw new ElementValidationError([{ field: 'elementType', message: '要素类型不正确' }]);
  return db.transaction(async (trx) => {
    const w = await writableWorker(trx, actor, input.workerId);
    if (input.elementType === 'household' && w.kind === 'part_time')
      throw new ElementValidationError([{ field: 'workerId', message: '居民户须由专职网格员包户，请选择专职网格员' }]);
    const ids = [...new Set(input.elementIds)];
    const rows = (await scoped(
      trx(`${ELEMENT_TABLES[input.elementType]} as e`)
        .whereRaw('e.id = ANY(?::int[])', [ids])
        .select('e.id', 'e.grid_id', trx.raw('e.org_path::text AS org_path')),
      actor,
      'e.org_path',
      'write',
    )) as { id: number; grid_id: number; org_path: string }[];
    const found = new Map(rows.map((r) => [r.id, r]));
    const refused: BulkAssignResult['refused'] = [];
    const ok: { id: number; org_path: string }[] = [];
    for (const id of ids) {
      const r = found.get(id);
      if (!r) refused.push({ elementType: input.elementType, elementId: id, reason: '不存在或不在您的管辖范围内' });
      else if (r.grid_id !== w.grid_id)
        refused.push({ elementType: input.elementType, elementId: id, reason: `不在${w.name}所在网格，请选择本网格的网格员` });
      else ok.push(r);
    }
    const res = await upsertCoverage(trx, actor, input.elementType, ok, w.id);
    return { ...res, refused };
  });
}

async function upsertCoverage(
  trx: Knex.Transaction,
  actor: Actor,
  type: ElementType,
  rows: { id: number; org_path: string }[],
  workerId: number,
): Promise<{ assigned: number; replaced: number }> {
  if (!rows.length) return { assigned: 0, replaced: 0 };
  const r = await trx.raw(
    `WITH src AS (SELECT * FROM json_to_recordset(?::json) AS s(id int, org_path text)),
     prev AS (SELECT c.element_id FROM coverage_relations c JOIN src ON src.id = c.element_id
              WHERE c.element_type = ? AND c.worker_id <> ?),
     up AS (
       INSERT INTO coverage_relations (element_type, element_id, worker_id, org_path, assigned_by)
       SELECT ?, src.id, ?, src.org_path::ltree, ? FROM src
       ON CONFLICT (element_type, element_id) DO UPDATE SET worker_id = EXCLUDED.worker_id, org_path = EXCLUDED.org_path,
         assigned_by = EXCLUDED.assigned_by, assigned_at = now()
       WHERE coverage_relations.worker_id <> EXCLUDED.worker_id OR coverage_relations.org_path <> EXCLUDED.org_path
       RETURNING 1)
     SELECT (SELECT count(*) FROM up)::int AS assigned, (SELECT count(*) FROM prev)::int AS replaced`,
    [JSON.stringify(rows), type, workerId, type, workerId, actor.userId],
  );
  return r.rows[0] as { assigned: number; replaced: number };
}

/**
 * Bulk 包户 by building: every household in the building (through its houses) and every merchant /
 * enterprise registered in it goes to the worker, who must be in the building's grid.
 */
export async function assignBuilding(
  db: Db,
  actor: Actor,
  input: { buildingId: number; workerId: number },
): Promise<BulkAssignResult & { byType: Record<string, number> }> {
  return db.transaction(async (trx) => {
    const b = (await scoped(trx('buildings as b').where('b.id', input.buildingId), actor, 'b.org_path', 'write')
      .select('b.id', 'b.grid_id', 'b.name')
      .first()) as { id: number; grid_id: number; name: string } | undefined;
    if (!b) throw new ElementValidationError([{ field: 'buildingId', message: '楼栋不存在或不在您的管辖范围内' }]);
    const w = await writableWorker(trx, actor, input.workerId);
    if (w.grid_id !== b.grid_id)
      throw new ElementValidationError([{ field: 'workerId', message: `${w.name}不在${b.name}所在网格，请选择本网格的网格员` }]);
    if (w.kind === 'part_time') throw new ElementValidationError([{ field: 'workerId', message: '按楼栋包户须选择专职网格员' }]);
    const byType: Record<string, number> = {};
    let assigned = 0;
    let replaced = 0;
    const households = (await trx('households as h')
      .join('houses as ho', 'ho.id', 'h.house_id')
      .where('ho.building_id', b.id)
      .select('h.id', trx.raw('h.org_path::text AS org_path'))) as { id: number; org_path: string }[];
    const sets: [ElementType, { id: number; org_path: string }[]][] = [['household', households]];
    for (const t of ['merchant', 'enterprise'] as const) {
      sets.push([
        t,
        (await trx(ELEMENT_TABLES[t]).where('building_id', b.id).select('id', trx.raw('org_path::text AS org_path'))) as {
          id: number;
          org_path: string;
        }[],
      ]);
    }
    for (const [t, rows] of sets) {
      const r = await upsertCoverage(trx, actor, t, rows, w.id);
      byType[t] = rows.length;
      assigned += r.assigned;
      replaced += r.replaced;
    }
    return { assigned, replaced, refused: [], byType };
  });
}

// ── 包联 care teams (F-2) ─────────────────────────────────────────────────────────────────────

export type CareType = 'living_alone' | 'solitary_elderly' | 'disabled' | 'health_color';
export type CareRole = 'full_time' | 'part_time' | 'volunteer';
/** Special persons per care type: the standard computed tag that selects them, when there is one. */
export const CARE_TYPE_TAG: Partial<Record<CareType, string>> = {
  living_alone: 'STD_ALONE_ELDERLY',
  solitary_elderly: 'STD_SOLITARY_ELDERLY',
  disabled: 'STD_DISABLED',
};

export interface CareMember {
  workerId: number;
  role: CareRole;
}

/**
 * Sets the whole 包联 team of a person for one care type in one transaction: at least one
 * full-time member; part-time and volunteer members must be part-time forces (volunteers: 志愿者).
 */
export async function setCareTeam(
  db: Db,
  actor: Actor,
  input: { residentId: number; careType: CareType; healthColor?: '红' | '黄' | '绿' | null; members: CareMember[] },
): Promise<{ members: number }> {
  if (!(input.careType in { living_alone: 1, solitary_elderly: 1, disabled: 1, health_color: 1 }))
    throw new ElementValidationError([{ field: 'careType', message: '包联类型请选择独居老人、孤寡老人、残疾人或居民健康分色' }]);
  if (!input.members.some((m) => m.role === 'full_time'))
    throw new ElementValidationError([{ field: 'members', message: '包联小组至少需要一名专职网格员' }]);
  if (input.careType === 'health_color' && !input.healthColor)
    throw new ElementValidationError([{ field: 'healthColor', message: '居民健康分色管理须选择红、黄、绿色' }]);
  return db.transaction(async (trx) => {
    const person = (await scoped(trx('residents as r').where('r.id', input.residentId), actor, 'r.org_path', 'write')
      .select(trx.raw('r.org_path::text AS org_path'), 'r.grid_id')
      .first()) as { org_path: string; grid_id: number } | undefined;
    if (!person) throw new ElementValidationError([{ field: 'residentId', message: '居民不存在或不在您的管辖范围内' }]);
    const ids = [...new Set(input.members.map((m) => m.workerId))];
    const workers = (await scoped(trx('grid_workers as w').whereIn('w.id', ids), actor, 'w.org_path', 'write').select(
      'w.id',
      'w.kind',
      'w.part_time_type',
      'w.status',
      'w.name',
    )) as { id: number; kind: string; part_time_type: string | null; status: string; name: string }[];
    const byId = new Map(workers.map((w) => [w.id, w]));
    const fields: { field: string; message: string }[] = [];
    input.members.forEach((m, i) => {
      const w = byId.get(m.workerId);
      if (!w) fields.push({ field: `members[${i}]`, message: '网格员不存在或不在您的管辖范围内' });
      else if (w.status === 'left') fields.push({ field: `members[${i}]`, message: `${w.name}已离岗，请选择在岗人员` });
      else if (m.role === 'full_time' && w.kind === 'part_time')
        fields.push({ field: `members[${i}]`, message: `${w.name}是兼职网格员，不能作为专职成员` });
      else if (m.role !== 'full_time' && w.kind !== 'part_time')
        fields.push({ field: `members[${i}]`, message: `${w.name}是专职网格员，请将其角色设为专职` });
      else if (m.role === 'volunteer' && w.part_time_type !== '志愿者')
        fields.push({ field: `members[${i}]`, message: `${w.name}不是志愿者，请将其角色设为兼职` });
    });
    if (fields.length) throw new ElementValidationError(fields);
    await trx('care_relations').where({ resident_id: input.residentId, care_type: input.careType }).delete();
    await trx('care_relations').insert(
      input.members.map((m) => ({
        resident_id: input.residentId,
        worker_id: m.workerId,
        role: m.role,
        care_type: input.careType,
        health_color: input.careType === 'health_color' ? input.healthColor : null,
        org_path: person.org_path,
      })),
    );
    return { members: input.members.length };
  });
}

export interface SpecialPersonRow {
  residentId: number;
  name: string;
  gridId: number;
  gridName: string;
  /** 居民健康分色: 红 / 黄 / 绿 (null for the other care types). */
  healthColor: string | null;
  orgPath: string;
  fullTime: number;
  partTime: number;
  volunteer: number;
  /** At least one full-time member. */
  covered: boolean;
}

/**
 * Special persons of a care type (the standard computed tag where there is one — 独居老人, 孤寡老人,
 * 残疾人 — plus everyone who already has a team of the type) with their team composition — the
 * 包联 service-file overview.
 */
export async function specialPersons(
  db: Db,
  actor: Actor,
  p: { careType: CareType; orgPath?: string; uncoveredOnly?: boolean; page?: number; pageSize?: number },
): Promise<Page<SpecialPersonRow> & { coveredCount: number }> {
  const { page, pageSize, offset } = pageWindow(p);
  const tagCode = CARE_TYPE_TAG[p.careType];
  const s = scopeSql(actor, 'r.org_path', p.orgPath);
  // The tagged persons and anyone already given a team of this type (added by hand, or whose tag
  // has since gone), so no team drops out of the service files.
  const source = tagCode
    ? `SELECT et.element_id AS id FROM element_tags et JOIN tag_definitions t ON t.id = et.tag_id
       WHERE t.code = ? AND et.element_type = 'resident'
       UNION SELECT resident_id FROM care_relations WHERE care_type = ?`
    : `SELECT DISTINCT resident_id AS id FROM care_relations WHERE care_type = ?`;
  const base = `
    SELECT r.id AS "residentId", r.name, r.grid_id AS "gridId", g.name AS "gridName", r.org_path::text AS "orgPath",
      max(cr.health_color) AS "healthColor",
      count(*) FILTER (WHERE cr.role = 'full_time')::int AS "fullTime",
      count(*) FILTER (WHERE cr.role = 'part_time')::int AS "partTime",
      count(*) FILTER (WHERE cr.role = 'volunteer')::int AS volunteer
    FROM (${source}) sp JOIN residents r ON r.id = sp.id JOIN org_units g ON g.id = r.grid_id
    LEFT JOIN care_relations cr ON cr.resident_id = r.id AND cr.care_type = ?
    WHERE ${s.sql}
    GROUP BY r.id, r.name, g.name, r.org_path`;
  const bindings: Knex.RawBinding[] = [...(tagCode ? [tagCode, p.careType] : [p.careType]), p.careType, ...s.bindings];
  const filter = p.uncoveredOnly ? `WHERE "fullTime" = 0` : '';
  const counts = (await db.raw(`SELECT count(*)::int AS n, count(*) FILTER (WHERE "fullTime" > 0)::int AS c FROM (${base}) q`, bindings))
    .rows[0] as {
    n: number;
    c: number;
  };
  const total = p.uncoveredOnly ? counts.n - counts.c : counts.n;
  const rows = (
    await db.raw(`SELECT * FROM (${base}) q ${filter} ORDER BY "orgPath", "residentId" LIMIT ? OFFSET ?`, [...bindings, pageSize, offset])
  ).rows as Omit<SpecialPersonRow, 'covered'>[];
  return { rows: rows.map((r) => ({ ...r, covered: r.fullTime > 0 })), total, page, pageSize, coveredCount: counts.c };
}

export interface CareTeam {
  residentId: number;
  name: string;
  gridId: number;
  gridName: string;
  careType: CareType;
  healthColor: string | null;
  members: {
    workerId: number;
    name: string;
    kind: string;
    subKind: string;
    partTimeType: string | null;
    gridName: string;
    role: CareRole;
  }[];
}

/** The 包联 team of one person for one care type (the service file's members); undefined when out of scope. */
export async function careTeam(db: Db, actor: Actor, residentId: number, careType: CareType): Promise<CareTeam | undefined> {
  const person = (await scoped(db('residents as r').where('r.id', residentId), actor, 'r.org_path', 'read')
    .join('org_units as g', 'g.id', 'r.grid_id')
    .select('r.id as residentId', 'r.name', 'r.grid_id as gridId', 'g.name as gridName')
    .first()) as Omit<CareTeam, 'careType' | 'healthColor' | 'members'> | undefined;
  if (!person) return undefined;
  const members = (await db('care_relations as cr')
    .join('grid_workers as w', 'w.id', 'cr.worker_id')
    .join('org_units as g', 'g.id', 'w.grid_id')
    .where({ 'cr.resident_id': residentId, 'cr.care_type': careType })
    .orderByRaw(`CASE cr.role WHEN 'full_time' THEN 0 WHEN 'part_time' THEN 1 ELSE 2 END, w.id`)
    .select(
      'w.id as workerId',
      'w.name',
      'w.kind',
      'w.sub_kind as subKind',
      'w.part_time_type as partTimeType',
      'g.name as gridName',
      'cr.role',
      'cr.health_color as healthColor',
    )) as (CareTeam['members'][number] & { healthColor: string | null })[];
  return {
    ...person,
    careType,
    healthColor: members.find((m) => m.healthColor)?.healthColor ?? null,
    members: members.map(({ healthColor: _h, ...m }) => m),
  };
}
