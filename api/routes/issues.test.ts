/**
 * The issue API end to end (Q-1..Q-6, M-4, I-6, N-5) over HTTP: reports, the task inbox driving the
 * IssueWorkflow on the embedded engine (time skipping), data scope of every issue route, the
 * resident's own submissions and rating, the responsibility list, supervision documents and the
 * mail catcher. The scope matrix (scope-matrix.test.ts) points here for these routes.
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIssueActivities } from '../../activities/issue';
import { createMailer, type PlatformMailer } from '../../activities/mail/mailer';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { createRuntime, type Runtime } from '../../temporal-config';
import { createApp } from '../app';
import { hashPassword } from '../auth/passwords';
import { createActorResolver } from '../auth/session';
import { FIXTURE_PASSWORD, GRIDS, seedFixture } from '../auth/test-fixture';
import { createLogger } from '../logger';

const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));

let t: TestDb;
let rt: Runtime;
let mailer: PlatformMailer;
let base: string;
let close: () => Promise<void>;
let orgs: Record<string, number>;

interface Res {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the test reads response fields freely
  json: any;
  headers: Headers;
  body: Buffer;
}
type Client = (method: string, path: string, body?: unknown) => Promise<Res>;

async function login(username: string): Promise<Client> {
  let cookie = '';
  const call: Client = async (method, path, body) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = r.headers.get('set-cookie');
    if (set?.startsWith('sid=')) cookie = set.split(';')[0];
    const buf = Buffer.from(await r.arrayBuffer());
    let json: unknown = null;
    try {
      json = JSON.parse(buf.toString('utf8'));
    } catch {
      json = null;
    }
    return { status: r.status, json, headers: r.headers, body: buf };
  };
  const r = await call('POST', '/auth/login', { username, password: FIXTURE_PASSWORD });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status}`);
  return call;
}

const u: Record<string, Client> = {};

beforeAll(async () => {
  t = await createTestDb();
  const fx = await seedFixture(t.db);
  orgs = fx.orgs;
  // A colleague in the neighbouring community, and a resident with no staff rights.
  const hash = await hashPassword(FIXTURE_PASSWORD);
  const [c2] = await t
    .db('users')
    .insert({
      username: 'i_community2',
      display_name: '邻社区工作人员',
      password_hash: hash,
      must_change_password: false,
      org_id: orgs['km.zt1.s1.c2'],
      org_path: 'km.zt1.s1.c2',
    })
    .returning('id');
  await t.db('user_roles').insert({ user_id: c2.id, role_code: 'community_staff' });
  mailer = await createMailer(t.db, {});
  let now = () => new Date();
  rt = await createRuntime({
    db: t.db,
    address: null,
    timeSkipping: true,
    workflowsPath,
    startAt: Date.parse('2025-11-03T09:00:00+08:00'),
    activities: createIssueActivities({ db: t.db, now: () => now(), mailer }),
  });
  now = rt.now;
  const app = createApp({ db: t.db, log: createLogger('silent'), workflows: rt.client }, { resolveActor: createActorResolver() });
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  close = () => new Promise((r) => server.close(() => r()));
  for (const name of [
    'f_gridworker',
    'f_community',
    'f_street',
    'f_dept',
    'f_district',
    'f_city',
    'f_supervisor',
    'f_resident',
    'f_sysadmin',
    'i_community2',
  ])
    u[name] = await login(name);
}, 180_000);

afterAll(async () => {
  await close?.();
  await rt?.shutdown();
  await mailer?.close();
  await t?.drop();
});

const ownGrid = () => orgs[GRIDS.own];
const report = (c: Client, over: Record<string, unknown> = {}) =>
  c('POST', '/issues', {
    title: '小区路灯损坏',
    description: '三号楼前路灯不亮已一周',
    gridId: ownGrid(),
    categoryCode: 'SZ02',
    location: { lng: 84.87, lat: 45.6 },
    ...over,
  });

async function myTask(c: Client, issueNo: string) {
  const r = await c('GET', '/tasks?pageSize=100');
  expect(r.status).toBe(200);
  return (r.json.items as { id: number; bizId: string; formKey: string }[]).find((x) => x.bizId === issueNo);
}

async function submit(c: Client, issueNo: string, data: Record<string, unknown>) {
  const task = await myTask(c, issueNo);
  expect(task, `a task for ${issueNo}`).toBeTruthy();
  const r = await c('POST', `/tasks/${task!.id}/submit`, { data });
  await rt.idle!();
  return r;
}

describe('issue reporting (M-4, N-5)', () => {
  it('M-4 a grid worker reports in their grid; another community, bad input and unknown grids are refused with nothing written', async () => {
    const before = await t.db('issues').count({ n: '*' }).first();
    const other = await report(u.f_gridworker, { gridId: orgs[GRIDS.otherCommunity] });
    expect(other.status).toBe(403);
    expect(other.json.error.code).toBe('OUT_OF_SCOPE');
    const bad = await u.f_gridworker('POST', '/issues', { description: '缺少标题', gridId: ownGrid() });
    expect(bad.status).toBe(400);
    expect(bad.json.error.fields.map((x: { field: string }) => x.field)).toContain('title');
    const notGrid = await report(u.f_gridworker, { gridId: orgs['km.zt1.s1.c1'] });
    expect(notGrid.status).toBe(400);
    expect(notGrid.json.error.fields[0].field).toBe('gridId');
    const selfNoResult = await report(u.f_gridworker, { selfHandled: true });
    expect(selfNoResult.status).toBe(400);
    const after = await t.db('issues').count({ n: '*' }).first();
    expect(after).toEqual(before);
    const ok = await report(u.f_gridworker);
    expect(ok.status).toBe(201);
    expect(ok.json.issueNo).toMatch(/^Q\d{14}$/);
    const audit = await t.db('audit_log').where({ object_type: 'issue', object_id: ok.json.issueNo, action: 'create' });
    expect(audit).toHaveLength(1);
  });
});

describe('the flow through the inbox (Q-1, Q-5)', () => {
  it('Q-1 community escalates, street dispatches to the department the list suggests, department feeds back, the reporter verifies, the street archives', async () => {
    const { issueNo } = (await report(u.f_gridworker)).json;
    await rt.idle!();
    // The neighbouring community sees neither the issue nor its task.
    expect((await u.i_community2('GET', `/issues/${issueNo}`)).status).toBe(404);
    expect(await myTask(u.i_community2, issueNo)).toBeUndefined();
    expect((await u.i_community2('GET', '/issues?tab=all')).json.items.map((i: { issueNo: string }) => i.issueNo)).not.toContain(issueNo);
    const todo = await u.f_community('GET', '/issues?tab=todo');
    expect(todo.json.items.map((i: { issueNo: string }) => i.issueNo)).toContain(issueNo);
    // An action the step does not offer, and a missing field, are refused and change nothing.
    const wrong = await submit(u.f_community, issueNo, { action: 'dispatch', deptIds: [1] });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.fields[0].field).toBe('action');
    const noReason = await submit(u.f_community, issueNo, { action: 'escalate' });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.fields.map((x: { field: string }) => x.field)).toContain('reason');
    expect((await u.f_community('GET', `/issues/${issueNo}`)).json.step).toBe('community');
    expect((await submit(u.f_community, issueNo, { action: 'escalate', reason: '需要职能部门处理' })).status).toBe(200);

    const suggest = await u.f_street('GET', `/issue-categories/suggest?categoryCode=SZ02&gridId=${ownGrid()}`);
    expect(suggest.status).toBe(200);
    expect(suggest.json.category.name).toBe('路灯故障');
    expect((await submit(u.f_street, issueNo, { action: 'dispatch', deptIds: [orgs['km.ztdept']], comment: '请公安协助' })).status).toBe(
      200,
    );
    expect((await submit(u.f_dept, issueNo, { action: 'accept' })).status).toBe(200);
    expect((await submit(u.f_dept, issueNo, { action: 'feedback', result: '已联系供电公司修复' })).status).toBe(200);
    expect((await submit(u.f_gridworker, issueNo, { action: 'pass', stars: 5, comment: '及时' })).status).toBe(200);
    expect((await submit(u.f_street, issueNo, { action: 'archive' })).status).toBe(200);
    const d = await u.f_community('GET', `/issues/${issueNo}`);
    expect(d.json).toMatchObject({ step: 'archived', internalRating: 5, location: { lng: 84.87, lat: 45.6 } });
    expect(d.headers.get('cache-control')).toBe('no-store');
    expect(d.json.timeline.map((x: { action: string }) => x.action)).toEqual([
      'created',
      'escalate',
      'dispatch',
      'dept_accept',
      'feedback',
      'verify_pass',
      'archive',
      'archived',
    ]);
    expect(d.json.timeline.find((x: { action: string }) => x.action === 'escalate').actorName).toBe('f_community');
  });
});

describe('supervision (Q-3, Q-4)', () => {
  it('Q-4 an overdue issue escalates to 纪委监委, whose 督办单 PDF is downloadable in scope; the joint-meeting list shows it (Q-3)', async () => {
    const { issueNo } = (await report(u.f_gridworker, { title: '下水道堵塞', categoryCode: 'CG01' })).json;
    await rt.idle!();
    await rt.skipTime!('8 days');
    const d = await u.f_district('GET', `/issues/${issueNo}`);
    expect(d.json.supervisionLevel).toBe(3);
    expect(d.json.overdue).toBe(true);
    const doc = d.json.documents[0];
    expect(doc.fileName).toBe(`督办单-${issueNo}.pdf`);
    const pdf = await u.f_district('GET', `/issues/${issueNo}/documents/${doc.id}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await u.i_community2('GET', `/issues/${issueNo}/documents/${doc.id}`)).status).toBe(404);
    const meeting = await u.f_supervisor('GET', '/issues/joint-meeting');
    expect(meeting.json.items.map((i: { issueNo: string }) => i.issueNo)).toContain(issueNo);
    expect((await u.f_gridworker('GET', '/issues/joint-meeting')).status).toBe(403);
    const overdue = await u.f_city('GET', '/issues?tab=overdue');
    expect(overdue.json.items.map((i: { issueNo: string }) => i.issueNo)).toContain(issueNo);
    const supervised = await u.f_city('GET', '/issues?tab=supervised');
    expect(supervised.json.items.map((i: { issueNo: string }) => i.issueNo)).toContain(issueNo);
  });
});

describe('resident entry (I-6, Q-5)', () => {
  it('I-6 a resident submits, tracks progress, cannot rate before the result, rates once after it', async () => {
    const sub = await u.f_resident('POST', '/my/issues', { title: '楼道灯不亮', description: '二单元楼道灯坏了', gridId: ownGrid() });
    expect(sub.status).toBe(201);
    const { issueNo } = sub.json;
    await rt.idle!();
    expect((await u.f_gridworker('GET', '/my/issues')).status).toBe(403);
    expect((await u.f_resident('GET', '/issues')).status).toBe(403);
    const mine = await u.f_resident('GET', '/my/issues');
    expect(mine.json.items.map((i: { issueNo: string }) => i.issueNo)).toContain(issueNo);
    expect((await u.f_resident('POST', `/my/issues/${issueNo}/rating`, { stars: 5 })).status).toBe(409);
    expect((await submit(u.f_gridworker, issueNo, { action: 'report', comment: '属实' })).status).toBe(200);
    expect((await submit(u.f_community, issueNo, { action: 'handle', result: '已更换灯泡' })).status).toBe(200);
    expect((await submit(u.f_gridworker, issueNo, { action: 'pass', stars: 4 })).status).toBe(200);
    const bad = await u.f_resident('POST', `/my/issues/${issueNo}/rating`, { stars: 9 });
    expect(bad.status).toBe(400);
    expect((await u.f_resident('POST', `/my/issues/${issueNo}/rating`, { stars: 5, comment: '很满意' })).status).toBe(200);
    await rt.idle!();
    expect((await u.f_resident('POST', `/my/issues/${issueNo}/rating`, { stars: 1 })).status).toBe(409);
    expect(await t.db('audit_log').where({ object_type: 'issue_rating', object_id: issueNo })).toHaveLength(1);
    const progress = await u.f_resident('GET', `/my/issues/${issueNo}`);
    expect(progress.json.externalRating).toBe(5);
    expect(progress.json.timeline.map((x: { action: string }) => x.action)).toContain('resident_rating');
    expect(JSON.stringify(progress.json)).not.toContain('已更换灯泡'); // staff notes stay internal
  });
});

describe('responsibility list and analysis (Q-2, Q-6)', () => {
  it('Q-2 the list is a category tree; only supervisors edit it, and edits are audited', async () => {
    const tree = await u.f_gridworker('GET', '/issue-categories');
    expect(tree.json.map((c: { code: string }) => c.code)).toContain('SZ');
    const body = { name: '共享单车乱停', parentCode: 'CG', complexity: 'general', parties: [{ party: '主责部门', dept: '城管' }] };
    expect((await u.f_gridworker('PUT', '/issue-categories/CG09', body)).status).toBe(403);
    expect((await u.f_city('PUT', '/issue-categories/cg-9', body)).status).toBe(400);
    const ok = await u.f_city('PUT', '/issue-categories/CG09', body);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ code: 'CG09', level: 2, parentCode: 'CG' });
    expect(await t.db('audit_log').where({ object_type: 'issue_category', object_id: 'CG09' })).toHaveLength(1);
  });

  it('Q-6 analysis counts by category and area within scope', async () => {
    const a = await u.f_city('GET', '/issues/analysis?period=day');
    expect(a.status).toBe(200);
    expect(a.json.byCategory.find((c: { name: string }) => c.name === '路灯故障').count).toBeGreaterThanOrEqual(2);
    expect(a.json.byArea.reduce((s: number, x: { count: number }) => s + x.count, 0)).toBeGreaterThanOrEqual(4);
    const other = await u.i_community2('GET', '/issues/analysis');
    expect(other.json.byCategory).toEqual([]);
  });
});

describe('mail catcher page (Q-4)', () => {
  it('Q-4 only the system administrator reads caught mail', async () => {
    expect((await u.f_city('GET', '/mail-catcher')).status).toBe(403);
    const r = await u.f_sysadmin('GET', '/mail-catcher');
    expect(r.status).toBe(200);
    expect(typeof r.json.total).toBe('number');
    expect((await u.f_sysadmin('GET', '/mail-catcher/999999')).status).toBe(404);
  });
});
