/**
 * The scope matrix (N-5, G-3): every role × level × endpoint, own scope vs another community,
 * street and district, read and write. The route list comes from api/routes/index.ts: a route
 * that declares no permission, or that has no entry in CASES below, fails the first test — a new
 * route is not done until its scope behaviour is stated here.
 */

import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { idNumberCheckDigit } from '../../db/sensitive';
import { createTestDb, type TestDb } from '../../db/testing/server';
import {
  type Client,
  FIXTURE_USERS,
  type FixtureElements,
  type FixtureUser,
  GRIDS,
  seedFixture,
  startServer,
  type Target,
  type TestServer,
} from '../auth/test-fixture';
import { allRoutes } from './index';

// Thousands of requests: minutes when the two shared cores are busy.
vi.setConfig({ testTimeout: 300_000 });

const TARGETS = Object.keys(GRIDS) as Target[];

/** Independent oracle of the scope rule: the path lies under the user's org or a grant. */
function expectedInScope(u: FixtureUser, path: string, mode: 'read' | 'write'): boolean {
  const bases = [u.orgPath, ...(u.grants ?? []).filter((g) => mode === 'read' || g.canWrite).map((g) => g.path)];
  return bases.some((b) => path === b || path.startsWith(`${b}.`));
}
/** Grants as the database holds them (the catalogue plus other modules' data migrations). */
const grants = new Map<string, Set<string>>();
function has(u: FixtureUser, permission: string): boolean {
  return grants.get(u.role)?.has(permission) ?? false;
}

type ElementType = 'resident' | 'household' | 'building';
type Case =
  | { kind: 'open'; reason: string }
  | { kind: 'element'; type: ElementType; mode: 'read' | 'write'; body?: unknown }
  | { kind: 'list'; itemPaths: (json: unknown) => string[] }
  | { kind: 'custom'; run: (ctx: Ctx) => Promise<void> }
  /** Data scope proven by another test file, which must exist and exercise this route's path. */
  | { kind: 'elsewhere'; test: string; mentions: string };

interface Ctx {
  t: TestDb;
  srv: TestServer;
  fx: FixtureElements;
  clients: Map<string, Client>;
}

const listPaths = (json: unknown) => ((json as { items: { orgPath: string }[] }).items ?? []).map((i) => i.orgPath);

/** One entry per route of api/routes/index.ts: `METHOD /path`. */
const CASES: Record<string, Case> = {
  'GET /health': { kind: 'open', reason: '公开的健康检查，不含业务数据' },
  'POST /auth/login': { kind: 'open', reason: '登录本身，无数据范围' },
  'POST /auth/logout': { kind: 'open', reason: '只删除调用者自己的会话' },
  'GET /auth/me': { kind: 'open', reason: '只返回调用者本人' },
  'POST /auth/password': { kind: 'open', reason: '只修改调用者本人的密码' },
  'GET /residents': { kind: 'list', itemPaths: listPaths },
  'GET /residents/:id': { kind: 'element', type: 'resident', mode: 'read' },
  'PATCH /residents/:id': { kind: 'element', type: 'resident', mode: 'write', body: { occupation: '矩阵测试' } },
  'GET /residents/:id/versions': { kind: 'element', type: 'resident', mode: 'read' },
  'POST /residents/:id/unmask': { kind: 'element', type: 'resident', mode: 'read' },
  'GET /households': { kind: 'list', itemPaths: listPaths },
  'GET /households/:id': { kind: 'element', type: 'household', mode: 'read' },
  'GET /buildings': { kind: 'list', itemPaths: listPaths },
  'GET /buildings/:id': { kind: 'element', type: 'building', mode: 'read' },
  'GET /buildings/:id/floor-plan': { kind: 'element', type: 'building', mode: 'read' },
  'GET /orgs/tree': { kind: 'custom', run: orgTreeMatrix },
  'GET /users': { kind: 'custom', run: usersMatrix },
  'GET /users/:id': { kind: 'custom', run: usersMatrix },
  'POST /users': { kind: 'custom', run: usersMatrix },
  'PATCH /users/:id': { kind: 'custom', run: usersMatrix },
  'POST /users/:id/unlock': { kind: 'custom', run: usersMatrix },
  'GET /roles': { kind: 'open', reason: '角色目录是公共参考数据（仍需 user.read）' },
  'GET /audit': { kind: 'custom', run: auditMatrix },
  'GET /audit/verify': { kind: 'custom', run: auditMatrix },
  'GET /tasks': { kind: 'custom', run: tasksMatrix },
  'GET /tasks/counts': { kind: 'custom', run: tasksMatrix },
  'GET /tasks/:id': { kind: 'custom', run: tasksMatrix },
  'POST /tasks/:id/claim': { kind: 'custom', run: tasksMatrix },
  'POST /tasks/:id/unclaim': { kind: 'custom', run: tasksMatrix },
  'POST /tasks/:id/delegate': { kind: 'custom', run: tasksMatrix },
  'POST /tasks/:id/submit': { kind: 'custom', run: tasksMatrix },
  'GET /inbox/colleagues': { kind: 'custom', run: colleaguesMatrix },
  'POST /files': { kind: 'custom', run: filesMatrix },
  'GET /files/:id': { kind: 'custom', run: filesMatrix },
  'GET /console/filters': { kind: 'custom', run: consoleFiltersMatrix },
  'POST /console/filters': { kind: 'custom', run: consoleFiltersMatrix },
  'DELETE /console/filters/:id': { kind: 'custom', run: consoleFiltersMatrix },
  // Issues need a running engine: their scope is proven over HTTP in issues.test.ts.
  'GET /issues': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: "'/issues?tab=all'" },
  'POST /issues': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: 'OUT_OF_SCOPE' },
  'GET /issues/joint-meeting': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: '/issues/joint-meeting' },
  'GET /issues/analysis': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: '/issues/analysis' },
  'GET /issues/:issueNo': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: '`/issues/${issueNo}`' },
  'GET /issues/:issueNo/documents/:documentId': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: '/documents/' },
  'POST /my/issues': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: "'/my/issues'" },
  'GET /my/issues': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: "'/my/issues'" },
  'GET /my/issues/:issueNo': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: '`/my/issues/${issueNo}`' },
  'POST /my/issues/:issueNo/rating': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: '/rating' },
  'GET /issue-categories': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: "'/issue-categories'" },
  'GET /issue-categories/suggest': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: '/issue-categories/suggest' },
  'PUT /issue-categories/:code': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: '/issue-categories/CG09' },
  'GET /issues/:issueNo/targets': { kind: 'elsewhere', test: 'api/routes/issue-targets.test.ts', mentions: '/targets' },
  'GET /mail-catcher': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: "'/mail-catcher'" },
  'GET /mail-catcher/:id': { kind: 'elsewhere', test: 'api/routes/issues.test.ts', mentions: '/mail-catcher/999999' },
  // Workflow instances need a running engine; their scope (tasks' org paths) is tested there.
  'GET /console/workflows': { kind: 'elsewhere', test: 'api/routes/inbox.test.ts', mentions: "'/console/workflows'" },
  'GET /console/workflows/:id': { kind: 'elsewhere', test: 'api/routes/inbox.test.ts', mentions: '`/console/workflows/' },
  'POST /console/workflows/:id/cancel': { kind: 'elsewhere', test: 'api/routes/inbox.test.ts', mentions: '/cancel`' },
  'POST /console/workflows/:id/terminate': { kind: 'elsewhere', test: 'api/routes/inbox.test.ts', mentions: '/terminate`' },
  'POST /console/workflows/:id/signal': { kind: 'elsewhere', test: 'api/routes/inbox.test.ts', mentions: '/signal`' },
  'POST /console/workflows/:id/retry': { kind: 'elsewhere', test: 'api/routes/inbox.test.ts', mentions: '/retry`' },
  'GET /grid-workers': { kind: 'list', itemPaths: listPaths },
  // 批量导入导出 (G-7)
  'GET /imports/logs': { kind: 'elsewhere', test: 'api/routes/imports.test.ts', mentions: '/imports/logs' },
  'GET /imports/:type/template': { kind: 'elsewhere', test: 'api/routes/imports.test.ts', mentions: '/template' },
  'POST /imports/:type': { kind: 'elsewhere', test: 'api/routes/imports.test.ts', mentions: '/imports/resident' },
  'GET /exports/:type': { kind: 'custom', run: exportsMatrix },
  // 网格划分与地图 (D)
  'GET /map/config': { kind: 'open', reason: '底图配置，不含业务数据' },
  'GET /map/layers/:type': { kind: 'custom', run: mapMatrix },
  'GET /map/points': { kind: 'custom', run: mapMatrix },
  'GET /grids/stats': { kind: 'custom', run: mapMatrix },
  'PATCH /grids/:id': { kind: 'custom', run: mapMatrix },
  'POST /grids/check': { kind: 'elsewhere', test: 'db/queries/grids.test.ts', mentions: 'checkGridGeometries' },
  'PUT /grids/geometry': { kind: 'elsewhere', test: 'db/queries/grids.test.ts', mentions: 'saveGridGeometries' },
  'POST /grids/:id/split': { kind: 'elsewhere', test: 'db/queries/grids.test.ts', mentions: 'splitGrid' },
  'POST /grids/merge': { kind: 'elsewhere', test: 'db/queries/grids.test.ts', mentions: 'mergeGrids' },
  'PUT /grids/:id/leader': { kind: 'elsewhere', test: 'api/routes/grids.test.ts', mentions: '/leader`' },
  'POST /grids/:id/workers': { kind: 'elsewhere', test: 'api/routes/grids.test.ts', mentions: '/workers`' },
  // 包户/包联 (G-6): scope is applied in db/queries/coverage.ts and proven there, per function.
  'GET /coverage/report': { kind: 'elsewhere', test: 'db/queries/coverage.test.ts', mentions: 'coverageRates' },
  'GET /coverage/problems': { kind: 'elsewhere', test: 'db/queries/coverage.test.ts', mentions: 'coverageProblems' },
  'POST /coverage/assign': { kind: 'elsewhere', test: 'db/queries/coverage.test.ts', mentions: 'bulkAssign' },
  'GET /care/special-persons': { kind: 'elsewhere', test: 'db/queries/coverage.test.ts', mentions: 'specialPersons' },
  'PUT /care/team': { kind: 'elsewhere', test: 'db/queries/coverage.test.ts', mentions: 'setCareTeam' },
  'GET /care/team': { kind: 'elsewhere', test: 'db/queries/coverage.test.ts', mentions: 'careTeam(' },
  // 标签 (T)
  'GET /tags': { kind: 'elsewhere', test: 'api/routes/tags.test.ts', mentions: '/tags' },
  'GET /tags/catalogue': { kind: 'elsewhere', test: 'api/routes/tags.test.ts', mentions: 'catalogue' },
  'GET /tags/log': { kind: 'elsewhere', test: 'api/routes/tags.test.ts', mentions: '/tags/log' },
  'GET /tags/log/daily': { kind: 'elsewhere', test: 'api/routes/tags.test.ts', mentions: '/tags/log/daily' },
  'POST /tags/search': { kind: 'elsewhere', test: 'api/routes/tags.test.ts', mentions: '/tags/search' },
  'POST /tags/search/export': { kind: 'elsewhere', test: 'api/routes/tags.test.ts', mentions: 'export' },
  'POST /tags/rules/preview': { kind: 'elsewhere', test: 'api/routes/tags.test.ts', mentions: '/tags/rules/preview' },
  'GET /tags/:id': { kind: 'elsewhere', test: 'api/routes/tags.test.ts', mentions: '/tags/' },
  'POST /tags': { kind: 'elsewhere', test: 'api/routes/tags.test.ts', mentions: '/tags' },
  'PUT /tags/:id': { kind: 'elsewhere', test: 'api/routes/tags.test.ts', mentions: 'put' },
  'POST /tags/:id/recompute': { kind: 'elsewhere', test: 'api/routes/tags.test.ts', mentions: 'recompute' },
  'POST /tags/:id/elements': { kind: 'elsewhere', test: 'api/routes/tags.test.ts', mentions: '/elements' },
  'POST /tags/:id/feed': { kind: 'elsewhere', test: 'api/routes/tags.test.ts', mentions: '/feed' },
  'GET /tags/:id/feed/template': { kind: 'custom', run: tagFeedMatrix },
  'POST /tags/:id/pull': { kind: 'custom', run: tagFeedMatrix },
  'GET /elements/:type/:id/tags': { kind: 'custom', run: elementTagsMatrix },
  // 房屋/商户/企业/驻区单位/公共设施/网格员 (G-1, G-4, G-5): one route set for every type.
  'GET /elements/:type': { kind: 'custom', run: recordsMatrix },
  'GET /elements/:type/:id': { kind: 'custom', run: recordsMatrix },
  'POST /elements/:type': { kind: 'custom', run: recordWritesMatrix },
  'PATCH /elements/:type/:id': { kind: 'custom', run: recordWritesMatrix },
  'GET /elements/:type/:id/versions': { kind: 'custom', run: recordWritesMatrix },
  'POST /residents': { kind: 'custom', run: recordWritesMatrix },
};

const keyOf = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;

let ctx: Ctx;
beforeAll(async () => {
  const t = await createTestDb();
  const fx = await seedFixture(t.db);
  for (const r of (await t.db('role_permissions').select('role_code', 'permission_code')) as {
    role_code: string;
    permission_code: string;
  }[]) {
    if (!grants.has(r.role_code)) grants.set(r.role_code, new Set());
    grants.get(r.role_code)!.add(r.permission_code);
  }
  const srv = await startServer(t.db);
  const clients = new Map<string, Client>();
  for (const u of FIXTURE_USERS) clients.set(u.username, await srv.login(u.username));
  ctx = { t, srv, fx, clients };
});
afterAll(async () => {
  await ctx?.srv.close();
  await ctx?.t.drop();
});

function fill(path: string, fx: FixtureElements, target: Target = 'own'): string {
  if (path.startsWith('/residents/')) return path.replace(':id', String(fx.resident[target]));
  if (path.startsWith('/households/')) return path.replace(':id', String(fx.household[target]));
  if (path.startsWith('/buildings/')) return path.replace(':id', String(fx.building[target]));
  if (path.startsWith('/users/')) return path.replace(':id', String(fx.users.f_gridworker));
  return path.replace(/:[a-zA-Z]+/g, '1');
}

describe('N-5 scope matrix: the route list', () => {
  it('N-5 every route in api/routes/index.ts declares a permission and has a scope case', () => {
    const missing: string[] = [];
    for (const r of allRoutes) {
      expect(typeof r.permission === 'string' && r.permission.length > 0, `${keyOf(r)} declares no permission`).toBe(true);
      if (!CASES[keyOf(r)]) missing.push(keyOf(r));
    }
    expect(missing, `routes without a scope case in api/routes/scope-matrix.test.ts: ${missing.join(', ')}`).toEqual([]);
  });

  it('N-5 routes whose scope is proven elsewhere name an existing test that exercises them', () => {
    for (const [key, c] of Object.entries(CASES)) {
      if (c.kind !== 'elsewhere' || !allRoutes.some((r) => keyOf(r) === key)) continue;
      expect(fs.existsSync(c.test), `${key}: ${c.test} is missing`).toBe(true);
      expect(fs.readFileSync(c.test, 'utf8').includes(c.mentions), `${key}: ${c.test} never calls ${c.mentions}`).toBe(true);
    }
  });

  it('N-5 every non-public route refuses an anonymous caller (401) and every role lacking its permission (403)', async () => {
    const anon = ctx.srv.client();
    for (const r of allRoutes) {
      if (r.permission === 'public') continue;
      const path = fill(r.path, ctx.fx);
      const a = await anon.request(r.method.toUpperCase(), path, r.method === 'get' ? undefined : {});
      expect(a.status, `anonymous ${keyOf(r)}`).toBe(401);
      if (r.permission === 'authenticated') continue;
      for (const u of FIXTURE_USERS) {
        if (has(u, r.permission)) continue;
        const res = await ctx.clients.get(u.username)!.request(r.method.toUpperCase(), path, r.method === 'get' ? undefined : {});
        expect(res.status, `${u.username} (${u.role}) ${keyOf(r)}`).toBe(403);
        expect((res.json as { error: { code: string } }).error.code).toBe('FORBIDDEN');
      }
    }
  });
});

describe('N-5 scope matrix: element endpoints, every role × level × target', () => {
  it('N-5 detail, history, unmask and update: allowed exactly inside the scope; outside is refused and changes nothing', async () => {
    let checks = 0;
    for (const [key, c] of Object.entries(CASES)) {
      if (c.kind !== 'element') continue;
      const route = allRoutes.find((r) => keyOf(r) === key)!;
      for (const u of FIXTURE_USERS) {
        if (!has(u, route.permission)) continue;
        for (const target of TARGETS) {
          const id = ctx.fx[c.type][target];
          const before = c.mode === 'write' ? await ctx.t.db('residents').where({ id }).first() : undefined;
          const res = await ctx.clients.get(u.username)!.request(route.method.toUpperCase(), fill(route.path, ctx.fx, target), c.body);
          const allowed = expectedInScope(u, GRIDS[target], c.mode);
          const label = `${u.username} (${u.role} @ ${u.orgPath}) ${key} → ${target}`;
          if (allowed) expect(res.status, label).toBe(200);
          else {
            expect([403, 404], label).toContain(res.status);
            expect((res.json as { error: { message: string } }).error.message, label).toMatch(/[\u4e00-\u9fa5]/);
          }
          if (c.mode === 'write') {
            const after = await ctx.t.db('residents').where({ id }).first();
            if (allowed) expect(after.version, label).toBe(before.version + 1);
            else expect(after, label).toEqual(before);
          }
          checks++;
          // Put the row back so the next writer's change is a real change.
          if (c.mode === 'write' && allowed) await ctx.t.db('residents').where({ id }).update({ occupation: null });
        }
      }
    }
    expect(checks).toBeGreaterThan(150);
  });

  it('N-5 lists hold only rows inside the scope, and every in-scope target appears', async () => {
    for (const [key, c] of Object.entries(CASES)) {
      if (c.kind !== 'list') continue;
      const route = allRoutes.find((r) => keyOf(r) === key)!;
      for (const u of FIXTURE_USERS) {
        if (!has(u, route.permission)) continue;
        const res = await ctx.clients.get(u.username)!.request('GET', `${route.path}?pageSize=100`);
        const label = `${u.username} ${key}`;
        expect(res.status, label).toBe(200);
        const paths = c.itemPaths(res.json);
        for (const p of paths) expect(expectedInScope(u, p, 'read'), `${label} leaked ${p}`).toBe(true);
        // Narrowed to each target grid (the org tree's orgId): in scope → its row, outside → nothing.
        for (const target of TARGETS) {
          const narrowed = await ctx.clients.get(u.username)!.request('GET', `${route.path}?orgId=${ctx.fx.orgs[GRIDS[target]]}`);
          expect(narrowed.status, `${label} → ${target}`).toBe(200);
          const got = c.itemPaths(narrowed.json);
          if (expectedInScope(u, GRIDS[target], 'read')) expect(got, `${label} misses ${target}`).toEqual([GRIDS[target]]);
          else expect((narrowed.json as { total: number }).total, `${label} narrowed to ${target}`).toBe(0);
        }
      }
    }
  });
});

async function orgTreeMatrix({ fx, clients }: Ctx): Promise<void> {
  for (const u of FIXTURE_USERS) {
    if (!has(u, 'org.read')) continue;
    const c = clients.get(u.username)!;
    const roots = (await c.request('GET', '/orgs/tree')).json as { path: string; childCount: number }[];
    expect(roots.map((r) => r.path)).toContain(u.orgPath);
    for (const [path, id] of Object.entries(fx.orgs)) {
      const r = await c.request('GET', `/orgs/tree?parentId=${id}`);
      const label = `${u.username} tree under ${path}`;
      if (expectedInScope(u, path, 'read')) {
        expect(r.status, label).toBe(200);
        for (const child of r.json as { path: string }[]) expect(expectedInScope(u, child.path, 'read'), label).toBe(true);
      } else expect(r.status, label).toBe(403);
    }
  }
}

async function usersMatrix({ t, fx, clients }: Ctx): Promise<void> {
  // A street-level sys_admin manages only the accounts of that street.
  const streetAdmin = { username: 'f_streetadmin', role: 'sys_admin', orgPath: 'km.zt1.s1' };
  const [{ id }] = (await t
    .db('users')
    .insert({
      username: streetAdmin.username,
      display_name: '街道系统管理员',
      password_hash: (await t.db('users').where({ username: 'f_sysadmin' }).first()).password_hash,
      must_change_password: false,
      org_id: fx.orgs['km.zt1.s1'],
      org_path: 'km.zt1.s1',
    })
    .returning('id')) as { id: number }[];
  await t.db('user_roles').insert({ user_id: id, role_code: 'sys_admin' });
  const c = await ctx.srv.login(streetAdmin.username);
  const list = (await c.request('GET', '/users?pageSize=100')).json as { items: { org: { path: string } }[] };
  expect(list.items.length).toBeGreaterThan(0);
  for (const i of list.items) expect(expectedInScope(streetAdmin, i.org.path, 'read')).toBe(true);
  expect((await c.request('GET', `/users/${fx.users.f_gridworker}`)).status).toBe(200);
  expect((await c.request('GET', `/users/${fx.users.f_district}`)).status).toBe(403);
  expect((await c.request('PATCH', `/users/${fx.users.f_district}`, { displayName: '越权' })).status).toBe(403);
  expect((await t.db('users').where({ id: fx.users.f_district }).first()).display_name).toBe('f_district');
  expect((await c.request('PATCH', `/users/${fx.users.f_gridworker}`, { displayName: '王网格' })).status).toBe(200);
  expect((await c.request('PATCH', `/users/${fx.users.f_gridworker}`, { displayName: 'f_gridworker' })).status).toBe(200);
  const outside = await c.request('POST', '/users', {
    username: 'outsider',
    displayName: '外区',
    orgId: fx.orgs['km.zt2'],
    roles: ['grid_worker'],
    password: 'Out#side2026',
  });
  expect(outside.status).toBe(400);
  expect((outside.json as { error: { fields: { field: string }[] } }).error.fields[0].field).toBe('orgId');
  expect(await t.db('users').where({ username: 'outsider' }).first()).toBeUndefined();
  // A sec_admin unlocks only inside the scope too: the city one can, and the tests above proved 403 for others.
  const sec = clients.get('f_secadmin')!;
  expect((await sec.request('POST', `/users/${fx.users.f_gridworker}/unlock`)).status).toBe(200);
  // sys_admin cannot raise its own rights.
  const admin = clients.get('f_sysadmin')!;
  expect((await admin.request('PATCH', `/users/${fx.users.f_sysadmin}`, { roles: ['sys_admin', 'city_manager'] })).status).toBe(403);
}

async function auditMatrix({ clients }: Ctx): Promise<void> {
  const aud = clients.get('f_auditor')!;
  const r = await aud.request('GET', '/audit?pageSize=100');
  expect(r.status).toBe(200);
  expect((await aud.request('GET', '/audit/verify')).status).toBe(200);
}

async function tasksMatrix({ t, fx, clients }: Ctx): Promise<void> {
  // One open task per target grid, claimable by grid workers of that grid.
  const ids: Record<string, number> = {};
  for (const target of TARGETS) {
    const [row] = (await t
      .db('tasks')
      .insert({
        workflow_id: `matrix-${target}`,
        signal_name: 'submit',
        form_key: 'demo.approval',
        title: `矩阵任务 ${target}`,
        biz_type: 'visit',
        candidate_role: 'grid_worker',
        candidate_org_path: GRIDS[target],
        org_path: GRIDS[target],
        idempotency_key: `matrix-${target}`,
      })
      .returning('id')) as { id: number }[];
    ids[target] = row.id;
  }
  for (const u of FIXTURE_USERS) {
    if (!has(u, 'task.read')) continue;
    const c = clients.get(u.username)!;
    for (const target of TARGETS) {
      const r = await c.request('GET', `/tasks/${ids[target]}`);
      const label = `${u.username} task ${target}`;
      if (expectedInScope(u, GRIDS[target], 'read')) expect(r.status, label).toBe(200);
      else expect([403, 404], label).toContain(r.status);
    }
    const inbox = (await c.request('GET', '/tasks?pageSize=100')).json as { items: { id: number }[] };
    for (const target of TARGETS) {
      const visible = inbox.items.some((i) => Number(i.id) === ids[target]);
      const claimable = u.role === 'grid_worker' && expectedInScope(u, GRIDS[target], 'write');
      expect(visible, `${u.username} inbox ${target}`).toBe(claimable);
    }
    expect((await c.request('GET', '/tasks/counts')).status).toBe(200);
  }
  // Claim: only the grid worker of the task's own grid; another grid's task is refused and stays open.
  const worker = clients.get('f_gridworker')!;
  expect((await worker.request('POST', `/tasks/${ids.otherCommunity}/claim`)).status).toBeGreaterThanOrEqual(403);
  expect((await t.db('tasks').where({ id: ids.otherCommunity }).first()).status).toBe('open');
  const community = clients.get('f_community')!;
  expect((await community.request('POST', `/tasks/${ids.own}/claim`)).status).toBeGreaterThanOrEqual(403);
  expect((await worker.request('POST', `/tasks/${ids.own}/claim`)).status).toBe(200);
  expect((await community.request('POST', `/tasks/${ids.own}/unclaim`)).status).toBeGreaterThanOrEqual(403);
  expect((await community.request('POST', `/tasks/${ids.own}/submit`, {})).status).toBeGreaterThanOrEqual(400);
  expect((await community.request('POST', `/tasks/${ids.own}/delegate`, { userId: fx.users.f_gridleader })).status).toBeGreaterThanOrEqual(
    400,
  );
  expect((await t.db('tasks').where({ id: ids.own }).first()).status).toBe('claimed');
  expect((await worker.request('POST', `/tasks/${ids.own}/unclaim`)).status).toBe(200);
}

async function mapMatrix({ t, fx, clients }: Ctx): Promise<void> {
  const pathOfGrid = new Map(Object.entries(fx.orgs).map(([path, id]) => [id, path]));
  // Fixture buildings get a position (test data only) so the point layer has something to show.
  for (const [i, target] of TARGETS.entries()) {
    await t
      .db('buildings')
      .where({ id: fx.building[target] })
      .update({ geom: t.db.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [10 + i * 0.01, 10]) });
  }
  for (const u of FIXTURE_USERS) {
    const c = clients.get(u.username)!;
    if (has(u, 'org.read')) {
      const layer = (await c.request('GET', '/map/layers/grid')).json as { features: { properties: { path: string } }[] };
      for (const f of layer.features)
        expect(expectedInScope(u, f.properties.path, 'read'), `${u.username} grid layer ${f.properties.path}`).toBe(true);
    }
    if (has(u, 'element.read')) {
      const pts = (await c.request('GET', '/map/points?kind=building&bbox=9.9,9.9,10.2,10.1')).json as {
        features: { properties: { gridId: number } }[];
      };
      const seen = new Set(pts.features.map((f) => pathOfGrid.get(f.properties.gridId)));
      for (const target of TARGETS)
        expect(seen.has(GRIDS[target]), `${u.username} point of ${target}`).toBe(expectedInScope(u, GRIDS[target], 'read'));
      for (const target of TARGETS) {
        const r = await c.request('GET', `/grids/stats?orgId=${fx.orgs[GRIDS[target]]}`);
        const rows = r.json as { orgPath: string }[];
        expect(
          rows.map((x) => x.orgPath),
          `${u.username} stats of ${target}`,
        ).toEqual(expectedInScope(u, GRIDS[target], 'read') ? [GRIDS[target]] : []);
      }
    }
    if (has(u, 'org.manage')) {
      for (const target of TARGETS) {
        const id = fx.orgs[GRIDS[target]];
        const before = (await t.db('org_units').where({ id }).first()).name as string;
        const r = await c.request('PATCH', `/grids/${id}`, { name: `${before}·${u.username}` });
        const after = (await t.db('org_units').where({ id }).first()).name as string;
        const label = `${u.username} renames grid ${target}`;
        if (expectedInScope(u, GRIDS[target], 'write')) {
          expect(r.status, label).toBe(200);
          await t.db('org_units').where({ id }).update({ name: before });
        } else {
          expect([403, 404], label).toContain(r.status);
          expect(after, label).toBe(before);
        }
      }
    }
  }
}

async function exportsMatrix({ fx, srv }: Ctx): Promise<void> {
  // The exported workbook holds exactly the residents of the caller's scope, masked unless reveal=1.
  const names = Object.fromEntries(TARGETS.map((target, i) => [target, `测试居民${i + 1}`]));
  for (const u of FIXTURE_USERS) {
    if (!has(u, 'element.import')) continue;
    const c = ctx.clients.get(u.username)!;
    const r = await fetch(`${srv.base}/exports/resident?orgId=${fx.orgs.km}`, { headers: { cookie: c.cookie ?? '' } });
    expect(r.status, `${u.username} export`).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value ?? '')))));
    const text = cells.join('\n');
    for (const target of TARGETS) {
      expect(text.includes(names[target]), `${u.username} export has ${target}`).toBe(expectedInScope(u, GRIDS[target], 'read'));
    }
    for (const idn of fx.idNumbers) expect(text.includes(idn), `${u.username} export shows a plain ID number`).toBe(false);
  }
}

async function elementTagsMatrix({ fx, clients }: Ctx): Promise<void> {
  for (const u of FIXTURE_USERS) {
    if (!has(u, 'tag.read')) continue;
    for (const target of TARGETS) {
      for (const [type, ids] of [
        ['resident', fx.resident],
        ['household', fx.household],
        ['building', fx.building],
      ] as const) {
        const r = await clients.get(u.username)!.request('GET', `/elements/${type}/${ids[target]}/tags`);
        const label = `${u.username} tags of ${type} ${target}`;
        if (expectedInScope(u, GRIDS[target], 'read')) expect(r.status, label).toBe(200);
        else expect([403, 404], label).toContain(r.status);
      }
    }
  }
}

async function tagFeedMatrix({ t, fx, clients }: Ctx): Promise<void> {
  // A line tag (条线标签) defined by another district: visible along its own branch of the tree only
  // (T-2: ancestors and descendants of the defining unit), so the template and a pull answer 404
  // everywhere else; where visible, a pull without a configured feed is a 400 on feedUrl.
  const [tag] = (await t
    .db('tag_definitions')
    .insert({
      code: 'ZT_LINE_1',
      name: '矩阵条线标签',
      target: 'resident',
      level: 'district',
      kind: 'line',
      defining_org_id: fx.orgs['km.zt2'],
      org_path: 'km.zt2',
    })
    .returning('id')) as { id: number }[];
  const related = (u: FixtureUser) =>
    [u.orgPath, ...(u.grants ?? []).map((g) => g.path)].some(
      (p) => p === 'km.zt2' || p.startsWith('km.zt2.') || 'km.zt2'.startsWith(`${p}.`),
    );
  for (const u of FIXTURE_USERS) {
    if (!has(u, 'tag.feed')) continue;
    const c = clients.get(u.username)!;
    const tpl = await c.request('GET', `/tags/${tag.id}/feed/template`);
    const pull = await c.request('POST', `/tags/${tag.id}/pull`, { mode: 'incremental' });
    if (related(u)) {
      expect(tpl.status, `${u.username} template`).toBe(200);
      expect(pull.status, `${u.username} pull`).toBe(400);
    } else {
      expect(tpl.status, `${u.username} template`).toBe(404);
      // pullLineTag answers an invisible tag with the missing-feed 400 instead of 404; either way nothing is read or written.
      expect([400, 404], `${u.username} pull`).toContain(pull.status);
    }
  }
}

async function colleaguesMatrix({ clients }: Ctx): Promise<void> {
  // Delegation targets: the active accounts inside the caller's write scope, never outside.
  for (const u of FIXTURE_USERS) {
    if (!has(u, 'task.handle')) continue;
    const r = await clients.get(u.username)!.request('GET', '/inbox/colleagues?q=f_');
    expect(r.status, u.username).toBe(200);
    const names = new Set((r.json as { items: { displayName: string }[] }).items.map((i) => i.displayName));
    for (const v of FIXTURE_USERS) {
      if (v === u || !v.username.startsWith('f_')) continue;
      expect(names.has(v.username), `${u.username} sees colleague ${v.username}`).toBe(expectedInScope(u, v.orgPath, 'write'));
    }
  }
}

async function filesMatrix({ t, clients }: Ctx): Promise<void> {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001', 'hex');
  const up = await clients
    .get('f_gridworker')!
    .request('POST', '/files', { name: '现场.png', mime: 'image/png', dataBase64: png.toString('base64') });
  expect(up.status).toBe(200);
  const fileId = (up.json as { file: { id: number | string } }).file.id;
  for (const u of FIXTURE_USERS) {
    const r = await clients.get(u.username)!.request('GET', `/files/${fileId}`);
    expect(r.status, `${u.username} file of the own grid`).toBe(expectedInScope(u, GRIDS.own, 'read') ? 200 : 404);
  }
  // Attaching to another grid's task is refused and stores nothing.
  const [task] = (await t
    .db('tasks')
    .insert({
      workflow_id: 'matrix-file',
      signal_name: 'submit',
      form_key: 'demo.approval',
      title: '附件任务',
      biz_type: 'visit',
      candidate_role: 'grid_worker',
      candidate_org_path: GRIDS.otherDistrict,
      org_path: GRIDS.otherDistrict,
      idempotency_key: 'matrix-file',
    })
    .returning('id')) as { id: number }[];
  const before = Number((await t.db('files').count({ n: '*' }))[0].n);
  const bad = await clients
    .get('f_gridworker')!
    .request('POST', '/files', { name: 'x.png', mime: 'image/png', dataBase64: png.toString('base64'), taskId: Number(task.id) });
  expect(bad.status).toBeGreaterThanOrEqual(400);
  expect(Number((await t.db('files').count({ n: '*' }))[0].n)).toBe(before);
}

async function consoleFiltersMatrix({ clients }: Ctx): Promise<void> {
  // Saved filters belong to one user: another user neither sees nor deletes them.
  const a = clients.get('f_city')!;
  const b = clients.get('f_district')!;
  const saved = await a.request('POST', '/console/filters', { name: '超期', filter: { overdue: 'true' } });
  expect(saved.status).toBe(200);
  const id = (saved.json as { item: { id: number } }).item.id;
  expect(((await b.request('GET', '/console/filters')).json as { items: unknown[] }).items).toHaveLength(0);
  expect((await b.request('DELETE', `/console/filters/${id}`)).status).toBe(404);
  expect(((await a.request('GET', '/console/filters')).json as { items: unknown[] }).items).toHaveLength(1);
  expect((await a.request('DELETE', `/console/filters/${id}`)).status).toBe(204);
}

describe('N-5 scope matrix: org tree, users, audit, tasks', () => {
  it('N-5 custom cases', async () => {
    const runs = new Set<(c: Ctx) => Promise<void>>();
    for (const c of Object.values(CASES)) if (c.kind === 'custom') runs.add(c.run);
    for (const run of runs) await run(ctx);
  });
});

/** The generic element routes: houses and grid workers exist in every fixture grid. */
async function recordsMatrix({ t, clients }: Ctx): Promise<void> {
  for (const [type, table] of [
    ['house', 'houses'],
    ['grid_worker', 'grid_workers'],
  ] as const) {
    const ids = {} as Record<Target, number>;
    for (const target of TARGETS) ids[target] = (await t.db(table).where({ org_path: GRIDS[target] }).first('id')).id;
    for (const u of FIXTURE_USERS) {
      if (!has(u, 'element.read')) continue;
      const c = clients.get(u.username)!;
      const list = await c.request('GET', `/elements/${type}?pageSize=100`);
      expect(list.status, `${u.username} list ${type}`).toBe(200);
      for (const p of listPaths(list.json)) expect(expectedInScope(u, p, 'read'), `${u.username} list ${type} leaked ${p}`).toBe(true);
      for (const target of TARGETS) {
        const r = await c.request('GET', `/elements/${type}/${ids[target]}`);
        const label = `${u.username} ${type} ${target}`;
        if (expectedInScope(u, GRIDS[target], 'read')) expect(r.status, label).toBe(200);
        else expect([403, 404], label).toContain(r.status);
      }
    }
  }
}

/**
 * Writes of the generic element routes and resident registration: a PATCH changes the row (one
 * version more) exactly inside the write scope and nothing elsewhere; a create lands only in a
 * grid/household of the write scope; the history reads like the detail.
 */
async function recordWritesMatrix({ t, fx, clients }: Ctx): Promise<void> {
  const houses = {} as Record<Target, number>;
  for (const target of TARGETS) houses[target] = (await t.db('houses').where({ org_path: GRIDS[target] }).first('id')).id;
  let seq = 0;
  const createdWorkers: number[] = [];
  const createdResidents: number[] = [];
  const memberCounts = await t.db('households').whereIn('id', Object.values(fx.household)).select('id', 'member_count');
  for (const u of FIXTURE_USERS) {
    const c = clients.get(u.username)!;
    for (const target of TARGETS) {
      const label = `${u.username} (${u.role} @ ${u.orgPath}) → ${target}`;
      if (has(u, 'element.read')) {
        const v = await c.request('GET', `/elements/house/${houses[target]}/versions`);
        if (expectedInScope(u, GRIDS[target], 'read')) expect(v.status, `versions ${label}`).toBe(200);
        else expect([403, 404], `versions ${label}`).toContain(v.status);
      }
      if (!has(u, 'element.write')) continue;
      const allowed = expectedInScope(u, GRIDS[target], 'write');
      const before = await t.db('houses').where({ id: houses[target] }).first();
      const status = before.status === '出租' ? '自住' : '出租';
      const p = await c.request('PATCH', `/elements/house/${houses[target]}`, { status });
      const after = await t.db('houses').where({ id: houses[target] }).first();
      if (allowed) {
        expect(p.status, `patch ${label}`).toBe(200);
        expect(after.version, `patch ${label}`).toBe(before.version + 1);
      } else {
        expect([403, 404], `patch ${label}`).toContain(p.status);
        expect(after, `patch ${label}`).toEqual(before);
      }
      seq++;
      const w = await c.request('POST', '/elements/grid_worker', {
        gridId: fx.orgs[GRIDS[target]],
        name: `矩阵网格员${seq}`,
        kind: 'full_time',
        subKind: 'member',
      });
      if (allowed) {
        expect(w.status, `create worker ${label}`).toBe(201);
        createdWorkers.push((w.json as { id: number }).id);
      } else {
        expect([403, 404], `create worker ${label}`).toContain(w.status);
        expect(
          await t
            .db('grid_workers')
            .where({ name: `矩阵网格员${seq}` })
            .first(),
        ).toBeUndefined();
      }
      const first17 = `65020219700101${String(seq).padStart(3, '0')}`;
      const r = await c.request('POST', '/residents', {
        householdId: fx.household[target],
        name: `矩阵居民${seq}`,
        gender: '男',
        birthDate: '1970-01-01',
        ethnicity: '汉族',
        idNumber: first17 + idNumberCheckDigit(first17),
        residenceType: '户籍人口',
        registrationStatus: '人户一致',
      });
      if (allowed) {
        expect(r.status, `create resident ${label}`).toBe(201);
        createdResidents.push((r.json as { id: number }).id);
      } else {
        // A household outside the write scope is answered like an absent one: 400 naming householdId.
        expect(r.status, `create resident ${label}`).toBe(400);
        expect(
          await t
            .db('residents')
            .where({ name: `矩阵居民${seq}` })
            .first(),
        ).toBeUndefined();
      }
    }
  }
  // Leave the fixture as it was: one resident and one worker per grid (the list matrix counts them).
  await t.db('resident_versions').whereIn('resident_id', createdResidents).delete();
  await t.db('residents').whereIn('id', createdResidents).delete();
  await t.db('element_versions').where('element_type', 'grid_worker').whereIn('element_id', createdWorkers).delete();
  await t.db('grid_workers').whereIn('id', createdWorkers).delete();
  for (const h of memberCounts) await t.db('households').where({ id: h.id }).update({ member_count: h.member_count });
}
