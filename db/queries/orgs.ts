/**
 * Org tree reads (组织机构) within the actor's scope: the units at and below the user's org (and
 * grants), plus the ancestors so a tree can be drawn from the root. Departments (职能部门) are
 * returned when they lie in the scope.
 */
import type { Db } from '../connection';
import type { Actor } from '../scope';
import { scoped, scopePaths } from '../scope';

export type OrgType = 'city' | 'district' | 'street' | 'community' | 'grid' | 'department';

export interface OrgUnitRow {
  id: number;
  code: string;
  name: string;
  type: OrgType;
  gridType: 'basic' | 'exclusive' | null;
  parentId: number | null;
  path: string;
  level: number;
  sort: number;
  /** false for ancestors shown only to connect the tree (outside the scope). */
  inScope: boolean;
}

export interface OrgTreeNode extends OrgUnitRow {
  children: OrgTreeNode[];
}

const COLUMNS = ['id', 'code', 'name', 'type', 'grid_type as gridType', 'parent_id as parentId', 'level', 'sort'];

export interface OrgTreeOptions {
  /** Deepest level returned (5 = grids). Default 5. */
  maxLevel?: number;
  /** Only units under this path (inside the scope). */
  under?: string;
}

/** Units in scope (plus their ancestors, flagged inScope=false), ordered by path. */
export async function listOrgUnits(db: Db, actor: Actor, opts: OrgTreeOptions = {}): Promise<OrgUnitRow[]> {
  const q = scoped(db('org_units as o').select(...COLUMNS.map((c) => `o.${c}`), db.raw('o.path::text AS path')), actor, 'o.path', 'read')
    .where('o.active', true)
    .orderBy('o.path');
  if (opts.maxLevel) q.where('o.level', '<=', opts.maxLevel);
  if (opts.under) q.whereRaw('o.path <@ ?::ltree', [opts.under]);
  const rows = (await q) as Omit<OrgUnitRow, 'inScope'>[];
  const ancestors = (await db('org_units as o')
    .select(...COLUMNS.map((c) => `o.${c}`), db.raw('o.path::text AS path'))
    .whereRaw('o.path @> ANY(?::ltree[])', [scopePaths(actor, 'read')])
    .whereRaw('NOT (o.path <@ ANY(?::ltree[]))', [scopePaths(actor, 'read')])
    .orderBy('o.path')) as Omit<OrgUnitRow, 'inScope'>[];
  return [...ancestors.map((r) => ({ ...r, inScope: false })), ...rows.map((r) => ({ ...r, inScope: true }))];
}

/** The same units as a tree (roots: the topmost units returned). */
export async function getOrgTree(db: Db, actor: Actor, opts: OrgTreeOptions = {}): Promise<OrgTreeNode[]> {
  const rows = await listOrgUnits(db, actor, opts);
  const nodes = new Map<number, OrgTreeNode>();
  for (const r of rows) nodes.set(r.id, { ...r, children: [] });
  const roots: OrgTreeNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.parentId === null ? undefined : nodes.get(n.parentId);
    if (parent) parent.children.push(n);
    else roots.push(n);
  }
  const sortRec = (list: OrgTreeNode[]) => {
    list.sort((a, b) => a.sort - b.sort || a.path.localeCompare(b.path));
    for (const n of list) sortRec(n.children);
  };
  sortRec(roots);
  return roots;
}

/** Direct children of a unit (lazy tree loading); empty when the unit is outside the scope. */
export async function listOrgChildren(db: Db, actor: Actor, parentId: number): Promise<OrgUnitRow[]> {
  const rows = (await scoped(
    db('org_units as o').select(...COLUMNS.map((c) => `o.${c}`), db.raw('o.path::text AS path')),
    actor,
    'o.path',
    'read',
  )
    .where({ 'o.parent_id': parentId, 'o.active': true })
    .orderBy([{ column: 'o.sort' }, { column: 'o.path' }])) as Omit<OrgUnitRow, 'inScope'>[];
  return rows.map((r) => ({ ...r, inScope: true }));
}

export interface OrgUnitDetail extends OrgUnitRow {
  /** GeoJSON MultiPolygon of the unit's area (district … grid), if any. */
  geometry: unknown | null;
  /** Area in square metres (geodesic). */
  areaM2: number | null;
}

/** One unit with its polygon; undefined when absent or outside the scope. */
export async function getOrgUnit(db: Db, actor: Actor, id: number): Promise<OrgUnitDetail | undefined> {
  const row = (await scoped(
    db('org_units as o')
      .select(
        ...COLUMNS.map((c) => `o.${c}`),
        db.raw('o.path::text AS path'),
        db.raw('ST_AsGeoJSON(o.geom)::json AS geometry'),
        db.raw('ST_Area(o.geom::geography)::float8 AS "areaM2"'),
      )
      .where('o.id', id),
    actor,
    'o.path',
    'read',
  ).first()) as Omit<OrgUnitDetail, 'inScope'> | undefined;
  return row ? { ...row, inScope: true } : undefined;
}
