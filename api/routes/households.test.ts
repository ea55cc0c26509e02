/**
 * GET /households (G-2) over HTTP against the fixture corner of the city (api/auth/test-fixture.ts):
 * the household picker finds a household by the start of its 户编号 (an index-friendly prefix
 * match), and every list row carries its tags (T-6) from one query, never another element's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { type Client, type FixtureElements, seedFixture, startServer, type TestServer } from '../auth/test-fixture';

let t: TestDb;
let srv: TestServer;
let fx: FixtureElements;
let community: Client;
let city: Client;

type Row = Record<string, unknown> & { id: number; householdNo: string; tags: { id: number; name: string; color: string | null }[] };
interface ListBody {
  items: Row[];
  total: number;
}

async function insertTag(name: string, target: string, color: string | null): Promise<number> {
  const [row] = (await t
    .db('tag_definitions')
    .insert({ code: `HT_${name}`, name, target, level: 'city', kind: 'manual', defining_org_id: fx.orgs.km, org_path: 'km', color })
    .returning('id')) as { id: number }[];
  return row.id;
}

beforeAll(async () => {
  t = await createTestDb();
  fx = await seedFixture(t.db);
  srv = await startServer(t.db);
  community = await srv.login('f_community');
  city = await srv.login('f_city');
});
afterAll(async () => {
  await srv?.close();
  await t?.drop();
});

const list = async (c: Client, query: string) => {
  const r = await c.request('GET', `/households?${query}`);
  expect(r.status).toBe(200);
  return r.json as ListBody;
};

describe('G-2 household search by the start of the 户编号', () => {
  it('G-2 q is a prefix: a partial number finds the households starting with it, within scope', async () => {
    // Fixture numbers ZTH1 … ZTH5, one per fixture grid; the community user sees ZTH1 and ZTH2.
    const cityHits = await list(city, 'q=ZTH&pageSize=100');
    expect(cityHits.items.map((h) => h.householdNo).sort()).toEqual(['ZTH1', 'ZTH2', 'ZTH3', 'ZTH4', 'ZTH5']);
    const mine = await list(community, 'q=ZTH&pageSize=100');
    expect(mine.items.map((h) => h.householdNo).sort()).toEqual(['ZTH1', 'ZTH2']);
    expect(mine.total).toBe(2);
    // The full number still finds exactly that household; lower case is accepted.
    expect((await list(community, 'q=ZTH1')).items.map((h) => h.id)).toEqual([fx.household.own]);
    expect((await list(community, 'q=zth2')).items.map((h) => h.id)).toEqual([fx.household.otherGrid]);
    // Out of scope stays invisible even by its full number.
    expect((await list(community, 'q=ZTH5')).total).toBe(0);
  });

  it('G-2 LIKE wildcards typed by the user are literal characters, not patterns', async () => {
    expect((await list(city, 'q=%25')).total).toBe(0);
    expect((await list(city, 'q=ZT_1')).total).toBe(0);
    expect((await list(city, 'q=Z%25H')).total).toBe(0);
  });

  it('G-2 the prefix match is served by the text_pattern_ops index on household_no', async () => {
    await t.db.transaction(async (trx) => {
      await trx.raw('SET LOCAL enable_seqscan = off');
      const plan = (await trx.raw(`EXPLAIN SELECT id FROM households hh WHERE hh.household_no LIKE 'ZTH%'`)) as {
        rows: { 'QUERY PLAN': string }[];
      };
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('households_household_no_prefix_idx');
    });
  });
});

describe('T-6 tags on the 居民户 list rows', () => {
  it('T-6 each row carries [{id,name,color}] of its own household tags, [] without; detail has the same tags', async () => {
    const a = await insertTag('重点户', 'household', '#f50');
    const b = await insertTag('关爱户', 'visit', null);
    const r = await insertTag('某居民标签', 'resident', '#00f');
    const own = fx.household.own;
    await t.db('element_tags').insert([
      { tag_id: b, element_type: 'household', element_id: own, org_path: 'km.zt1.s1.c1.g1', source: 'manual' },
      { tag_id: a, element_type: 'household', element_id: own, org_path: 'km.zt1.s1.c1.g1', source: 'manual' },
      // A resident whose id equals the other household's id must not lend it its tag.
      { tag_id: r, element_type: 'resident', element_id: fx.household.otherGrid, org_path: 'km.zt1.s1.c1.g2', source: 'manual' },
    ]);
    const rows = (await list(community, 'pageSize=100')).items;
    const byId = new Map(rows.map((h) => [h.id, h]));
    expect(byId.get(own)?.tags).toEqual([
      { id: a, name: '重点户', color: '#f50' },
      { id: b, name: '关爱户', color: null },
    ]);
    expect(byId.get(fx.household.otherGrid)?.tags).toEqual([]);
    const d = (await community.request('GET', `/households/${own}`)).json as Row;
    expect(d.tags.map((x) => x.id)).toEqual([a, b]);
  });
});
