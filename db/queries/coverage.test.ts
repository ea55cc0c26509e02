import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../scope';
import { createTestDb, type TestDb } from '../testing/server';
import { assignBuilding, bulkAssign, coverageProblems, coverageRates, setCareTeam, specialPersons } from './coverage';
import { ensureStandardTags } from './tags/catalogue';
import { recomputeAllTags } from './tags/compute';

let t: TestDb;
let city: Actor;

function actorAt(org: { id: number; path: string }): Actor {
  return { userId: 1, username: 'test', orgId: org.id, orgPath: org.path, roles: [], permissions: new Set(), grants: [] };
}
async function org(type: string, nth = 0): Promise<{ id: number; path: string }> {
  return (await t.db('org_units').where({ type }).orderBy('path').offset(nth).select('id', t.db.raw('path::text AS path')).first()) as {
    id: number;
    path: string;
  };
}

beforeAll(async () => {
  t = await createTestDb();
  city = actorAt(await org('city'));
});
afterAll(async () => t?.drop());

describe('G-6 coverage report', () => {
  it('G-6 rates per district add up to the element tables; the demo city starts fully covered', async () => {
    const rows = await coverageRates(t.db, city, { level: 'district' });
    const expected =
      Number((await t.db('households').count({ n: '*' }).first())?.n) +
      Number((await t.db('merchants').count({ n: '*' }).first())?.n) +
      Number((await t.db('enterprises').count({ n: '*' }).first())?.n) +
      Number((await t.db('institutions').count({ n: '*' }).first())?.n) +
      Number((await t.db('public_facilities').count({ n: '*' }).first())?.n);
    expect(rows.length).toBe(4);
    expect(rows.reduce((s, r) => s + r.total, 0)).toBe(expected);
    expect(rows.every((r) => r.uncovered === 0 && r.double === 0 && r.rate === 1)).toBe(true);
  });

  it('G-6 uncovered and invalid (worker left) elements show up in their grid with the right rate, and in the problem list', async () => {
    const hh = (await t.db('households').orderBy('id').limit(2).select('id', 'grid_id')) as { id: number; grid_id: number }[];
    await t.db('coverage_relations').where('element_type', 'household').whereIn('element_id', [hh[0].id]).delete();
    const m = (await t
      .db('merchants as m')
      .join('coverage_relations as c', (j) => j.on('c.element_id', 'm.id').andOnVal('c.element_type', 'merchant'))
      .select('m.id', 'm.grid_id', 'c.worker_id')
      .first()) as {
      id: number;
      grid_id: number;
      worker_id: number;
    };
    await t.db('grid_workers').where({ id: m.worker_id }).update({ status: 'left' });
    const left = Number((await t.db('coverage_relations').where('worker_id', m.worker_id).count({ n: '*' }).first())?.n);
    const grids = await coverageRates(t.db, city, { level: 'grid' });
    const g = grids.find((r) => r.orgId === hh[0].grid_id);
    expect(g?.uncovered).toBe(1);
    const gm = grids.find((r) => r.orgId === m.grid_id);
    expect(gm?.invalid).toBe(left);
    expect(gm?.rate).toBeCloseTo(((gm?.covered ?? 0) - left) / (gm?.total ?? 1), 4);
    const streetRows = await coverageRates(t.db, city, { level: 'street' });
    expect(streetRows.reduce((s, r) => s + r.uncovered, 0)).toBe(1);
    const problems = await coverageProblems(t.db, city, {});
    expect(problems.total).toBe(1 + left);
    expect(problems.rows.find((r) => r.problem === 'uncovered')).toMatchObject({ elementType: 'household', elementId: hh[0].id });
    const onlyHouseholds = await coverageProblems(t.db, city, { problem: 'uncovered', elementType: 'household' });
    expect(onlyHouseholds.total).toBe(1);
    // scope: a different district sees none of these problems
    const otherDistrict = (await t
      .db('org_units')
      .where('type', 'district')
      .whereRaw('NOT (?::ltree <@ path)', [String(g?.orgPath)])
      .select('id', t.db.raw('path::text AS path'))
      .first()) as {
      id: number;
      path: string;
    };
    const other = await coverageProblems(t.db, actorAt(otherDistrict), { problem: 'uncovered' });
    expect(other.total).toBe(0);
    await t.db('grid_workers').where({ id: m.worker_id }).update({ status: 'active' });
  });
});

describe('F-2 relation configuration', () => {
  it('F-2 bulk 包户 by building moves every household of the building to one full-time worker of its grid', async () => {
    const b = (await t
      .db('buildings as b')
      .whereExists(t.db('houses as ho').join('households as h', 'h.house_id', 'ho.id').whereRaw('ho.building_id = b.id'))
      .select('b.id', 'b.grid_id')
      .first()) as { id: number; grid_id: number };
    const w = (await t.db('grid_workers').where({ grid_id: b.grid_id, kind: 'full_time' }).orderBy('id', 'desc').first()) as { id: number };
    const r = await assignBuilding(t.db, city, { buildingId: b.id, workerId: w.id });
    const hh = (await t
      .db('households as h')
      .join('houses as ho', 'ho.id', 'h.house_id')
      .where('ho.building_id', b.id)
      .pluck('h.id')) as number[];
    expect(r.byType.household).toBe(hh.length);
    const workers = await t.db('coverage_relations').where('element_type', 'household').whereIn('element_id', hh).distinct('worker_id');
    expect(workers).toEqual([{ worker_id: w.id }]);
    const elsewhere = (await t.db('grid_workers').whereNot('grid_id', b.grid_id).where('kind', 'full_time').first()) as { id: number };
    await expect(assignBuilding(t.db, city, { buildingId: b.id, workerId: elsewhere.id })).rejects.toThrow(/本网格的网格员/);
  });

  it('F-2 bulk 包户 of a selection assigns the valid ones and lists the refused with reasons', async () => {
    const w = (await t.db('grid_workers').where({ kind: 'full_time' }).orderBy('id').first()) as { id: number; grid_id: number };
    const own = (await t.db('merchants').where('grid_id', w.grid_id).pluck('id')) as number[];
    const foreign = (await t.db('merchants').whereNot('grid_id', w.grid_id).first()) as { id: number };
    const r = await bulkAssign(t.db, city, { elementType: 'merchant', elementIds: [...own, foreign.id], workerId: w.id });
    expect(r.refused).toEqual([{ elementType: 'merchant', elementId: foreign.id, reason: expect.stringContaining('本网格') }]);
    const n = Number(
      (
        await t
          .db('coverage_relations')
          .where({ element_type: 'merchant', worker_id: w.id })
          .whereIn('element_id', own)
          .count({ n: '*' })
          .first()
      )?.n,
    );
    expect(n).toBe(own.length);
    const part = (await t.db('grid_workers').where({ kind: 'part_time', grid_id: w.grid_id }).first()) as { id: number } | undefined;
    if (part) {
      const hh = (await t.db('households').where('grid_id', w.grid_id).first()) as { id: number };
      await expect(bulkAssign(t.db, city, { elementType: 'household', elementIds: [hh.id], workerId: part.id })).rejects.toThrow(
        /专职网格员/,
      );
    }
  });

  it('F-2 包联 team for a 独居老人: needs a full-time member, roles must match the force; the special-person list shows the team', async () => {
    await ensureStandardTags(t.db);
    await recomputeAllTags(t.db, { asOf: '2026-11-24' });
    const list = await specialPersons(t.db, city, { careType: 'living_alone', pageSize: 200 });
    const tagged = Number(
      (
        await t
          .db('element_tags as et')
          .join('tag_definitions as d', 'd.id', 'et.tag_id')
          .where('d.code', 'STD_ALONE_ELDERLY')
          .count({ n: '*' })
          .first()
      )?.n,
    );
    expect(list.total).toBe(tagged);
    const person = list.rows[0];
    const r = (await t.db('residents').where('id', person.residentId).first()) as { grid_id: number };
    const full = (await t.db('grid_workers').where({ grid_id: r.grid_id }).whereIn('kind', ['full_time', 'exclusive']).first()) as {
      id: number;
    };
    const part = (await t.db('grid_workers').where({ kind: 'part_time' }).whereNot('part_time_type', '志愿者').first()) as { id: number };
    const volunteer = (await t.db('grid_workers').where({ kind: 'part_time', part_time_type: '志愿者' }).first()) as
      | { id: number }
      | undefined;
    await expect(
      setCareTeam(t.db, city, {
        residentId: person.residentId,
        careType: 'living_alone',
        members: [{ workerId: part.id, role: 'part_time' }],
      }),
    ).rejects.toThrow(/至少需要一名专职/);
    await expect(
      setCareTeam(t.db, city, {
        residentId: person.residentId,
        careType: 'living_alone',
        members: [
          { workerId: full.id, role: 'full_time' },
          { workerId: part.id, role: 'volunteer' },
        ],
      }),
    ).rejects.toThrow(/不是志愿者/);
    const members = [
      { workerId: full.id, role: 'full_time' as const },
      { workerId: part.id, role: 'part_time' as const },
      ...(volunteer ? [{ workerId: volunteer.id, role: 'volunteer' as const }] : []),
    ];
    await setCareTeam(t.db, city, { residentId: person.residentId, careType: 'living_alone', members });
    const after = await specialPersons(t.db, city, { careType: 'living_alone', pageSize: 200 });
    const row = after.rows.find((x) => x.residentId === person.residentId);
    expect(row).toMatchObject({ fullTime: 1, partTime: 1, volunteer: volunteer ? 1 : 0, covered: true });
  });
});
