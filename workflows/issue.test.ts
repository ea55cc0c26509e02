/**
 * IssueWorkflow on the embedded engine with time skipping (Q-1..Q-5): every path of the flow,
 * every deadline and all three supervision layers, extensions, returns, re-dispatch, verification
 * loops, a deadline across the 2025 National Day break — and each history replays cleanly on the
 * official replayer. Tasks are submitted the way the API does: the row is completed, then the
 * workflow is signalled.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIssueActivities } from '../activities/issue';
import { createMailer, type PlatformMailer } from '../activities/mail/mailer';
import type { Db } from '../db/connection';
import { type GridContext, gridContext, insertIssue } from '../db/queries/issues';
import { listCaughtMail } from '../db/queries/mail';
import { createTestDb, type TestDb } from '../db/testing/server';
import { createTestEnv, type TestEnv } from '../engine/testing';
import { type IssueInput, type IssueState, issueStateQuery, residentRated, taskSubmitted } from './issue-messages';

const workflowsPath = fileURLToPath(new URL('./index.ts', import.meta.url));
const cst = (s: string) => Date.parse(`${s}+08:00`);

interface Fixture {
  ctx: GridContext;
  otherCommunity: { id: number; path: string; name: string };
  otherStreet: { id: number; path: string; name: string };
  deptA: { id: number; path: string; name: string };
  deptB: { id: number; path: string; name: string };
  deptASub: { id: number; path: string; name: string };
  resident: number;
  worker: number;
}

async function fixture(db: Db): Promise<Fixture> {
  const grid = await db('org_units').where({ type: 'grid' }).orderBy('id').first();
  const ctx = (await gridContext(db, grid.id))!;
  const otherCommunity =
    (await db('org_units')
      .select('id', 'path', 'name')
      .where({ type: 'community' })
      .whereNot('id', ctx.community.id)
      .whereRaw('path <@ ?::ltree', [ctx.street.path])
      .first()) ??
    (await db('org_units').select('id', 'path', 'name').where({ type: 'community' }).whereNot('id', ctx.community.id).first());
  const otherStreet = await db('org_units').select('id', 'path', 'name').where({ type: 'street' }).whereNot('id', ctx.street.id).first();
  const [deptA, deptB] = await db('org_units').select('id', 'path', 'name').where({ type: 'department' }).orderBy('id').limit(2);
  const [sub] = await db('org_units')
    .insert({
      code: 'TSUB1',
      name: `${deptA.name}市政设施管理中心`,
      type: 'department',
      parent_id: deptA.id,
      path: `${deptA.path}.sub1`,
      level: 3,
    })
    .returning(['id', 'path', 'name']);
  const [resident] = await db('users')
    .insert({
      username: 'resident_t',
      display_name: '居民甲',
      password_hash: 'x',
      org_id: ctx.grid.id,
      org_path: ctx.grid.path,
      must_change_password: false,
    })
    .returning('id');
  const [worker] = await db('users')
    .insert({
      username: 'worker_t',
      display_name: '网格员乙',
      password_hash: 'x',
      org_id: ctx.grid.id,
      org_path: ctx.grid.path,
      must_change_password: false,
    })
    .returning('id');
  const [sup] = await db('users')
    .insert({
      username: 'jw_t',
      display_name: '纪委干部',
      password_hash: 'x',
      org_id: ctx.district.id,
      org_path: ctx.district.path,
      must_change_password: false,
      email: 'jw@klmy.gov.cn',
    })
    .returning('id');
  await db('user_roles').insert({ user_id: sup.id, role_code: 'supervisor' });
  return { ctx, otherCommunity, otherStreet, deptA, deptB, deptASub: sub, resident: resident.id, worker: worker.id };
}

let t: TestDb;
let env: TestEnv;
let mailer: PlatformMailer;
let f: Fixture;
let now: () => Date = () => new Date();
const START = cst('2025-11-03T09:00:00'); // Monday

beforeAll(async () => {
  t = await createTestDb();
  f = await fixture(t.db);
  mailer = await createMailer(t.db, {});
  env = await createTestEnv({
    db: t.db,
    workflowsPath,
    activities: createIssueActivities({ db: t.db, now: () => now(), mailer }),
    startAt: START,
    maxCachedWorkflows: 2,
  });
  now = () => new Date(env.clock.now());
}, 180_000);

afterAll(async () => {
  await env?.shutdown();
  await mailer?.close();
  await t?.drop();
});

async function report(over: Partial<IssueInput> = {}) {
  const source = over.source ?? 'grid';
  const { issueNo } = await insertIssue(t.db, {
    title: over.title ?? '小区路灯损坏',
    description: '三号楼前路灯不亮',
    source,
    complexity: over.complexity ?? 'general',
    gridId: f.ctx.grid.id,
    orgPath: f.ctx.grid.path,
    reporterUserId: source === 'grid' ? f.worker : undefined,
    residentUserId: source === 'resident' ? f.resident : undefined,
  });
  const input: IssueInput = {
    issueNo,
    title: over.title ?? '小区路灯损坏',
    source,
    complexity: 'general',
    ...f.ctx,
    reporterUserId: source === 'grid' ? f.worker : undefined,
    residentUserId: source === 'resident' ? f.resident : undefined,
    ...over,
  };
  const h = await env.client.start('issueWorkflow', { workflowId: `issue-${issueNo}`, taskQueue: env.taskQueue, args: [input] });
  await env.idle();
  return { issueNo, h };
}

type Handle = Awaited<ReturnType<typeof report>>['h'];

async function openTasks(issueNo: string) {
  return t.db('tasks').where({ biz_id: issueNo }).whereIn('status', ['open', 'claimed']).orderBy('id');
}

/** Submits the one open task of `kind` (optionally for a department) as the API would. */
async function act(h: Handle, issueNo: string, kind: string, data: Record<string, unknown>, by = 1, dept?: { path: string }) {
  const tasks = (await openTasks(issueNo)).filter((x) => x.data.kind === kind && (!dept || x.candidate_org_path === dept.path));
  expect(
    tasks.map((x) => x.data.kind),
    `one open ${kind} task`,
  ).toEqual([kind]);
  const task = tasks[0];
  expect(task.data.allowedActions).toContain(data.action);
  await t
    .db('tasks')
    .where({ id: task.id })
    .update({ status: 'completed', completed_by: null, result: JSON.stringify(data), completed_at: t.db.fn.now() });
  await h.signal(taskSubmitted, { taskId: Number(task.id), data, completedBy: by });
  await env.idle();
  return task;
}

const state = (h: Handle) => h.query(issueStateQuery) as Promise<IssueState>;
const timeline = async (issueNo: string) =>
  (
    await t.db('issue_steps as s').join('issues as i', 'i.id', 's.issue_id').where('i.issue_no', issueNo).orderBy('s.id').select('s.action')
  ).map((r) => r.action);
const histories: { workflowId: string }[] = [];

describe('IssueWorkflow (Q-1)', () => {
  it('Q-1 grid report → community handles → grid verifies and rates → archived (Q-5 internal rating)', async () => {
    const { issueNo, h } = await report();
    histories.push(h);
    expect((await state(h)).step).toBe('community');
    const community = (await openTasks(issueNo))[0];
    expect(community).toMatchObject({
      candidate_role: 'community_staff',
      candidate_org_path: f.ctx.community.path,
      form_key: 'issue.community',
    });
    await act(h, issueNo, 'community', { action: 'handle', result: '已联系物业更换灯泡' });
    const verify = (await openTasks(issueNo))[0];
    expect(verify.assignee_user_id).toBe(f.worker); // the reporter verifies
    await act(h, issueNo, 'verify', { action: 'pass', stars: 5, comment: '处理及时' }, f.worker);
    await act(h, issueNo, 'archive', { action: 'archive' });
    const final = (await h.result()) as IssueState;
    expect(final).toMatchObject({ step: 'archived', closedBy: 'community', internalRating: { stars: 5 } });
    expect(await openTasks(issueNo)).toEqual([]);
    expect(await timeline(issueNo)).toEqual(['created', 'handle', 'verify_pass', 'archive', 'archived']);
    const row = await t.db('issues').where({ issue_no: issueNo }).first();
    expect(row).toMatchObject({ step: 'archived', internal_rating: 5 });
    expect(row.closed_at).not.toBeNull();
  });

  it('Q-1 resident submission → grid verifies → community escalates → street accepts and dispatches to two departments → feedback → verification fails once → archived, resident rates (Q-5)', async () => {
    const { issueNo, h } = await report({ source: 'resident' });
    histories.push(h);
    expect((await state(h)).step).toBe('grid_verify');
    await act(h, issueNo, 'grid_verify', { action: 'report', comment: '情况属实' });
    await act(h, issueNo, 'community', { action: 'escalate', reason: '需要职能部门处理' });
    expect((await state(h)).step).toBe('street');
    await act(h, issueNo, 'street', { action: 'accept', complexity: 'general' });
    await act(h, issueNo, 'street', { action: 'dispatch', deptIds: [f.deptA.id, f.deptB.id], comment: '请两部门协同处理' });
    let s = await state(h);
    expect(s.step).toBe('department');
    expect(s.dispatches.map((d) => d.dept.id)).toEqual([f.deptA.id, f.deptB.id]);
    for (const d of [f.deptA, f.deptB]) {
      await act(h, issueNo, 'department', { action: 'accept' }, 1, d);
      await act(h, issueNo, 'department', { action: 'feedback', result: `${d.name}已处理` }, 1, d);
    }
    expect((await state(h)).step).toBe('verify');
    await act(h, issueNo, 'verify', { action: 'fail', reason: '路灯仍不亮' });
    s = await state(h);
    expect(s).toMatchObject({ step: 'department', returnCount: 1 });
    expect(s.dispatches.every((d) => d.status === 'accepted')).toBe(true);
    for (const d of [f.deptA, f.deptB]) await act(h, issueNo, 'department', { action: 'feedback', result: '已再次维修' }, 1, d);
    await act(h, issueNo, 'verify', { action: 'pass', stars: 4 });
    await h.signal(residentRated, { stars: 5, comment: '满意', actor: { userId: f.resident, name: '居民甲' } });
    await env.idle();
    await act(h, issueNo, 'archive', { action: 'archive' });
    const final = (await h.result()) as IssueState;
    expect(final).toMatchObject({ step: 'archived', internalRating: { stars: 4 }, externalRating: { stars: 5 }, returnCount: 1 });
    expect(await timeline(issueNo)).toEqual([
      'created',
      'report',
      'escalate',
      'accept',
      'dispatch',
      'dept_accept',
      'feedback',
      'dept_accept',
      'feedback',
      'verify_fail',
      'feedback',
      'feedback',
      'verify_pass',
      'resident_rating',
      'archive',
      'archived',
    ]);
  });

  it('Q-1 a department returns the order, the street re-dispatches, the other sub-dispatches (二次调度); archive sends it back once (退回反馈) → difficult issue (Q-6)', async () => {
    const { issueNo, h } = await report();
    histories.push(h);
    await act(h, issueNo, 'community', { action: 'escalate', reason: '超出社区能力' });
    await act(h, issueNo, 'street', { action: 'dispatch', deptIds: [f.deptB.id] });
    await act(h, issueNo, 'department', { action: 'return', reason: '不属本部门职责' }, 1, f.deptB);
    let s = await state(h);
    expect(s).toMatchObject({ step: 'street', returnCount: 1 });
    const street = (await openTasks(issueNo))[0];
    expect(street.data.allowedActions).toContain('redispatch');
    await act(h, issueNo, 'street', { action: 'redispatch', deptIds: [f.deptA.id] });
    await act(h, issueNo, 'department', { action: 'accept' }, 1, f.deptA);
    await act(h, issueNo, 'department', { action: 'sub_dispatch', targetOrgId: f.deptB.id }, 1, f.deptA); // not a sub-unit: refused
    s = await state(h);
    expect(s.dispatches[0].handler).toBeUndefined();
    const reopened = (await openTasks(issueNo)).find((x) => x.data.kind === 'department')!;
    expect(reopened.data.note).toContain('下属单位');
    await act(h, issueNo, 'department', { action: 'sub_dispatch', targetOrgId: f.deptASub.id }, 1, f.deptA);
    await act(h, issueNo, 'department', { action: 'feedback', result: '中心已修复' }, 1, f.deptASub);
    await act(h, issueNo, 'verify', { action: 'pass', stars: 3 });
    await act(h, issueNo, 'archive', { action: 'return_feedback', reason: '反馈材料缺少照片' });
    s = await state(h);
    expect(s).toMatchObject({ step: 'department', returnCount: 2 });
    await act(h, issueNo, 'department', { action: 'feedback', result: '已补充照片' }, 1, f.deptASub);
    await act(h, issueNo, 'verify', { action: 'pass', stars: 4 });
    await act(h, issueNo, 'archive', { action: 'mark', mark: '表扬件' });
    await act(h, issueNo, 'archive', { action: 'archive' });
    const final = (await h.result()) as IssueState;
    expect(final).toMatchObject({ step: 'archived', returnCount: 2, marks: ['表扬件'] });
  });

  it('Q-1 transfers: community → another community, street → another street, invalid targets refused with a note', async () => {
    const { issueNo, h } = await report();
    histories.push(h);
    await act(h, issueNo, 'community', { action: 'transfer', targetOrgId: f.ctx.street.id, reason: '误转' });
    const again = (await openTasks(issueNo))[0];
    expect(again).toMatchObject({ candidate_org_path: f.ctx.community.path });
    expect(again.data.note).toContain('社区');
    await act(h, issueNo, 'community', { action: 'transfer', targetOrgId: f.otherCommunity.id, reason: '属于邻近社区' });
    expect((await openTasks(issueNo))[0]).toMatchObject({ candidate_org_path: f.otherCommunity.path });
    await act(h, issueNo, 'community', { action: 'escalate', reason: '需街道协调' });
    await act(h, issueNo, 'street', { action: 'transfer', targetOrgId: f.otherStreet.id, reason: '属地调整' });
    expect((await openTasks(issueNo))[0]).toMatchObject({ candidate_org_path: f.otherStreet.path, candidate_role: 'street_staff' });
    await act(h, issueNo, 'street', { action: 'close_self', result: '街道已协调解决' });
    await act(h, issueNo, 'verify', { action: 'pass', stars: 5 });
    await act(h, issueNo, 'archive', { action: 'archive' });
    expect(((await h.result()) as IssueState).closedBy).toBe('street');
  });

  it('Q-1 grid self-handling and invalid submissions end the flow at once', async () => {
    const a = await report({ selfHandled: { result: '网格员当场处置' } });
    histories.push(a.h);
    expect(((await a.h.result()) as IssueState).step).toBe('archived');
    const b = await report({ source: 'resident' });
    histories.push(b.h);
    await act(b.h, b.issueNo, 'grid_verify', { action: 'invalid', reason: '重复反映' });
    expect(((await b.h.result()) as IssueState).step).toBe('invalid');
  });

  it('Q-1 an action the step does not allow changes nothing', async () => {
    const { issueNo, h } = await report();
    histories.push(h);
    const task = (await openTasks(issueNo))[0];
    await h.signal(taskSubmitted, { taskId: Number(task.id), data: { action: 'dispatch', deptIds: [f.deptA.id] }, completedBy: 1 });
    await env.idle();
    const s = await state(h);
    expect(s.step).toBe('community');
    expect(s.dispatches).toEqual([]);
    expect(await timeline(issueNo)).toContain('stale_submission');
    await act(h, issueNo, 'community', { action: 'handle', result: '已处理' });
    await act(h, issueNo, 'verify', { action: 'pass', stars: 5 });
    await act(h, issueNo, 'archive', { action: 'archive' });
    await h.result();
  });
});

describe('IssueWorkflow deadlines and supervision (Q-4)', () => {
  it('Q-4 general issue: 3 working days, then 行管部门 → 分管领导 → 纪委监委 one working day apart, with a 督办单 PDF and e-mail', async () => {
    // Virtual time is wherever the previous tests left it; start from the next Monday 09:00.
    const start = env.clock.now();
    const { issueNo, h } = await report({ title: '下水道堵塞' });
    histories.push(h);
    const s0 = await state(h);
    const deadline = Date.parse(s0.handlingDeadline!);
    // Deadline is 24:00 CST of the 3rd working day after the report day.
    expect(new Date(deadline + 8 * 3600e3).toISOString().slice(11, 19)).toBe('00:00:00');
    expect(deadline).toBeGreaterThan(start + 3 * 86400e3 - 86400e3);
    await env.sleep(deadline - env.clock.now() - 60_000);
    expect((await state(h)).supervisionLevel).toBe(0);
    await env.sleep(120_000);
    expect((await state(h)).supervisionLevel).toBe(1);
    const notice1 = (await openTasks(issueNo)).find((x) => x.biz_type === 'issue_supervision')!;
    expect(notice1).toMatchObject({
      candidate_role: 'district_manager',
      candidate_org_path: f.ctx.district.path,
      form_key: 'issue.supervision_notice',
    });
    await env.sleep('5 days');
    const s = await state(h);
    expect(s.supervisionLevel).toBe(3);
    const notices = await t.db('tasks').where({ biz_id: issueNo, biz_type: 'issue_supervision' }).orderBy('id');
    expect(notices.map((n) => n.candidate_role)).toEqual(['district_manager', 'leader', 'supervisor']);
    const docs = await t.db('issue_documents as d').join('issues as i', 'i.id', 'd.issue_id').where('i.issue_no', issueNo).select('d.*');
    expect(docs).toHaveLength(1);
    expect(docs[0].file_name).toBe(`督办单-${issueNo}.pdf`);
    expect(docs[0].content.subarray(0, 5).toString()).toBe('%PDF-');
    const mail = await listCaughtMail(t.db, 1, 20);
    expect(mail.items.some((m) => m.subject?.includes('纪委监委督办') && m.to?.includes('jw@klmy.gov.cn'))).toBe(true);
    const row = await t.db('issues').where({ issue_no: issueNo }).first();
    expect(row.supervision_level).toBe(3);
    // The community can still finish it; supervision stops.
    await act(h, issueNo, 'community', { action: 'handle', result: '已疏通' });
    await act(h, issueNo, 'verify', { action: 'pass', stars: 2 });
    await act(h, issueNo, 'archive', { action: 'archive' });
    await h.result();
    // Archived: the 督办提醒 notices leave the leaders' inboxes too.
    expect(await openTasks(issueNo)).toEqual([]);
    expect((await t.db('tasks').where({ biz_id: issueNo, biz_type: 'issue_supervision' }).select('status')).map((x) => x.status)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
  });

  it('Q-4 an approved extension moves the deadline; no supervision at the old one', async () => {
    const { issueNo, h } = await report({ title: '违章搭建', complexity: 'complex' });
    histories.push(h);
    const old = Date.parse((await state(h)).handlingDeadline!);
    await act(h, issueNo, 'community', { action: 'escalate', reason: '需执法' });
    await act(h, issueNo, 'street', { action: 'dispatch', deptIds: [f.deptA.id] });
    await act(h, issueNo, 'department', { action: 'accept' }, 1, f.deptA);
    await act(h, issueNo, 'department', { action: 'request_extension', workingDays: 2, reason: '需等待鉴定结果' }, 1, f.deptA);
    const dept = (await openTasks(issueNo)).find((x) => x.data.kind === 'department')!;
    expect(dept.data.allowedActions).not.toContain('request_extension');
    await act(h, issueNo, 'extension_review', { action: 'approve', workingDays: 2 });
    const s = await state(h);
    const moved = Date.parse(s.handlingDeadline!);
    expect(s.extensionWorkingDays).toBe(2);
    expect(moved - old).toBeGreaterThanOrEqual(2 * 86400e3);
    await env.sleep(old - env.clock.now() + 3600e3);
    expect((await state(h)).supervisionLevel).toBe(0);
    await env.sleep(moved - env.clock.now() + 3600e3);
    expect((await state(h)).supervisionLevel).toBe(1);
    await act(h, issueNo, 'department', { action: 'feedback', result: '已拆除' }, 1, f.deptA);
    await act(h, issueNo, 'verify', { action: 'pass', stars: 4 });
    await act(h, issueNo, 'archive', { action: 'archive' });
    await h.result();
  });

  it('Q-4 a resident submission not verified within 1 working day reminds the community', async () => {
    const { issueNo, h } = await report({ source: 'resident', title: '楼道堆物' });
    histories.push(h);
    await env.sleep('4 days');
    const notice = (await openTasks(issueNo)).find((x) => x.biz_type === 'issue_supervision');
    expect(notice).toMatchObject({ candidate_role: 'community_staff', candidate_org_path: f.ctx.community.path });
    expect(await timeline(issueNo)).toContain('report_overdue');
    await act(h, issueNo, 'grid_verify', { action: 'invalid', reason: '已自行清理' });
    await h.result();
  });
});

describe('IssueWorkflow replay fidelity', () => {
  it('Q-1 every issue history above replays cleanly on the official replayer', async () => {
    expect(histories.length).toBeGreaterThanOrEqual(9);
    const bundle = await import('../engine/bundle').then((m) => m.workflowBundle(workflowsPath));
    for (const h of histories) {
      const history = await env.client.getHandle(h.workflowId).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, h.workflowId);
    }
    const errors = await t.db('wf_executions').whereNotNull('last_wft_error').select('workflow_id', 'last_wft_error');
    expect(errors).toEqual([]);
  });
});
