/**
 * Grid division (网格划分, D-1..D-3): map layers, polygon validation with PostGIS, save / split /
 * merge, re-assignment of elements by location, per-grid statistics.
 *
 * Rules (D-1): a grid lies inside its community; grids of a community do not overlap; together
 * they cover the community. A save that breaks a rule is refused with the offending areas as
 * GeoJSON (`GridGeometryError`: 422 for an invalid or outside polygon, 409 for overlaps and gaps),
 * so the map can draw them. Areas below TOLERANCE_M2 (digitising noise) are ignored.
 *
 * After any boundary change, `reassignCommunity` moves elements to the grid that now contains
 * them — buildings, merchants, enterprises, institutions, facilities by their point; houses,
 * households and residents follow their building — and refreshes the copied paths of relations
 * and tags, all in the caller's transaction, returning a summary of what moved.
 */
import type { Knex } from 'knex';
import type { Db } from '../connection';
import { type Actor, assertInScope, scoped } from '../scope';
import { updateUserRow } from './accounts';

export const TOLERANCE_M2 = 1;

export type GeoJsonGeometry = { type: string; coordinates: unknown };
export interface GeoFeature {
  type: 'Feature';
  geometry: GeoJsonGeometry;
  properties: Record<string, unknown>;
}
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: GeoFeature[];
}

export type GridProblemKind = 'invalid' | 'outside' | 'overlap' | 'gap';
const PROBLEM_LABELS: Record<GridProblemKind, string> = {
  invalid: '图形无效',
  outside: '超出社区边界',
  overlap: '与相邻网格重叠',
  gap: '社区内未被网格覆盖',
};

/** A refused save: HTTP status, a Chinese message and the offending areas. */
export class GridGeometryError extends Error {
  constructor(
    readonly status: 409 | 422,
    readonly code: string,
    message: string,
    readonly problems: FeatureCollection,
  ) {
    super(message);
  }
}

export class GridInputError extends Error {}

type Q = Db | Knex.Transaction;

// ── map layers ──────────────────────────────────────────────────────────────────────────────

/** Org polygons of one level (district … grid) in scope, optionally under a unit and/or touching a box, as GeoJSON. */
export async function orgLayer(
  db: Db,
  actor: Actor,
  p: { type: 'district' | 'street' | 'community' | 'grid'; under?: string; bbox?: [number, number, number, number] },
): Promise<FeatureCollection> {
  const q = scoped(
    db('org_units as o')
      .where({ 'o.type': p.type, 'o.active': true })
      .whereNotNull('o.geom')
      .select(
        'o.id',
        'o.code',
        'o.name',
        'o.grid_type as gridType',
        db.raw('o.path::text AS path'),
        db.raw('ST_AsGeoJSON(o.geom, 6)::json AS geometry'),
        db.raw('ST_AsGeoJSON(ST_PointOnSurface(o.geom), 6)::json AS label'),
      ),
    actor,
    'o.path',
    'read',
  ).orderBy('o.path');
  if (p.under) q.whereRaw('o.path <@ ?::ltree', [p.under]);
  if (p.bbox) q.whereRaw('o.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', p.bbox);
  const rows = (await q) as {
    id: number;
    code: string;
    name: string;
    gridType: string | null;
    path: string;
    geometry: GeoJsonGeometry;
    label: GeoJsonGeometry;
  }[];
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      geometry: r.geometry,
      properties: { id: r.id, code: r.code, name: r.name, gridType: r.gridType, path: r.path, level: p.type, label: r.label },
    })),
  };
}

/** Points of buildings or facilities in scope inside a bounding box (max `limit`). */
export async function pointLayer(
  db: Db,
  actor: Actor,
  p: { kind: 'building' | 'facility'; bbox: [number, number, number, number]; limit?: number },
): Promise<FeatureCollection> {
  const table = p.kind === 'building' ? 'buildings' : 'public_facilities';
  const rows = (await scoped(
    db(`${table} as e`)
      .whereRaw('e.geom && ST_MakeEnvelope(?, ?, ?, ?, 4326)', p.bbox)
      .select('e.id', 'e.name', 'e.type', 'e.grid_id as gridId', db.raw('ST_X(e.geom) AS x'), db.raw('ST_Y(e.geom) AS y')),
    actor,
    'e.org_path',
    'read',
  ).limit(p.limit ?? 5000)) as { id: number; name: string; type: string; gridId: number; x: number; y: number }[];
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [r.x, r.y] },
      properties: { id: r.id, name: r.name, type: r.type, gridId: r.gridId, kind: p.kind },
    })),
  };
}

// ── validation ──────────────────────────────────────────────────────────────────────────────

interface CommunityRow {
  id: number;
  path: string;
  name: string;
}

async function communityOf(db: Q, actor: Actor, communityId: number): Promise<CommunityRow> {
  const c = (await db('org_units')
    .where({ id: communityId, type: 'community' })
    .select('id', 'name', db.raw('path::text AS path'))
    .first()) as CommunityRow | undefined;
  if (!c) throw new GridInputError('社区不存在，请在机构树中重新选择');
  assertInScope(actor, c.path, 'write');
  return c;
}

/** GeoJSON (Polygon or MultiPolygon) → a MultiPolygon in 4326; refused when unreadable. */
async function toMulti(db: Q, geometry: unknown): Promise<string> {
  const g = geometry as GeoJsonGeometry | undefined;
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon'))
    throw new GridInputError('网格范围须为面（Polygon 或 MultiPolygon），请在地图上重新绘制');
  try {
    const r = await db.raw(`SELECT ST_AsEWKT(ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326))) AS g`, [JSON.stringify(g)]);
    return r.rows[0].g as string;
  } catch {
    throw new GridInputError('网格范围的坐标无法识别，请在地图上重新绘制');
  }
}

/**
 * Checks a community's complete set of grid polygons (after the intended change) and throws
 * GridGeometryError with every offending area. `grids` are EWKT multipolygons.
 */
async function checkTiling(
  db: Q,
  community: CommunityRow,
  grids: { key: string; name: string; ewkt: string; changed?: boolean }[],
): Promise<void> {
  // Unchanged grids were valid, inside and disjoint before: only pairs with a changed grid can
  // overlap or stick out (all grids count when none is marked, e.g. after a split).
  const anyMarked = grids.some((g) => g.changed);
  const src = JSON.stringify(grids.map((g) => ({ key: g.key, name: g.name, g: g.ewkt, ch: anyMarked ? Boolean(g.changed) : true })));
  const problems: GeoFeature[] = [];
  const invalid = (
    await db.raw(
      `SELECT s.key, s.name, ST_IsValidReason(ST_GeomFromEWKT(s.g)) AS reason
     FROM json_to_recordset(?::json) AS s(key text, name text, g text) WHERE NOT ST_IsValid(ST_GeomFromEWKT(s.g))`,
      [src],
    )
  ).rows as { key: string; name: string; reason: string }[];
  if (invalid.length) {
    const gs = (
      await db.raw(
        `SELECT s.key, ST_AsGeoJSON(ST_GeomFromEWKT(s.g), 6)::json AS geometry FROM json_to_recordset(?::json) AS s(key text, name text, g text)`,
        [src],
      )
    ).rows as { key: string; geometry: GeoJsonGeometry }[];
    for (const i of invalid)
      problems.push({
        type: 'Feature',
        geometry: gs.find((x) => x.key === i.key)?.geometry as GeoJsonGeometry,
        properties: { kind: 'invalid', grid: i.name, reason: i.reason },
      });
    throw new GridGeometryError(
      422,
      'GRID_INVALID',
      `${invalid.map((i) => i.name).join('、')}的图形无效（边界自相交或不闭合），请重新绘制`,
      {
        type: 'FeatureCollection',
        features: problems,
      },
    );
  }
  const r = (
    await db.raw(
      `WITH s AS (SELECT key, name, ch, ST_GeomFromEWKT(g) AS g FROM json_to_recordset(?::json) AS s(key text, name text, g text, ch boolean)),
          c AS (SELECT geom FROM org_units WHERE id = ?),
     outside AS (
       SELECT s.name, ST_CollectionExtract(ST_Difference(s.g, c.geom), 3) AS g FROM s, c WHERE s.ch AND NOT ST_CoveredBy(s.g, c.geom)),
     overlap AS (
       SELECT a.name || '与' || b.name AS name, ST_CollectionExtract(ST_Intersection(a.g, b.g), 3) AS g
       FROM s a JOIN s b ON a.key < b.key AND (a.ch OR b.ch) AND ST_Intersects(a.g, b.g)),
     gap AS (
       SELECT '社区' AS name, ST_CollectionExtract(ST_Difference(c.geom, (SELECT ST_Union(g) FROM s)), 3) AS g FROM c)
     SELECT kind, name, ST_AsGeoJSON(g, 6)::json AS geometry, ST_Area(g::geography) AS m2 FROM (
       SELECT 'outside' AS kind, name, g FROM outside UNION ALL
       SELECT 'overlap', name, g FROM overlap UNION ALL
       SELECT 'gap', name, g FROM gap) x
     WHERE NOT ST_IsEmpty(g) AND ST_Area(g::geography) > ?`,
      [src, community.id, TOLERANCE_M2],
    )
  ).rows as { kind: GridProblemKind; name: string; geometry: GeoJsonGeometry; m2: number }[];
  if (!r.length) return;
  for (const x of r)
    problems.push({
      type: 'Feature',
      geometry: x.geometry,
      properties: { kind: x.kind, label: PROBLEM_LABELS[x.kind], name: x.name, areaM2: Math.round(x.m2) },
    });
  const kinds = new Set(r.map((x) => x.kind));
  const parts: string[] = [];
  if (kinds.has('outside'))
    parts.push(
      `${r
        .filter((x) => x.kind === 'outside')
        .map((x) => x.name)
        .join('、')}超出${community.name}边界`,
    );
  if (kinds.has('overlap'))
    parts.push(
      `${r
        .filter((x) => x.kind === 'overlap')
        .map((x) => x.name)
        .join('、')}之间有重叠`,
    );
  if (kinds.has('gap')) parts.push(`${community.name}有 ${r.filter((x) => x.kind === 'gap').length} 处未被任何网格覆盖`);
  const status = kinds.has('outside') ? 422 : 409;
  throw new GridGeometryError(
    status,
    kinds.has('overlap') ? 'GRID_OVERLAP' : kinds.has('outside') ? 'GRID_OUTSIDE' : 'GRID_GAP',
    `保存被拒绝：${parts.join('；')}。地图上已标出问题区域，请调整后重新保存`,
    {
      type: 'FeatureCollection',
      features: problems,
    },
  );
}

interface GridRow {
  id: number;
  code: string;
  name: string;
  path: string;
  grid_type: string;
  parent_id: number;
  ewkt: string;
}

async function gridsOf(db: Q, communityId: number): Promise<GridRow[]> {
  return (await db('org_units')
    .where({ parent_id: communityId, type: 'grid', active: true })
    .whereNotNull('geom')
    .select('id', 'code', 'name', 'grid_type', 'parent_id', db.raw('path::text AS path'), db.raw('ST_AsEWKT(geom) AS ewkt'))
    .orderBy('path')) as GridRow[];
}

// ── re-assignment ───────────────────────────────────────────────────────────────────────────

export interface RegridSummary {
  /** Rows that changed grid, per table. */
  moved: Record<string, number>;
  /** From grid → to grid counts of located elements (buildings, merchants …). */
  flows: { fromGridId: number; toGridId: number; table: string; count: number }[];
  /** Located elements inside no grid of the community (left where they were). */
  unplaced: number;
  /** 包户 relations whose worker now sits in another grid (shown as 包户失效 in the coverage report). */
  coverageToReview: number;
}

const LOCATED = ['buildings', 'merchants', 'enterprises', 'institutions', 'public_facilities'] as const;
const TAG_TYPES: Record<string, string> = {
  buildings: 'building',
  merchants: 'merchant',
  enterprises: 'enterprise',
  institutions: 'institution',
  public_facilities: 'facility',
  households: 'household',
  residents: 'resident',
};
const COVERAGE_TYPES: Record<string, string> = {
  households: 'household',
  merchants: 'merchant',
  enterprises: 'enterprise',
  institutions: 'institution',
  public_facilities: 'facility',
};

/**
 * Moves every element of a community to the grid containing it; run inside the boundary change's
 * transaction. Index-bound: the located tables are probed by the community's path, everything
 * after that only by the ids that actually moved.
 */
export async function reassignCommunity(trx: Knex.Transaction, communityId: number): Promise<RegridSummary> {
  const c = (await trx('org_units').where({ id: communityId }).select(trx.raw('path::text AS path')).first()) as { path: string };
  const moved: Record<string, number> = {};
  const movedIds: Record<string, number[]> = {};
  const flows: RegridSummary['flows'] = [];
  let unplaced = 0;
  for (const table of LOCATED) {
    const r = (
      await trx.raw(
        `WITH cand AS (
         SELECT e.id, e.grid_id AS old_grid, g.id AS new_grid, g.path AS new_path
         FROM ${table} e
         LEFT JOIN LATERAL (
           SELECT g.id, g.path FROM org_units g
           WHERE g.parent_id = ? AND g.type = 'grid' AND g.active AND ST_Covers(g.geom, e.geom)
           ORDER BY g.id LIMIT 1) g ON true
         WHERE e.org_path <@ ?::ltree AND e.geom IS NOT NULL),
       up AS (
         UPDATE ${table} e SET grid_id = cand.new_grid, org_path = cand.new_path, updated_at = now()
         FROM cand WHERE e.id = cand.id AND cand.new_grid IS NOT NULL AND cand.new_grid <> cand.old_grid
         RETURNING e.id, cand.old_grid, cand.new_grid)
       SELECT old_grid, new_grid, count(*)::int AS n, array_agg(id) AS ids FROM up GROUP BY 1, 2
       UNION ALL SELECT NULL, NULL, count(*)::int, NULL FROM cand WHERE new_grid IS NULL`,
        [communityId, c.path],
      )
    ).rows as { old_grid: number | null; new_grid: number | null; n: number; ids: number[] | null }[];
    moved[table] = 0;
    movedIds[table] = [];
    for (const x of r) {
      if (x.old_grid === null) unplaced += x.n;
      else {
        moved[table] += x.n;
        movedIds[table].push(...(x.ids ?? []));
        flows.push({ fromGridId: x.old_grid, toGridId: x.new_grid as number, table, count: x.n });
      }
    }
  }
  // Rows under buildings follow their parent (house → building, household → house, resident →
  // household) — only under the parents that moved.
  const follow: [string, string, string][] = [
    ['houses', 'buildings', 'building_id'],
    ['households', 'houses', 'house_id'],
    ['residents', 'households', 'household_id'],
  ];
  for (const [child, parent, fk] of follow) {
    const parents = movedIds[parent] ?? [];
    const r = parents.length
      ? ((
          await trx.raw(
            `UPDATE ${child} x SET grid_id = p.grid_id, org_path = p.org_path, updated_at = now()
           FROM ${parent} p WHERE p.id = ANY(?::int[]) AND x.${fk} = p.id AND x.grid_id <> p.grid_id RETURNING x.id`,
            [parents],
          )
        ).rows as { id: number }[])
      : [];
    moved[child] = r.length;
    movedIds[child] = r.map((x) => x.id);
  }
  // Copied paths: 包户, 包联, element tags — for the moved ids only.
  for (const [table, type] of Object.entries(COVERAGE_TYPES)) {
    if (!movedIds[table]?.length) continue;
    await trx.raw(
      `UPDATE coverage_relations r SET org_path = e.org_path FROM ${table} e
       WHERE r.element_type = ? AND r.element_id = ANY(?::int[]) AND e.id = r.element_id AND r.org_path <> e.org_path`,
      [type, movedIds[table]],
    );
  }
  if (movedIds.residents?.length) {
    await trx.raw(
      `UPDATE care_relations r SET org_path = e.org_path FROM residents e
       WHERE r.resident_id = ANY(?::int[]) AND e.id = r.resident_id AND r.org_path <> e.org_path`,
      [movedIds.residents],
    );
  }
  for (const [table, type] of Object.entries(TAG_TYPES)) {
    if (!movedIds[table]?.length) continue;
    await trx.raw(
      `UPDATE element_tags t SET org_path = e.org_path FROM ${table} e
       WHERE t.element_type = ? AND t.element_id = ANY(?::int[]) AND e.id = t.element_id AND t.org_path <> e.org_path`,
      [type, movedIds[table]],
    );
  }
  const review = (
    await trx.raw(
      `SELECT count(*)::int AS n FROM coverage_relations r JOIN grid_workers w ON w.id = r.worker_id
     WHERE r.org_path <@ ?::ltree AND NOT (r.org_path <@ w.org_path)`,
      [c.path],
    )
  ).rows[0] as { n: number };
  return { moved, flows, unplaced, coverageToReview: review.n };
}

// ── save / split / merge ────────────────────────────────────────────────────────────────────

export interface GridSaveResult {
  gridIds: number[];
  summary: RegridSummary;
}

async function applyGeometries(trx: Knex.Transaction, updates: { id: number; ewkt: string }[]): Promise<void> {
  for (const u of updates) await trx.raw(`UPDATE org_units SET geom = ST_GeomFromEWKT(?), updated_at = now() WHERE id = ?`, [u.ewkt, u.id]);
}

async function lockCommunity(trx: Knex.Transaction, communityId: number): Promise<void> {
  // One boundary change per community at a time (a concurrent save would validate against stale neighbours).
  await trx.raw('SELECT id FROM org_units WHERE id = ? FOR UPDATE', [communityId]);
}

/**
 * Saves new polygons for one or more grids of a community (an edit of a shared boundary changes
 * two grids at once), validates the whole tiling, re-assigns the community's elements.
 */
export async function saveGridGeometries(
  db: Db,
  actor: Actor,
  input: { communityId: number; grids: { id: number; geometry: unknown }[] },
): Promise<GridSaveResult> {
  return db.transaction(async (trx) => {
    const community = await communityOf(trx, actor, input.communityId);
    await lockCommunity(trx, community.id);
    const current = await gridsOf(trx, community.id);
    const byId = new Map(current.map((g) => [g.id, g]));
    const updates: { id: number; ewkt: string }[] = [];
    for (const g of input.grids) {
      if (!byId.has(g.id)) throw new GridInputError('网格不属于该社区或已停用，请刷新地图后重试');
      updates.push({ id: g.id, ewkt: await toMulti(trx, g.geometry) });
    }
    const next = current.map((g) => {
      const u = updates.find((x) => x.id === g.id);
      return { key: String(g.id), name: g.name, ewkt: u?.ewkt ?? g.ewkt, changed: Boolean(u) };
    });
    await checkTiling(trx, community, next);
    await applyGeometries(trx, updates);
    const summary = await reassignCommunity(trx, community.id);
    return { gridIds: updates.map((u) => u.id), summary };
  });
}

/** Checks polygons without saving (the map's live validation). Returns the problems (empty when fine). */
export async function checkGridGeometries(
  db: Db,
  actor: Actor,
  input: { communityId: number; grids: { id: number | null; name?: string; geometry: unknown }[] },
): Promise<FeatureCollection> {
  const community = await communityOf(db, actor, input.communityId);
  const current = await gridsOf(db, community.id);
  const next: { key: string; name: string; ewkt: string; changed: boolean }[] = current.map((g) => ({
    key: String(g.id),
    name: g.name,
    ewkt: g.ewkt,
    changed: false,
  }));
  let i = 0;
  for (const g of input.grids) {
    const ewkt = await toMulti(db, g.geometry);
    const at = g.id === null ? -1 : next.findIndex((x) => x.key === String(g.id));
    if (at >= 0) next[at] = { ...next[at], ewkt, changed: true };
    else next.push({ key: `new${i++}`, name: g.name ?? '新网格', ewkt, changed: true });
  }
  try {
    await checkTiling(db, community, next);
    return { type: 'FeatureCollection', features: [] };
  } catch (e) {
    if (e instanceof GridGeometryError) return e.problems;
    throw e;
  }
}

async function nextGridLabel(trx: Knex.Transaction, community: CommunityRow): Promise<{ path: string; code: string; n: number }> {
  const r = (
    await trx.raw(
      `SELECT coalesce(max(substring(subpath(path, nlevel(path) - 1)::text FROM 2)::int), 0) AS n
     FROM org_units WHERE parent_id = (SELECT id FROM org_units WHERE path = ?::ltree) AND type = 'grid'
       AND subpath(path, nlevel(path) - 1)::text ~ '^g[0-9]+$'`,
      [community.path],
    )
  ).rows[0] as { n: number };
  const n = Number(r.n) + 1;
  const code = ((await trx('org_units').where({ id: community.id }).first('code')) as { code: string }).code;
  return { path: `${community.path}.g${String(n).padStart(2, '0')}`, code: `${code}${String(n).padStart(3, '0')}`, n };
}

/**
 * Splits a grid along a line drawn across it: the first part keeps the grid, each further part
 * becomes a new grid of the same type (names from `names`, else “原名-2” …).
 */
export async function splitGrid(db: Db, actor: Actor, input: { gridId: number; line: unknown; names?: string[] }): Promise<GridSaveResult> {
  const line = input.line as GeoJsonGeometry | undefined;
  if (line?.type !== 'LineString') throw new GridInputError('请在地图上画一条穿过网格的分割线');
  return db.transaction(async (trx) => {
    const grid = (await trx('org_units')
      .where({ id: input.gridId, type: 'grid', active: true })
      .select('id', 'name', 'grid_type', 'parent_id', trx.raw('path::text AS path'))
      .first()) as { id: number; name: string; grid_type: string; parent_id: number; path: string } | undefined;
    if (!grid) throw new GridInputError('网格不存在或已停用，请刷新地图后重试');
    const community = await communityOf(trx, actor, grid.parent_id);
    await lockCommunity(trx, community.id);
    const parts = (
      await trx.raw(
        `SELECT ST_AsEWKT(ST_Multi((d).geom)) AS ewkt FROM (
         SELECT ST_Dump(ST_CollectionExtract(ST_Split(geom, ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)), 3)) AS d FROM org_units WHERE id = ?) x
       ORDER BY ST_Area((d).geom) DESC`,
        [JSON.stringify(line), grid.id],
      )
    ).rows as { ewkt: string }[];
    if (parts.length < 2) throw new GridInputError('分割线须完整穿过网格（两端都在网格外），请重新绘制');
    await trx.raw('UPDATE org_units SET geom = ST_GeomFromEWKT(?), updated_at = now() WHERE id = ?', [parts[0].ewkt, grid.id]);
    const ids = [grid.id];
    for (let i = 1; i < parts.length; i++) {
      const label = await nextGridLabel(trx, community);
      const [row] = await trx('org_units')
        .insert({
          code: label.code,
          name: input.names?.[i] ?? `${grid.name}-${i + 1}`,
          type: 'grid',
          grid_type: grid.grid_type,
          parent_id: community.id,
          path: label.path,
          level: 5,
          sort: label.n,
          geom: trx.raw('ST_GeomFromEWKT(?)', [parts[i].ewkt]),
        })
        .returning('id');
      ids.push((row as { id: number }).id);
    }
    if (input.names?.[0]) await trx('org_units').where({ id: grid.id }).update({ name: input.names[0] });
    await checkTiling(
      trx,
      community,
      (await gridsOf(trx, community.id)).map((g) => ({ key: String(g.id), name: g.name, ewkt: g.ewkt })),
    );
    const summary = await reassignCommunity(trx, community.id);
    return { gridIds: ids, summary };
  });
}

/**
 * Merges grids of one community into the first one: the union becomes its polygon, the others are
 * deactivated and their workers move to the kept grid; elements are re-assigned.
 */
export async function mergeGrids(db: Db, actor: Actor, input: { gridIds: number[] }): Promise<GridSaveResult> {
  const ids = [...new Set(input.gridIds)];
  if (ids.length < 2) throw new GridInputError('请至少选择两个相邻网格进行合并');
  return db.transaction(async (trx) => {
    const grids = (await trx('org_units')
      .whereIn('id', ids)
      .where({ type: 'grid', active: true })
      .select('id', 'parent_id', 'name', trx.raw('path::text AS path'))) as {
      id: number;
      parent_id: number;
      name: string;
      path: string;
    }[];
    if (grids.length !== ids.length) throw new GridInputError('部分网格不存在或已停用，请刷新地图后重试');
    const parents = new Set(grids.map((g) => g.parent_id));
    if (parents.size !== 1) throw new GridInputError('只能合并同一社区内的网格');
    const community = await communityOf(trx, actor, grids[0].parent_id);
    await lockCommunity(trx, community.id);
    const keep = grids.find((g) => g.id === ids[0]) as { id: number; path: string };
    const merged = (
      await trx.raw(
        `SELECT ST_AsEWKT(ST_Multi(ST_Union(geom))) AS ewkt, ST_NumGeometries(ST_Union(geom)) AS parts FROM org_units WHERE id = ANY(?::int[])`,
        [ids],
      )
    ).rows[0] as { ewkt: string; parts: number };
    if (merged.parts > 1) throw new GridInputError('所选网格不相邻，合并后会成为不连续的区域，请选择相邻网格');
    await trx.raw('UPDATE org_units SET geom = ST_GeomFromEWKT(?), updated_at = now() WHERE id = ?', [merged.ewkt, keep.id]);
    const others = ids.filter((id) => id !== keep.id);
    await trx('grid_workers').whereIn('grid_id', others).update({ grid_id: keep.id, org_path: keep.path });
    // Accounts sitting in a merged-away grid (its workers, staff) move to the kept grid, or they would log into a dead unit.
    for (const u of (await trx('users').whereIn('org_id', others).select('id')) as { id: number }[])
      await updateUserRow(trx, u.id, { orgId: keep.id, orgPath: keep.path, now: new Date() });
    await trx('org_units').whereIn('id', others).update({ active: false, geom: null, updated_at: trx.fn.now() });
    const summary = await reassignCommunity(trx, community.id);
    return { gridIds: [keep.id], summary };
  });
}

// ── statistics (D-3) ────────────────────────────────────────────────────────────────────────

export interface GridStats {
  gridId: number;
  code: string;
  name: string;
  gridType: string | null;
  orgPath: string;
  areaKm2: number;
  buildings: number;
  households: number;
  population: number;
  merchants: number;
  enterprises: number;
  institutions: number;
  facilities: number;
  workers: number;
  /** F-1 forces in post (not left): 专职 / 兼职 / 专属, and the 网格长's name (null: none). */
  fullTime: number;
  partTime: number;
  exclusive: number;
  leaderName: string | null;
  leaders: number;
}

/** Per-grid statistics in scope (or under `orgPath`). */
export async function gridStatistics(db: Db, actor: Actor, p: { orgPath?: string } = {}): Promise<GridStats[]> {
  const count = (table: string, extra = '') => `(SELECT count(*) FROM ${table} x WHERE x.grid_id = g.id ${extra})::int`;
  const q = scoped(
    db('org_units as g')
      .where({ 'g.type': 'grid', 'g.active': true })
      .select(
        'g.id as gridId',
        'g.code',
        'g.name',
        'g.grid_type as gridType',
        db.raw('g.path::text AS "orgPath"'),
        db.raw('round((coalesce(ST_Area(g.geom::geography), 0) / 1e6)::numeric, 3)::float8 AS "areaKm2"'),
        db.raw(`${count('buildings')} AS buildings`),
        db.raw(`${count('households')} AS households`),
        db.raw(`${count('residents', `AND x.dynamic_status = '在册'`)} AS population`),
        db.raw(`${count('merchants')} AS merchants`),
        db.raw(`${count('enterprises')} AS enterprises`),
        db.raw(`${count('institutions')} AS institutions`),
        db.raw(`${count('public_facilities')} AS facilities`),
        db.raw(`${count('grid_workers', `AND x.status <> 'left'`)} AS workers`),
        db.raw(`${count('grid_workers', `AND x.status <> 'left' AND x.kind = 'full_time'`)} AS "fullTime"`),
        db.raw(`${count('grid_workers', `AND x.status <> 'left' AND x.kind = 'part_time'`)} AS "partTime"`),
        db.raw(`${count('grid_workers', `AND x.status <> 'left' AND x.kind = 'exclusive'`)} AS exclusive`),
        db.raw(`${count('grid_workers', `AND x.status <> 'left' AND x.sub_kind = 'leader'`)} AS leaders`),
        db.raw(
          `(SELECT string_agg(x.name, '、' ORDER BY x.id) FROM grid_workers x WHERE x.grid_id = g.id AND x.status <> 'left' AND x.sub_kind = 'leader') AS "leaderName"`,
        ),
      ),
    actor,
    'g.path',
    'read',
  ).orderBy('g.path');
  if (p.orgPath) q.whereRaw('g.path <@ ?::ltree', [p.orgPath]);
  return (await q) as GridStats[];
}

/** Updates a grid's name and type (basic / exclusive). */
export async function updateGridInfo(
  db: Db,
  actor: Actor,
  gridId: number,
  input: { name?: string; gridType?: 'basic' | 'exclusive' },
): Promise<boolean> {
  const g = (await db('org_units').where({ id: gridId, type: 'grid' }).select(db.raw('path::text AS path')).first()) as
    | { path: string }
    | undefined;
  if (!g) return false;
  assertInScope(actor, g.path, 'write');
  if (input.gridType === 'basic') {
    // F-1: 专属网格员 serve in exclusive grids only — move them out before the grid becomes basic.
    const n = Number(
      (await db('grid_workers').where({ grid_id: gridId, kind: 'exclusive' }).whereNot('status', 'left').count({ n: '*' }).first())?.n,
    );
    if (n) throw new GridInputError(`该网格有 ${n} 名专属网格员，专属网格员只能配置在专属网格；请先将其调往其他专属网格，再改为基础网格`);
  }
  const patch: Record<string, unknown> = { updated_at: db.fn.now() };
  if (input.name) patch.name = input.name;
  if (input.gridType) patch.grid_type = input.gridType;
  await db('org_units').where({ id: gridId }).update(patch);
  return true;
}
