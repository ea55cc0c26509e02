import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../connection';
import type { Actor } from '../../scope';
import { createTestDb, type TestDb } from '../../testing/server';
import { getOrgTree, getOrgUnit, listOrgChildren } from '../orgs';
import { getBuilding, getBuildingFloorPlan, getHouse, listBuildings, listHouses } from './buildings';
import { ElementValidationError } from './common';
import { getGridWorker, listGridWorkers } from './gridWorkers';
import { getHousehold, listHouseholds } from './households';
import { addCareRelation, assignCoverage, coverageReport, listCareRelations, listCoverage, removeCareRelation } from './relations';

let t: TestDb;
let db: Db;
const A = 'km.d01.s01.c01';
const B = 'km.d01.s01.c02';

function actor(path: string): Actor {
  return { userId: 1, username: 'tester', orgId: 1, orgPath: path, roles: [], permissions: new Set(), grants: [] };
}

async function firstId(table: string, path: string, extra: (q: ReturnType<Db>) => void = () => {}): Promise<number> {
  const q = db(table).whereRaw('org_path <@ ?::ltree', [path]).orderBy('id').first('id');
  extra(q);
  const row = (await q) as { id: number } | undefined;
  if (!row) throw new Error(`no ${table} under ${path}`);
  return row.id;
}

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
});
afterAll(async () => {
  await t.drop();
});

describe('households, buildings, houses (G-1, G-2)', () => {
  it('G-2 household list is scoped and the detail links house, building, grid, members and 包户 worker', async () => {
    const list = await listHouseholds(db, actor(A), { pageSize: 200 });
    expect(list.total).toBeGreaterThan(0);
    expect(list.rows.every((r) => r.orgPath.startsWith(`${A}.`) && r.coverageWorkerId)).toBe(true);
    const id = list.rows[0].id;
    const d = await getHousehold(db, actor(A), id);
    expect(d?.members.length).toBe(d?.memberCount);
    expect(d?.members[0].relationToHead).toBe('户主');
    expect(d?.building.id).toBeGreaterThan(0);
    expect(d?.grid.path.startsWith(`${A}.`)).toBe(true);
    expect(await getHousehold(db, actor(B), id)).toBeUndefined();
  });

  it('G-1 building list, detail and 楼盘表 (unit → floor → room → households) inside the scope only', async () => {
    const bl = await listBuildings(db, actor(A), { pageSize: 100 });
    expect(bl.rows.length).toBeGreaterThan(0);
    const withHouseholds = (await db('buildings as b')
      .whereRaw('b.org_path <@ ?::ltree', [A])
      .whereExists(db('households as hh').join('houses as h', 'h.id', 'hh.house_id').whereRaw('h.building_id = b.id'))
      .first('b.id')) as { id: number };
    const b = await getBuilding(db, actor(A), withHouseholds.id);
    expect(b?.householdCount).toBeGreaterThan(0);
    expect(b?.location?.[0]).toBeGreaterThan(84);
    const plan = await getBuildingFloorPlan(db, actor(A), withHouseholds.id);
    const cells = plan?.units.flatMap((u) => u.floors.flatMap((f) => f.houses)) ?? [];
    expect(cells.length).toBe(b?.houseCount);
    expect(plan?.units[0].floors[0].floor).toBe(b?.floors); // top floor first
    const occupied = cells.filter((c) => c.households.length > 0);
    expect(occupied.reduce((s, c) => s + c.residentCount, 0)).toBe(b?.residentCount);
    expect(await getBuildingFloorPlan(db, actor(B), withHouseholds.id)).toBeUndefined();
    expect(await getBuilding(db, actor(B), withHouseholds.id)).toBeUndefined();
    const houses = await listHouses(db, actor(A), { buildingId: withHouseholds.id, pageSize: 200 });
    expect(houses.total).toBe(b?.houseCount);
    expect(await getHouse(db, actor(B), houses.rows[0].id)).toBeUndefined();
  });
});

describe('grid workers and relations (G-5, G-6, F-1)', () => {
  it('F-1 / G-5 a basic grid lists one 网格长 and its workers with workload; other communities cannot see them', async () => {
    const grid = `${A}.g01`;
    const ws = await listGridWorkers(db, actor(A), { orgPath: grid, pageSize: 50 });
    expect(ws.rows.filter((w) => w.kind === 'full_time' && w.subKind === 'leader')).toHaveLength(1);
    expect(ws.rows.some((w) => w.kind === 'part_time')).toBe(true);
    const covered = ws.rows.reduce((s, w) => s + w.coverageCount, 0);
    const elements = await db.raw(
      `SELECT (SELECT count(*) FROM households WHERE org_path = ?::ltree) + (SELECT count(*) FROM merchants WHERE org_path = ?::ltree)
       + (SELECT count(*) FROM enterprises WHERE org_path = ?::ltree) + (SELECT count(*) FROM institutions WHERE org_path = ?::ltree)
       + (SELECT count(*) FROM public_facilities WHERE org_path = ?::ltree) AS n`,
      [grid, grid, grid, grid, grid],
    );
    expect(covered).toBe(Number(elements.rows[0].n));
    expect(ws.rows[0].phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(await getGridWorker(db, actor(B), ws.rows[0].id)).toBeUndefined();
  });

  it('G-6 the 包户 report shows full coverage; reassignment stays single; wrong grid or scope is refused', async () => {
    const report = await coverageReport(db, actor(A));
    for (const r of report) {
      expect(r.uncovered, r.elementType).toBe(0);
      expect(r.doubleCovered).toBe(0);
    }
    expect(report.find((r) => r.elementType === 'household')?.total).toBeGreaterThan(0);

    const hh = await firstId('households', `${A}.g01`);
    const members = (await db('grid_workers')
      .whereRaw('org_path = ?::ltree', [`${A}.g01`])
      .where('kind', 'full_time')
      .orderBy('id')
      .pluck('id')) as number[];
    const current = (await db('coverage_relations').where({ element_type: 'household', element_id: hh }).first()) as { worker_id: number };
    const next = members.find((m) => m !== current.worker_id) as number;
    expect(await assignCoverage(db, actor(A), { elementType: 'household', elementId: hh, workerId: next })).toBe(true);
    const rows = await db('coverage_relations').where({ element_type: 'household', element_id: hh });
    expect(rows).toHaveLength(1);
    expect(rows[0].worker_id).toBe(next);
    const listed = await listCoverage(db, actor(A), { elementType: 'household', workerId: next, pageSize: 200 });
    expect(listed.rows.some((r) => r.elementId === hh)).toBe(true);

    // A worker of another grid in the same community: refused with a field error.
    const otherGridWorker = await firstId('grid_workers', `${A}.g02`, (q) => q.where('kind', 'full_time'));
    await expect(
      assignCoverage(db, actor(A), { elementType: 'household', elementId: hh, workerId: otherGridWorker }),
    ).rejects.toBeInstanceOf(ElementValidationError);
    // Part-time workers cannot 包户 households.
    const partTime = await firstId('grid_workers', `${A}.g01`, (q) => q.where('kind', 'part_time'));
    await expect(assignCoverage(db, actor(A), { elementType: 'household', elementId: hh, workerId: partTime })).rejects.toBeInstanceOf(
      ElementValidationError,
    );
    // An actor of community B cannot touch A's element.
    expect(await assignCoverage(db, actor(B), { elementType: 'household', elementId: hh, workerId: next })).toBe(false);

    // Removing a relation shows up as uncovered in the report and the uncovered list.
    await db('coverage_relations').where({ element_type: 'household', element_id: hh }).delete();
    const after = await coverageReport(db, actor(A));
    expect(after.find((r) => r.elementType === 'household')?.uncovered).toBe(1);
    const uncovered = await listCoverage(db, actor(A), { elementType: 'household', uncovered: true });
    expect(uncovered.rows.map((r) => r.elementId)).toEqual([hh]);
    expect((await listHouseholds(db, actor(A), { uncovered: true })).rows.map((r) => r.id)).toEqual([hh]);
  });

  it('G-6 包联: several forces care for one person; duplicates and out-of-scope are refused', async () => {
    const resident = await firstId('residents', `${A}.g01`);
    const volunteer = await firstId('grid_workers', `${A}.g01`, (q) => q.where('part_time_type', '志愿者'));
    const id = await addCareRelation(db, actor(A), { residentId: resident, workerId: volunteer, role: 'volunteer', careType: 'disabled' });
    expect(id).toBeGreaterThan(0);
    await expect(
      addCareRelation(db, actor(A), { residentId: resident, workerId: volunteer, role: 'volunteer', careType: 'disabled' }),
    ).rejects.toBeInstanceOf(ElementValidationError);
    expect(
      await addCareRelation(db, actor(B), { residentId: resident, workerId: volunteer, role: 'volunteer', careType: 'disabled' }),
    ).toBeUndefined();
    const list = await listCareRelations(db, actor(A), { residentId: resident });
    expect(list.rows.some((r) => r.id === id && r.careType === 'disabled')).toBe(true);
    expect((await listCareRelations(db, actor(B), { residentId: resident })).total).toBe(0);
    expect(await removeCareRelation(db, actor(B), id as number)).toBe(false);
    expect(await removeCareRelation(db, actor(A), id as number)).toBe(true);
  });
});

describe('org tree (scope)', () => {
  it('G-5 a community actor sees its community and grids, ancestors only as context, no other community', async () => {
    const tree = await getOrgTree(db, actor(A));
    expect(tree).toHaveLength(1);
    expect(tree[0].type).toBe('city');
    expect(tree[0].inScope).toBe(false);
    const community = tree[0].children[0].children[0].children[0];
    expect(community.path).toBe(A);
    expect(community.inScope).toBe(true);
    expect(community.children.length).toBeGreaterThan(1);
    expect(community.children.every((g) => g.type === 'grid' && g.inScope)).toBe(true);
    const flat = JSON.stringify(tree);
    expect(flat).not.toContain(`"path":"${B}"`);
    const commRow = (await db('org_units').where('path', A).first('id')) as { id: number };
    const bRow = (await db('org_units').where('path', B).first('id')) as { id: number };
    expect((await listOrgChildren(db, actor(A), commRow.id)).length).toBe(community.children.length);
    expect(await listOrgChildren(db, actor(A), bRow.id)).toEqual([]);
    const unit = await getOrgUnit(db, actor(A), commRow.id);
    expect(unit?.geometry).toMatchObject({ type: 'MultiPolygon' });
    expect(unit?.areaM2).toBeGreaterThan(1000);
    expect(await getOrgUnit(db, actor(A), bRow.id)).toBeUndefined();
  });
});
