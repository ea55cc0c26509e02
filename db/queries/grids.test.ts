import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../scope';
import { createTestDb, type TestDb } from '../testing/server';
import { checkGridGeometries, GridGeometryError, gridStatistics, mergeGrids, orgLayer, saveGridGeometries, splitGrid } from './grids';
import { ensureStandardTags } from './tags/catalogue';
import { recomputeAllTags } from './tags/compute';

let t: TestDb;
let city: Actor;
interface Box {
  id: number;
  name: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  parent_id: number;
}
let a: Box;
let b: Box;

const rect = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});

async function boxes(communityId: number): Promise<Box[]> {
  return (await t
    .db('org_units')
    .where({ parent_id: communityId, type: 'grid', active: true })
    .select('id', 'name', 'parent_id', t.db.raw('ST_XMin(geom) x0, ST_YMin(geom) y0, ST_XMax(geom) x1, ST_YMax(geom) y1'))
    .orderBy('path')) as Box[];
}

beforeAll(async () => {
  t = await createTestDb();
  const c = (await t.db('org_units').where({ type: 'city' }).select('id', t.db.raw('path::text AS path')).first()) as {
    id: number;
    path: string;
  };
  city = { userId: 1, username: 't', orgId: c.id, orgPath: c.path, roles: [], permissions: new Set(), grants: [] };
  const community = (await t.db('org_units').where({ type: 'community' }).orderBy('path').first()) as { id: number };
  [a, b] = await boxes(community.id); // side by side: a | b, same y range
  expect(a.x1).toBe(b.x0);
  await ensureStandardTags(t.db);
  await recomputeAllTags(t.db, { asOf: '2026-11-24' });
});
afterAll(async () => t?.drop());

async function expectRefused(p: Promise<unknown>, status: number, kind: string): Promise<GridGeometryError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(GridGeometryError);
    const g = e as GridGeometryError;
    expect(g.status).toBe(status);
    expect(g.problems.features.map((f) => f.properties.kind)).toContain(kind);
    expect(g.message).toMatch(/保存被拒绝|图形无效/);
    return g;
  }
  throw new Error('save was not refused');
}

describe('D-1 validation', () => {
  it('D-1 a grid grown into its neighbour is refused (409) with the overlap as GeoJSON; nothing is saved', async () => {
    const grown = rect(a.x0, a.y0, a.x1 + 0.005, a.y1);
    const e = await expectRefused(
      saveGridGeometries(t.db, city, { communityId: a.parent_id, grids: [{ id: a.id, geometry: grown }] }),
      409,
      'overlap',
    );
    const overlap = e.problems.features.find((f) => f.properties.kind === 'overlap');
    expect(overlap?.geometry.type).toMatch(/Polygon/);
    expect(JSON.stringify(overlap?.geometry)).toContain(String(a.x1 + 0.005));
    expect(e.message).toContain('重叠');
    const after = (await boxes(a.parent_id))[0];
    expect(after.x1).toBe(a.x1);
    // the same check without saving (live validation on the map)
    const live = await checkGridGeometries(t.db, city, { communityId: a.parent_id, grids: [{ id: a.id, geometry: grown }] });
    expect(live.features.some((f) => f.properties.kind === 'overlap')).toBe(true);
  });

  it('D-1 a shrunk grid leaves a gap (409), a polygon outside the community (422), a bow-tie is invalid (422)', async () => {
    await expectRefused(
      saveGridGeometries(t.db, city, { communityId: a.parent_id, grids: [{ id: a.id, geometry: rect(a.x0, a.y0, a.x1 - 0.005, a.y1) }] }),
      409,
      'gap',
    );
    await expectRefused(
      saveGridGeometries(t.db, city, { communityId: a.parent_id, grids: [{ id: a.id, geometry: rect(a.x0 - 0.01, a.y0, a.x1, a.y1) }] }),
      422,
      'outside',
    );
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [a.x0, a.y0],
          [a.x1, a.y1],
          [a.x1, a.y0],
          [a.x0, a.y1],
          [a.x0, a.y0],
        ],
      ],
    };
    await expectRefused(
      saveGridGeometries(t.db, city, { communityId: a.parent_id, grids: [{ id: a.id, geometry: bowtie }] }),
      422,
      'invalid',
    );
  });
});

describe('D-2 boundary changes re-assign elements', () => {
  it('D-2 moving the shared boundary moves buildings on the strip with their houses, households, residents, relations and tags in one transaction', async () => {
    // Put the new boundary just left of grid a's easternmost building, so at least one building moves.
    const east = Number(
      (
        await t
          .db('buildings')
          .where('grid_id', a.id)
          .max({ x: t.db.raw('ST_X(geom)') })
          .first()
      )?.x,
    );
    const mid = Math.round((east - 0.0001) * 1e6) / 1e6;
    const strip = (await t.db('buildings').where('grid_id', a.id).whereRaw('ST_X(geom) > ?', [mid]).pluck('id')) as number[];
    const residentsOnStrip = Number(
      (
        await t
          .db('residents as r')
          .join('households as h', 'h.id', 'r.household_id')
          .join('houses as ho', 'ho.id', 'h.house_id')
          .whereIn('ho.building_id', strip)
          .count({ n: '*' })
          .first()
      )?.n,
    );
    expect(strip.length).toBeGreaterThan(0);
    const r = await saveGridGeometries(t.db, city, {
      communityId: a.parent_id,
      grids: [
        { id: a.id, geometry: rect(a.x0, a.y0, mid, a.y1) },
        { id: b.id, geometry: rect(mid, b.y0, b.x1, b.y1) },
      ],
    });
    expect(r.summary.moved.buildings).toBe(strip.length);
    expect(r.summary.moved.residents).toBe(residentsOnStrip);
    {
      expect(r.summary.flows).toContainEqual({ fromGridId: a.id, toGridId: b.id, table: 'buildings', count: strip.length });
      const bPath = (await t.db('org_units').where({ id: b.id }).select(t.db.raw('path::text AS p')).first()).p as string;
      const stray = await t
        .db('residents as r')
        .join('households as h', 'h.id', 'r.household_id')
        .join('houses as ho', 'ho.id', 'h.house_id')
        .whereIn('ho.building_id', strip)
        .whereRaw('(r.grid_id <> ? OR r.org_path <> ?::ltree OR h.grid_id <> ?)', [b.id, bPath, b.id])
        .first();
      expect(stray).toBeUndefined();
      const staleTags = await t
        .db('element_tags as et')
        .join('residents as r', (j) => j.on('r.id', 'et.element_id').andOnVal('et.element_type', 'resident'))
        .whereRaw('et.org_path <> r.org_path')
        .first();
      expect(staleTags).toBeUndefined();
      const staleCoverage = await t
        .db('coverage_relations as c')
        .join('households as h', (j) => j.on('h.id', 'c.element_id').andOnVal('c.element_type', 'household'))
        .whereRaw('c.org_path <> h.org_path')
        .first();
      expect(staleCoverage).toBeUndefined();
      expect(r.summary.coverageToReview).toBeGreaterThan(0);
    }
  });

  it('D-2 split a grid along a line, then merge the parts back (accounts of the merged grid move along); D-3 statistics add up', async () => {
    const [g] = await boxes(a.parent_id);
    const x = Math.round(((g.x0 + g.x1) / 2) * 1e6) / 1e6;
    const line = {
      type: 'LineString',
      coordinates: [
        [x, g.y0 - 0.01],
        [x, g.y1 + 0.01],
      ],
    };
    const split = await splitGrid(t.db, city, { gridId: g.id, line });
    expect(split.gridIds).toHaveLength(2);
    const newId = split.gridIds[1];
    const created = (await t.db('org_units').where({ id: newId }).select('name', 'grid_type', t.db.raw('path::text AS path')).first()) as {
      name: string;
      path: string;
    };
    expect(created.name).toContain('-2');
    const inNew = Number((await t.db('buildings').where('grid_id', newId).count({ n: '*' }).first())?.n);
    expect(inNew).toBeGreaterThan(0);
    expect(inNew).toBe(split.summary.moved.buildings);
    const stats = await gridStatistics(t.db, city, {});
    const totalHouseholds = Number((await t.db('households').count({ n: '*' }).first())?.n);
    expect(stats.reduce((s, r) => s + r.households, 0)).toBe(totalHouseholds);
    expect(stats.find((s) => s.gridId === newId)?.areaKm2).toBeGreaterThan(0);
    // F-1 an account placed in the new grid (its 网格员) follows the merge into the kept grid.
    const [acc] = await t
      .db('users')
      .insert({ username: 'd2_merge', display_name: '新网格网格员', password_hash: 'x', org_id: newId, org_path: created.path })
      .returning('id');
    const merged = await mergeGrids(t.db, city, { gridIds: [g.id, newId] });
    expect(merged.summary.moved.buildings).toBe(inNew);
    expect((await t.db('org_units').where({ id: newId }).first()).active).toBe(false);
    const keptPath = (await t.db('org_units').where({ id: g.id }).first(t.db.raw('path::text AS path'))).path;
    expect(
      await t
        .db('users')
        .where({ id: (acc as { id: number }).id })
        .first('org_id', t.db.raw('org_path::text AS path')),
    ).toEqual({
      org_id: g.id,
      path: keptPath,
    });
    const layer = await orgLayer(t.db, city, { type: 'grid' });
    expect(layer.features.some((f) => f.properties.id === newId)).toBe(false);
    expect(layer.features[0].properties.label).toBeTruthy();
  });
});
