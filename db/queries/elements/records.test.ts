/**
 * The generic element module on the generated demo city (G-1, G-4, G-5): every type lists inside
 * the scope with its display name and masked phones, sorts both ways, finds by natural key, and
 * the detail carries the 包户 worker and the links the pages click through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../connection';
import type { Actor } from '../../scope';
import { createTestDb, type TestDb } from '../../testing/server';
import { ElementValidationError } from './common';
import { getRecord, listRecords, RECORD_TYPES, RECORDS, updateRecord } from './records';

let t: TestDb;
let db: Db;
const A = 'km.d01.s01.c01';
const B = 'km.d01.s01.c02';

function actor(path: string): Actor {
  return { userId: 1, username: 'tester', orgId: 1, orgPath: path, roles: [], permissions: new Set(), grants: [] };
}

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
});
afterAll(async () => {
  await t.drop();
});

describe('generic element records on the demo city', () => {
  it('G-4 every type: the list holds only rows of the scope, named, phones masked; a detail outside the scope is absent', async () => {
    for (const type of RECORD_TYPES) {
      const page = await listRecords(db, actor(A), type, { pageSize: 200 });
      expect(page.total, type).toBeGreaterThan(0);
      for (const r of page.rows) {
        expect(r.orgPath.startsWith(`${A}.`), type).toBe(true);
        expect(typeof r.name === 'string' && r.name.length > 0, type).toBe(true);
        for (const p of RECORDS[type].phones) if (r[p.field] !== null) expect(r[p.field], type).toMatch(/^\d{3}\*{4}\d{4}$/);
      }
      const d = await getRecord(db, actor(A), type, page.rows[0].id);
      expect(d?.orgChain.map((o) => o.path).at(-1), type).toBe(page.rows[0].orgPath);
      expect(await getRecord(db, actor(B), type, page.rows[0].id), type).toBeUndefined();
    }
  });

  it('G-4 sorts by name both ways and pages without overlap', async () => {
    const asc = await listRecords(db, actor('km.d01'), 'merchant', { sort: 'name', pageSize: 10 });
    const names = asc.rows.map((r) => r.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const desc = await listRecords(db, actor('km.d01'), 'merchant', { sort: 'name', order: 'desc', pageSize: 10 });
    expect(desc.rows[0].name >= desc.rows[9].name).toBe(true);
    const second = await listRecords(db, actor('km.d01'), 'merchant', { sort: 'name', page: 2, pageSize: 10 });
    expect(second.rows.some((r) => asc.rows.some((x) => x.id === r.id))).toBe(false);
  });

  it('G-4 enterprises are found by credit code; the detail names the 包户 worker', async () => {
    const e = (await db('enterprises').whereRaw('org_path <@ ?::ltree', [A]).first()) as { id: number; credit_code: string };
    const found = await listRecords(db, actor(A), 'enterprise', { q: e.credit_code.toLowerCase() });
    expect(found.rows.map((r) => r.id)).toEqual([e.id]);
    const d = await getRecord(db, actor(A), 'enterprise', e.id);
    const cover = (await db('coverage_relations as c')
      .join('grid_workers as w', 'w.id', 'c.worker_id')
      .where({ 'c.element_type': 'enterprise', 'c.element_id': e.id })
      .first('w.id', 'w.name')) as { id: number; name: string };
    expect(d?.coverage).toEqual({ workerId: cover.id, workerName: cover.name });
    expect(d?.location?.lon).toBeGreaterThan(80);
  });

  it('G-1 a house with households links its building, households and their residents', async () => {
    const h = (await db('houses as h')
      .whereRaw('h.org_path <@ ?::ltree', [A])
      .whereExists(db('households as hh').whereRaw('hh.house_id = h.id'))
      .first('h.id', 'h.building_id')) as { id: number; building_id: number };
    const d = await getRecord(db, actor(A), 'house', h.id);
    expect(d?.links[0]).toMatchObject({ type: 'building', id: h.building_id });
    const residents = (await db('residents as r')
      .join('households as hh', 'hh.id', 'r.household_id')
      .where('hh.house_id', h.id)
      .pluck('r.id')) as number[];
    expect(
      d?.links
        .filter((l) => l.type === 'resident')
        .map((l) => l.id)
        .sort(),
    ).toEqual(residents.sort());
  });

  it('G-5 filters by status, refuses a status filter where the type has none, and moving a worker to another grid moves its path', async () => {
    const active = await listRecords(db, actor(A), 'grid_worker', { status: 'active', pageSize: 200 });
    expect(active.rows.every((r) => r.status === 'active')).toBe(true);
    await expect(listRecords(db, actor(A), 'institution', { status: '正常' })).rejects.toBeInstanceOf(ElementValidationError);
    // A 网格员 (a 网格长 cannot move into a grid that has one: F-1, see api/routes/elements.test.ts).
    const w = active.rows.find((r) => r.subKind === 'member') as (typeof active.rows)[number];
    const otherGrid = (await db('org_units')
      .where({ type: 'grid' })
      .whereRaw('path <@ ?::ltree', [A])
      .whereNot('id', w.gridId)
      .first('id', db.raw('path::text AS path'))) as { id: number; path: string };
    const moved = await updateRecord(db, actor(A), 'grid_worker', w.id, { gridId: otherGrid.id }, { reason: '调整网格' });
    expect(moved).toMatchObject({ version: w.version + 1, orgPath: otherGrid.path, grid: { id: otherGrid.id } });
    expect(await updateRecord(db, actor(B), 'grid_worker', w.id, { name: '越权' })).toBeUndefined();
  });
});
