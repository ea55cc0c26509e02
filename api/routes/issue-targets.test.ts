/** 派单对象 (Q-1, Q-2): the pickers' choices for an issue, inside the caller's scope. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertIssue } from '../../db/queries/issues';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { GRIDS, seedFixture, startServer, type TestServer } from '../auth/test-fixture';

let t: TestDb;
let srv: TestServer;
let orgs: Record<string, number>;
let issueNo: string;

beforeAll(async () => {
  t = await createTestDb();
  orgs = (await seedFixture(t.db)).orgs;
  srv = await startServer(t.db);
  ({ issueNo } = await insertIssue(t.db, {
    title: '夜间治安隐患',
    description: '小区后门监控损坏',
    source: 'grid',
    categoryCode: 'ZA01',
    complexity: 'general',
    gridId: orgs[GRIDS.own],
    orgPath: GRIDS.own,
  }));
}, 120_000);

afterAll(async () => {
  await srv?.close();
  await t?.drop();
});

describe('issue dispatch targets (Q-1, Q-2)', () => {
  it('Q-2 the street gets the responsibility list suggestion, departments, other communities and streets; out of scope is 404', async () => {
    const street = await srv.login('f_street');
    const r = await street.request('GET', `/issues/${issueNo}/targets`);
    expect(r.status).toBe(200);
    const j = r.json as {
      category: { name: string };
      suggested: { orgId: number; name: string; party: string }[];
      departments: { orgId: number }[];
      communities: { orgId: number }[];
      streets: { orgId: number }[];
    };
    expect(j.category.name).toBe('治安隐患');
    expect(j.suggested[0]).toMatchObject({ party: '主责部门', name: expect.stringContaining('公安') });
    expect(j.departments.map((d) => d.orgId)).toContain(orgs['km.ztdept']);
    expect(j.communities.map((c) => c.orgId)).toEqual([orgs['km.zt1.s1.c2']]);
    expect(j.streets.map((s) => s.orgId)).toEqual([orgs['km.zt1.s2']]);

    const other = await srv.login('f_community');
    expect((await other.request('GET', `/issues/${issueNo}/targets`)).status).toBe(200);
    const c2 = await srv.login('f_district');
    expect((await c2.request('GET', '/issues/Q00000000000000/targets')).status).toBe(404);
    const resident = await srv.login('f_resident');
    expect((await resident.request('GET', `/issues/${issueNo}/targets`)).status).toBe(403);
  });
});
