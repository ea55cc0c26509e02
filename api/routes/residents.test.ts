/**
 * GET /residents (G-3, T-6) over HTTP against the fixture corner of the city: every list row
 * carries its tags [{id,name,color}] (read with the page, one query), never another element's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { type Client, type FixtureElements, seedFixture, startServer, type TestServer } from '../auth/test-fixture';

let t: TestDb;
let srv: TestServer;
let fx: FixtureElements;
let community: Client;

type Row = { id: number; tags: { id: number; name: string; color: string | null }[] };

beforeAll(async () => {
  t = await createTestDb();
  fx = await seedFixture(t.db);
  srv = await startServer(t.db);
  community = await srv.login('f_community');
});
afterAll(async () => {
  await srv?.close();
  await t?.drop();
});

describe('T-6 tags on the 实有人口 list rows', () => {
  it('T-6 each resident row has its own tags in id order, [] without; sorted pages keep them', async () => {
    const ids: number[] = [];
    for (const [name, target, color] of [
      ['高龄老人', 'resident', '#fa0'],
      ['独居老人', 'resident', null],
      ['重点户', 'household', '#f00'],
    ] as const) {
      const [row] = (await t
        .db('tag_definitions')
        .insert({ code: `RT_${name}`, name, target, level: 'city', kind: 'manual', defining_org_id: fx.orgs.km, org_path: 'km', color })
        .returning('id')) as { id: number }[];
      ids.push(row.id);
    }
    const [old, alone, hh] = ids;
    const own = fx.resident.own;
    await t.db('element_tags').insert([
      { tag_id: alone, element_type: 'resident', element_id: own, org_path: 'km.zt1.s1.c1.g1', source: 'auto' },
      { tag_id: old, element_type: 'resident', element_id: own, org_path: 'km.zt1.s1.c1.g1', source: 'manual' },
      // A household whose id equals the other resident's id must not lend it its tag.
      { tag_id: hh, element_type: 'household', element_id: fx.resident.otherGrid, org_path: 'km.zt1.s1.c1.g2', source: 'manual' },
    ]);
    for (const sort of ['', '&sort=name', '&sort=-birthDate']) {
      const r = await community.request('GET', `/residents?pageSize=100${sort}`);
      expect(r.status).toBe(200);
      const rows = (r.json as { items: Row[] }).items;
      const byId = new Map(rows.map((x) => [x.id, x]));
      expect(byId.get(own)?.tags).toEqual([
        { id: old, name: '高龄老人', color: '#fa0' },
        { id: alone, name: '独居老人', color: null },
      ]);
      expect(byId.get(fx.resident.otherGrid)?.tags).toEqual([]);
    }
    // The tag filter and the tag column agree.
    const filtered = (await community.request('GET', `/residents?tagIds=${old}`)).json as { items: Row[] };
    expect(filtered.items.map((x) => x.id)).toEqual([own]);
    expect(filtered.items[0].tags.map((x) => x.id)).toEqual([old, alone]);
  });
});
