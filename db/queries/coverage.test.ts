import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../scope';
import { createTestDb, type TestDb } from '../testing/server';
import { assignBuilding, bulkAssign, careTeam, coverageProblems, coverageRates, setCareTeam, specialPersons } from './coverage';
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
  it('F-2 居民健康分色 team read back as a service file (members, roles, colour, grid); out of scope it is not found', async () => {
    const person = (await t.db('residents').orderBy('id', 'desc').first('id', 'grid_id', t.db.raw('org_path::text AS path'))) as {
      id: number;
      grid_id: number;
      path: string;
    };
    const full = (await t.db('grid_workers').where({ grid_id: person.grid_id, kind: 'full_time' }).orderBy('id').first('id', 'name')) as {
      id: number;
      name: string;
    };
    await expect(
      setCareTeam(t.db, city, { residentId: person.id, careType: 'health_color', members: [{ workerId: full.id, role: 'full_time' }] }),
    ).rejects.toThrow(/红、黄、绿/);
    await setCareTeam(t.db, city, {
      residentId: person.id,
      careType: 'health_color',
      healthColor: '黄',
      members: [{ workerId: full.id, role: 'full_time' }],
    });
    const team = await careTeam(t.db, city, person.id, 'health_color');
    expect(team).toMatchObject({ residentId: person.id, gridId: person.grid_id, healthColor: '黄', careType: 'health_color' });
    expect(team?.members).toEqual([expect.objectContaining({ workerId: full.id, name: full.name, role: 'full_time', kind: 'full_time' })]);
    const list = await specialPersons(t.db, city, { careType: 'health_color' });
    expect(list.rows.find((r) => r.residentId === person.id)).toMatchObject({ healthColor: '黄', gridId: person.grid_id, covered: true });
    // Another district's actor does not see the person.
    const districts = (await t
      .db('org_units')
      .where({ type: 'district' })
      .orderBy('path')
      .select('id', t.db.raw('path::text AS path'))) as {
      id: number;
      path: string;
    }[];
    const other = districts.find((d) => !person.path.startsWith(`${d.path}.`)) as { id: number; path: string };
    expect(await careTeam(t.db, actorAt(other), person.id, 'health_color')).toBeUndefined();
    expect((await specialPersons(t.db, actorAt(other), { careType: 'health_color' })).rows.map((r) => r.residentId)).not.toContain(
      person.id,
    );
  });
  it('F-2 包户配置 lists every element of a grid with its worker (all), and a covered merchant is moved to another worker of the grid', async () => {
    const m = (await t
      .db('merchants as m')
      .join('coverage_relations as c', function () {
        this.on('c.element_id', 'm.id').andOnVal('c.element_type', 'merchant');
      })
      .whereExists(t.db('grid_workers as w').whereRaw("w.grid_id = m.grid_id AND w.id <> c.worker_id AND w.status <> 'left'"))
      .orderBy('m.id')
      .first('m.id', 'm.grid_id', 'c.worker_id')) as { id: number; grid_id: number; worker_id: number };
    const grid = (await t.db('org_units').where({ id: m.grid_id }).first(t.db.raw('path::text AS path'))) as { path: string };
    const all = await coverageProblems(t.db, city, { all: true, elementType: 'merchant', orgPath: grid.path, pageSize: 100 });
    const inGrid = Number((await t.db('merchants').where({ grid_id: m.grid_id }).count({ n: '*' }).first())?.n);
    expect(all.total).toBe(inGrid);
    const row = all.rows.find((r) => r.elementId === m.id);
    const oldName = (await t.db('grid_workers').where({ id: m.worker_id }).first('name')).name;
    expect(row).toMatchObject({ problem: 'ok', workerName: oldName });
    const other = (await t
      .db('grid_workers')
      .where({ grid_id: m.grid_id })
      .whereNot('id', m.worker_id)
      .whereNot('status', 'left')
      .orderBy('id')
      .first('id', 'name')) as { id: number; name: string };
    const r = await bulkAssign(t.db, city, { elementType: 'merchant', elementIds: [m.id], workerId: other.id });
    expect(r).toMatchObject({ assigned: 1, replaced: 1, refused: [] });
    const again = await coverageProblems(t.db, city, { all: true, elementType: 'merchant', orgPath: grid.path, pageSize: 100 });
    expect(again.rows.find((x) => x.elementId === m.id)).toMatchObject({ problem: 'ok', workerName: other.name });
  });
  it('F-2 孤寡老人 are found by their standard computed tag (60+, alone, no spouse) plus anyone already given a team', async () => {
    await ensureStandardTags(t.db);
    await recomputeAllTags(t.db, { asOf: '2026-11-24' });
    const truth = Number(
      (
        await t.db.raw(
          `SELECT count(*) AS n FROM (
             SELECT et.element_id FROM element_tags et JOIN tag_definitions d ON d.id = et.tag_id
             WHERE d.code = 'STD_SOLITARY_ELDERLY' AND et.element_type = 'resident'
             UNION SELECT resident_id FROM care_relations WHERE care_type = 'solitary_elderly') x`,
        )
      ).rows[0].n,
    );
    const tagged = (await t
      .db('element_tags as et')
      .join('tag_definitions as d', 'd.id', 'et.tag_id')
      .where('d.code', 'STD_SOLITARY_ELDERLY')
      .pluck('et.element_id')) as number[];
    expect(tagged.length).toBeGreaterThan(0);
    const people = (await t.db('residents').whereIn('id', tagged).select('marital_status', 'dynamic_status')) as {
      marital_status: string;
      dynamic_status: string;
    }[];
    expect(people.every((r) => ['丧偶', '未婚', '离异'].includes(r.marital_status) && r.dynamic_status === '在册')).toBe(true);
    const list = await specialPersons(t.db, city, { careType: 'solitary_elderly', pageSize: 200 });
    expect(list.total).toBe(truth);
    // A person given a team by hand stays in the list without the tag.
    const other = (await t.db('residents').whereNotIn('id', tagged).orderBy('id').first('id', 'grid_id')) as {
      id: number;
      grid_id: number;
    };
    const full = (await t.db('grid_workers').where({ grid_id: other.grid_id, kind: 'full_time' }).first('id')) as { id: number };
    await setCareTeam(t.db, city, {
      residentId: other.id,
      careType: 'solitary_elderly',
      members: [{ workerId: full.id, role: 'full_time' }],
    });
    const after = await specialPersons(t.db, city, { careType: 'solitary_elderly', pageSize: 200 });
    expect(after.total).toBe(truth + (tagged.includes(other.id) ? 0 : 1));
    expect(after.coveredCount).toBeGreaterThan(0);
  });
});
