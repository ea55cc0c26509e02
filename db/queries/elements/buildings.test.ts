import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../connection';
import type { Actor } from '../../scope';
import { createTestDb, type TestDb } from '../../testing/server';
import { setManualTag } from '../tags/assign';
import { createTag } from '../tags/definitions';
import { getBuildingFloorPlan, listBuildings } from './buildings';

let t: TestDb;
let db: Db;
const A = 'km.d01.s01.c01';
const B = 'km.d01.s01.c02';

async function actor(path: string): Promise<Actor> {
  const org = (await db('org_units').whereRaw('path = ?::ltree', [path]).first('id')) as { id: number };
  return { userId: 1, username: 'tester', orgId: org.id, orgPath: path, roles: [], permissions: new Set(), grants: [] };
}

async function manualTag(a: Actor, code: string, target: string, orgPath: string): Promise<number> {
  const org = (await db('org_units').whereRaw('path = ?::ltree', [orgPath]).first('id')) as { id: number };
  return createTag(db, a, { code, name: code, target: target as 'household', kind: 'manual', definingOrgId: org.id });
}

beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
});
afterAll(async () => {
  await t.drop();
});

describe('楼盘表 by tag (G-1)', () => {
  it('G-1 floor plan by tag: a room is marked when its household or any resident carries the tag; counts per tag; no foreign tags', async () => {
    const a = await actor(A);
    const b = (await db('buildings as b')
      .whereRaw('b.org_path <@ ?::ltree', [A])
      .whereRaw(
        '(SELECT count(*) FROM households hh JOIN houses h ON h.id = hh.house_id WHERE h.building_id = b.id AND hh.member_count > 0) >= 3',
      )
      .orderBy('b.id')
      .first('b.id', db.raw('b.org_path::text AS path'))) as { id: number; path: string };
    const hhs = (await db('households as hh')
      .join('houses as h', 'h.id', 'hh.house_id')
      .where('h.building_id', b.id)
      .where('hh.member_count', '>', 0)
      .orderBy('hh.id')
      .select('hh.id', 'hh.house_id')) as { id: number; house_id: number }[];
    const hhTag = await manualTag(a, 'FP_HH', 'household', A);
    const personTag = await manualTag(a, 'FP_PERSON', 'resident', A);
    // a tag defined by another community never applies here, so it is not offered
    const foreign = await manualTag(await actor(B), 'FP_FOREIGN', 'household', B);

    await setManualTag(db, a, { tagId: hhTag, elementType: 'household', elementIds: [hhs[0].id], on: true });
    const member = (await db('residents').where({ household_id: hhs[1].id, dynamic_status: '在册' }).orderBy('id').first('id')) as {
      id: number;
    };
    await setManualTag(db, a, { tagId: personTag, elementType: 'resident', elementIds: [member.id], on: true });
    // the household tag on a second household of the same room counts the room once
    const sameRoom = hhs.find((h, i) => i > 0 && h.house_id === hhs[0].house_id);
    if (sameRoom) await setManualTag(db, a, { tagId: hhTag, elementType: 'household', elementIds: [sameRoom.id], on: true });

    const plan = await getBuildingFloorPlan(db, a, b.id);
    if (!plan) throw new Error('plan missing');
    const cells = plan.units.flatMap((u) => u.floors.flatMap((f) => f.houses));
    const marked = (tag: number) => cells.filter((c) => c.tagIds.includes(tag)).map((c) => c.id);
    expect(marked(hhTag)).toEqual([hhs[0].house_id]);
    expect(marked(personTag)).toEqual([hhs[1].house_id]);
    const hhCell = cells.find((c) => c.id === hhs[1].house_id);
    expect(hhCell?.households.find((h) => h.id === hhs[1].id)?.tagIds).toContain(personTag);
    const listed = new Map(plan.tags.map((x) => [x.id, x]));
    expect(listed.get(hhTag)).toMatchObject({ name: 'FP_HH', target: 'household', rooms: 1 });
    expect(listed.get(personTag)).toMatchObject({ target: 'resident', rooms: 1 });
    expect(listed.has(foreign)).toBe(false);
    expect(plan.tags.every((x) => x.target === 'household' || x.target === 'resident')).toBe(true);

    // the other community sees neither the building nor its tags
    expect(await getBuildingFloorPlan(db, await actor(B), b.id)).toBeUndefined();
    // untagging clears the mark
    await setManualTag(db, a, { tagId: personTag, elementType: 'resident', elementIds: [member.id], on: false });
    const after = await getBuildingFloorPlan(db, a, b.id);
    expect(after?.tags.find((x) => x.id === personTag)?.rooms).toBe(0);
  });

  it('G-1 building list filters by building tags: all (every tag) and any (one of them)', async () => {
    const a = await actor(A);
    const x = await manualTag(a, 'B_X', 'building', A);
    const y = await manualTag(a, 'B_Y', 'building', A);
    const ids = ((await db('buildings').whereRaw('org_path <@ ?::ltree', [A]).orderBy('id').limit(3).pluck('id')) as number[]).sort(
      (p, q) => p - q,
    );
    await setManualTag(db, a, { tagId: x, elementType: 'building', elementIds: [ids[0], ids[1]], on: true });
    await setManualTag(db, a, { tagId: y, elementType: 'building', elementIds: [ids[1], ids[2]], on: true });
    const list = async (tagIds: number[], tagMode: 'all' | 'any') =>
      (await listBuildings(db, a, { tagIds, tagMode, sort: 'id', pageSize: 50 })).rows.map((r) => r.id);
    expect(await list([x], 'all')).toEqual([ids[0], ids[1]]);
    expect(await list([x, y], 'all')).toEqual([ids[1]]);
    expect(await list([x, y], 'any')).toEqual(ids);
    expect((await listBuildings(db, a, { tagIds: [x, y], tagMode: 'all' })).total).toBe(1);
    expect((await listBuildings(db, await actor(B), { tagIds: [x], tagMode: 'any' })).total).toBe(0);
  });
});
