/**
 * The inbox, attachments and workflow console over HTTP (M-3, N-3, N-5), with real demo approval
 * processes on the embedded engine (time skipping) and PostgreSQL: inbox scope, claim races,
 * submissions refused after close or with an action the task does not allow, photo uploads in
 * scope, the console's list / detail / overdue filter, saved filters, and admin actions by role
 * only, audited.
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTasksActivities } from '../../activities/tasks';
import { insertTask } from '../../db/queries/tasks';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { createRuntime, type Runtime } from '../../temporal-config';
import type { DemoApprovalInput } from '../../workflows/demo-approval-messages';
import { createApp } from '../app';
import { setClock } from '../auth/clock';
import { hashPassword } from '../auth/passwords';
import { createActorResolver } from '../auth/session';
import { FIXTURE_PASSWORD, GRIDS, seedFixture } from '../auth/test-fixture';
import { createLogger } from '../logger';

const workflowsPath = fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
const HOUR = 3_600_000;

interface Res {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely
  json: any;
  body: Buffer;
  headers: Headers;
}
type Client = (method: string, path: string, body?: unknown) => Promise<Res>;

let t: TestDb;
let rt: Runtime;
let base: string;
let close: () => Promise<void>;
let restoreClock: () => void;
const u: Record<string, Client> = {};
const ids: Record<string, number> = {};

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
    return { status: r.status, json, body: buf, headers: r.headers };
  };
  const r = await call('POST', '/auth/login', { username, password: FIXTURE_PASSWORD });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.json)}`);
  return call;
}

async function addWorker(username: string, displayName: string, orgPath: string, role = 'grid_worker'): Promise<number> {
  const org = await t.db('org_units').where({ path: orgPath }).first();
  const [row] = await t
    .db('users')
    .insert({
      username,
      display_name: displayName,
      password_hash: await hashPassword(FIXTURE_PASSWORD),
      must_change_password: false,
      org_id: org.id,
      org_path: orgPath,
    })
    .returning('id');
  await t.db('user_roles').insert({ user_id: row.id, role_code: role });
  return Number(row.id);
}

const USERS = ['f_gridworker', 'i_worker1b', 'i_worker_other', 'f_supervisor', 'f_sysadmin', 'f_community'];

/** Skips virtual time; sessions idle out on the same clock, so everyone logs in again. */
async function skip(d: string) {
  await rt.skipTime?.(d);
  for (const name of USERS) u[name] = await login(name);
}

let seq = 0;
async function startDemo(grid: string, deadlineMs = 48 * HOUR, title = '演示审批'): Promise<{ workflowId: string; taskId: number }> {
  const workflowId = `demo-api-${++seq}`;
  const input: DemoApprovalInput = { title: `${title}${seq}`, applicant: '张三', orgPath: grid, candidateRole: 'grid_worker', deadlineMs };
  await rt.client.start('demoApproval', { workflowId, taskQueue: rt.taskQueue, args: [input] });
  await rt.idle?.();
  const task = await t.db('tasks').where({ workflow_id: workflowId }).first();
  return { workflowId, taskId: Number(task.id) };
}

beforeAll(async () => {
  t = await createTestDb();
  await seedFixture(t.db);
  ids.worker1b = await addWorker('i_worker1b', '王同格', GRIDS.own);
  ids.workerOther = await addWorker('i_worker_other', '赵邻格', GRIDS.otherCommunity);
  rt = await createRuntime({
    db: t.db,
    address: null,
    timeSkipping: true,
    workflowsPath,
    startAt: Date.now(),
    activities: createTasksActivities(t.db),
  });
  restoreClock = setClock(rt.now);
  const app = createApp({ db: t.db, log: createLogger('silent'), workflows: rt.client }, { resolveActor: createActorResolver() });
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  close = () =>
    new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  for (const name of USERS) u[name] = await login(name);
}, 180_000);

afterAll(async () => {
  await close?.();
  restoreClock?.();
  await rt?.shutdown();
  await t?.drop();
});

describe('inbox over HTTP (M-3, N-3)', () => {
  it('M-3 inbox scope: a worker sees their grid pool, never another grid task (list, detail, claim, submit)', async () => {
    const mine = await startDemo(GRIDS.own);
    const theirs = await startDemo(GRIDS.otherCommunity);
    const list = await u.f_gridworker('GET', '/tasks?pageSize=100');
    expect(list.status).toBe(200);
    const seen = list.json.items.map((x: { id: number }) => x.id);
    expect(seen).toContain(mine.taskId);
    expect(seen).not.toContain(theirs.taskId);
    const other = await u.i_worker_other('GET', '/tasks?pageSize=100');
    expect(other.json.items.map((x: { id: number }) => x.id)).toContain(theirs.taskId);
    expect(other.json.items.map((x: { id: number }) => x.id)).not.toContain(mine.taskId);

    expect((await u.f_gridworker('GET', `/tasks/${theirs.taskId}`)).status).toBe(404);
    const claim = await u.f_gridworker('POST', `/tasks/${theirs.taskId}/claim`);
    expect(claim.status).toBe(404);
    const submit = await u.f_gridworker('POST', `/tasks/${theirs.taskId}/submit`, { data: { decision: 'approve' } });
    expect(submit.status).toBe(404);
    expect((await t.db('tasks').where({ id: theirs.taskId }).first()).status).toBe('open');
    const counts = await u.f_gridworker('GET', '/tasks/counts');
    expect(counts.json.byType.find((b: { bizType: string }) => b.bizType === 'demo_approval').count).toBe(
      list.json.items.filter((x: { bizType: string }) => x.bizType === 'demo_approval').length,
    );
  });

  it('N-3 claim race over HTTP: two workers claim at once, one wins, the other is told who has it', async () => {
    const { taskId } = await startDemo(GRIDS.own);
    const [a, b] = await Promise.all([u.f_gridworker('POST', `/tasks/${taskId}/claim`), u.i_worker1b('POST', `/tasks/${taskId}/claim`)]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    const winnerName = a.status === 200 ? a.json.task.claimedByName : b.json.task.claimedByName;
    expect(loser.json.error.message).toContain(`已被${winnerName}认领`);
    const row = await t.db('tasks').where({ id: taskId }).first();
    expect(row.status).toBe('claimed');
    // The loser can no longer submit; the winner can.
    const loserClient = a.status === 409 ? u.f_gridworker : u.i_worker1b;
    const winnerClient = a.status === 200 ? u.f_gridworker : u.i_worker1b;
    expect((await loserClient('POST', `/tasks/${taskId}/submit`, { data: { decision: 'approve' } })).status).toBe(409);
    expect((await winnerClient('POST', `/tasks/${taskId}/submit`, { data: { decision: 'approve' } })).status).toBe(200);
  });

  it('M-3 a submission after the deadline closed the task is refused, says why, and changes nothing', async () => {
    const { workflowId, taskId } = await startDemo(GRIDS.own, 2 * HOUR);
    await skip('3 hours');
    const before = await t.db('tasks').where({ id: taskId }).first();
    expect(before.status).toBe('expired');
    const r = await u.f_gridworker('POST', `/tasks/${taskId}/submit`, { data: { decision: 'approve' } });
    expect(r.status).toBe(409);
    expect(r.json.error.message).toContain('超期关闭');
    const after = await t.db('tasks').where({ id: taskId }).first();
    expect(after).toEqual(before);
    expect(await rt.client.getHandle(workflowId).result()).toMatchObject({ outcome: 'expired' });
    // The detail still opens (the phone shows why), flagged closed and not handleable.
    const d = await u.f_gridworker('GET', `/tasks/${taskId}`);
    expect(d.status).toBe(200);
    expect(d.json.canHandle).toBe(false);
    expect(d.json.task.status).toBe('expired');
  });

  it('M-3 an action outside the task data.allowedActions is refused (400, field action) and nothing changes', async () => {
    const { id } = await insertTask(t.db, {
      workflowId: 'issue-allowed-test',
      signalName: 'issue.taskSubmitted',
      formKey: 'issue.grid_verify',
      title: '核实：路灯损坏',
      bizType: 'issue',
      data: { allowedActions: ['report', 'invalid'] },
      candidateRole: 'grid_worker',
      candidateOrgPath: GRIDS.own,
      orgPath: GRIDS.own,
      idempotencyKey: 'allowed-actions-test',
    });
    const r = await u.f_gridworker('POST', `/tasks/${id}/submit`, { data: { action: 'self_handle', result: '已现场处理完毕' } });
    expect(r.status).toBe(400);
    expect(r.json.error.fields[0].field).toBe('action');
    expect(r.json.error.message).toBe('办理操作“自行处置”不是该任务当前允许的操作，请从“核实上报”、“无效件”中选择后再提交');
    expect((await t.db('tasks').where({ id }).first()).status).toBe('open');
  });
});

describe('attachments (M-3, N-5)', () => {
  // A 1×1 PNG.
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

  it('M-3 a worker uploads a photo to their task; it reads back in scope only; wrong types and sizes are refused; uploads are audited', async () => {
    const { taskId } = await startDemo(GRIDS.own);
    const up = await u.f_gridworker('POST', '/files', { name: '现场照片.png', mime: 'image/png', dataBase64: png, taskId });
    expect(up.status).toBe(200);
    const id = up.json.file.id as string;
    const get = await u.f_gridworker('GET', `/files/${id}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('image/png');
    expect(get.body.equals(Buffer.from(png, 'base64'))).toBe(true);
    expect((await u.i_worker_other('GET', `/files/${id}`)).status).toBe(404);
    expect((await u.f_community('GET', `/files/${id}`)).status).toBe(200); // the community holds the grid

    const exe = await u.f_gridworker('POST', '/files', { name: 'a.exe', mime: 'application/x-msdownload', dataBase64: png });
    expect(exe.status).toBe(400);
    expect(exe.json.error.fields[0].field).toBe('mime');
    const big = Buffer.alloc(3 * 1024 * 1024 + 10, 1).toString('base64');
    const tooBig = await u.f_gridworker('POST', '/files', { name: 'big.jpg', mime: 'image/jpeg', dataBase64: big });
    expect(tooBig.status).toBe(400);
    const other = await u.i_worker_other('POST', '/files', { name: 'x.png', mime: 'image/png', dataBase64: png, taskId });
    expect(other.status).toBe(409);
    const audit = await t.db('audit_log').where({ action: 'file_upload', object_id: id }).first();
    expect(audit).toBeTruthy();
  });
});

describe('workflow console (M-3, N-5)', () => {
  it('M-3 list: running processes in scope with counts; a worker has no console; overdue filter after time passes', async () => {
    const fresh = await startDemo(GRIDS.own, 100 * HOUR, '控制台');
    const late = await startDemo(GRIDS.own, 200 * HOUR, '将超期');
    expect((await u.f_gridworker('GET', '/console/workflows')).status).toBe(403);
    const list = await u.f_supervisor('GET', '/console/workflows?status=running&type=demoApproval&pageSize=100');
    expect(list.status).toBe(200);
    const wfIds = list.json.items.map((x: { workflowId: string }) => x.workflowId);
    expect(wfIds).toContain(fresh.workflowId);
    const row = list.json.items.find((x: { workflowId: string }) => x.workflowId === fresh.workflowId);
    expect(row).toMatchObject({ typeLabel: '演示审批', statusLabel: '运行中', overdue: false, orgPath: GRIDS.own });
    expect(row.deadlineAt).toBeTruthy();
    expect(list.json.counts.byType.find((c: { type: string }) => c.type === 'demoApproval').count).toBe(list.json.total);

    // Sorted by deadline ascending: the fresh one (100 h) before the late one (200 h).
    const sorted = await u.f_supervisor('GET', '/console/workflows?status=running&sort=deadline&order=asc&pageSize=100');
    const order = sorted.json.items.map((x: { workflowId: string }) => x.workflowId);
    expect(order.indexOf(fresh.workflowId)).toBeLessThan(order.indexOf(late.workflowId));

    // A deadline range picks by 办理时限.
    const until = new Date(rt.now().getTime() + 150 * HOUR).toISOString();
    const ranged = await u.f_supervisor('GET', `/console/workflows?status=running&deadlineTo=${encodeURIComponent(until)}&pageSize=100`);
    const rangedIds = ranged.json.items.map((x: { workflowId: string }) => x.workflowId);
    expect(rangedIds).toContain(fresh.workflowId);
    expect(rangedIds).not.toContain(late.workflowId);

    await skip('101 hours');
    const overdue = await u.f_supervisor('GET', '/console/workflows?overdue=true&pageSize=100');
    const overdueIds = overdue.json.items.map((x: { workflowId: string }) => x.workflowId);
    expect(overdueIds).toContain(fresh.workflowId);
    expect(overdueIds).not.toContain(late.workflowId);
    // Outside the org filter nothing of this grid shows.
    const elsewhere = await u.f_supervisor('GET', `/console/workflows?overdue=true&org=${GRIDS.otherDistrict}`);
    expect(elsewhere.json.items.map((x: { workflowId: string }) => x.workflowId)).not.toContain(fresh.workflowId);
  });

  it('M-3 detail: Chinese timeline with the timer fire time, pending timer with time remaining, state query, related tasks', async () => {
    const { workflowId } = await startDemo(GRIDS.own, 48 * HOUR);
    const d = await u.f_supervisor('GET', `/console/workflows/${workflowId}`);
    expect(d.status).toBe(200);
    const titles = d.json.timeline.map((e: { title: string }) => e.title);
    expect(titles).toContain('流程启动');
    expect(titles).toContain('活动完成：创建待办任务');
    expect(titles).toContain('设置定时器');
    expect(d.json.pendingTimers).toHaveLength(1);
    const timer = d.json.pendingTimers[0];
    expect(new Date(timer.fireAt).getTime() - new Date(timer.startedAt).getTime()).toBe(48 * HOUR);
    expect(timer.remainingMs).toBeGreaterThan(47 * HOUR);
    expect(d.json.state).toMatchObject({ available: true, value: { stage: 'waiting' } });
    expect(d.json.tasks).toHaveLength(1);
    expect(d.json.tasks[0].candidateRoleName).toBe('专职网格员');
    expect(d.json.canAdmin).toBe(false);
    expect((await u.f_supervisor('GET', '/console/workflows/no-such-process')).status).toBe(404);

    // After the worker submits, task events sit beside the history events they belong to.
    const task = await t.db('tasks').where({ workflow_id: workflowId }).first();
    expect((await u.f_gridworker('POST', `/tasks/${task.id}/submit`, { data: { decision: 'approve' } })).status).toBe(200);
    await rt.idle?.();
    const after = await u.f_supervisor('GET', `/console/workflows/${workflowId}`);
    const seq = after.json.timeline.map((e: { title: string }) => e.title) as string[];
    const at = (re: RegExp) => seq.findIndex((x) => re.test(x));
    expect(at(/已派发$/)).toBe(at(/^活动完成：创建待办任务$/) + 1);
    expect(at(/提交了任务/)).toBe(at(/^收到表单提交$/) - 1);
    expect(at(/^流程完成$/)).toBe(seq.length - 1);
    expect(after.json.process).toMatchObject({ status: 'COMPLETED', stageLabel: '已办结' });
  });

  it('N-5 admin actions by role only, with a reason, audited: terminate closes the tasks; cancel lets the process end itself', async () => {
    const a = await startDemo(GRIDS.own);
    const b = await startDemo(GRIDS.own);
    const denied = await u.f_supervisor('POST', `/console/workflows/${a.workflowId}/terminate`, { reason: '测试终止' });
    expect(denied.status).toBe(403);
    const noReason = await u.f_sysadmin('POST', `/console/workflows/${a.workflowId}/terminate`, {});
    expect(noReason.status).toBe(400);

    const term = await u.f_sysadmin('POST', `/console/workflows/${a.workflowId}/terminate`, { reason: '重复发起，终止' });
    expect(term.status).toBe(200);
    expect((await t.db('tasks').where({ id: a.taskId }).first()).status).toBe('cancelled');
    expect((await rt.client.getHandle(a.workflowId).describe()).status.name).toBe('TERMINATED');
    const again = await u.f_sysadmin('POST', `/console/workflows/${a.workflowId}/terminate`, { reason: '再次终止' });
    expect(again.status).toBe(409);
    expect(await t.db('audit_log').where({ action: 'workflow_terminate', object_id: a.workflowId }).first()).toBeTruthy();

    const cancel = await u.f_sysadmin('POST', `/console/workflows/${b.workflowId}/cancel`, { reason: '申请人撤回' });
    expect(cancel.status).toBe(200);
    await rt.idle?.();
    expect((await rt.client.getHandle(b.workflowId).describe()).status.name).not.toBe('RUNNING');
    expect(await t.db('audit_log').where({ action: 'workflow_cancel', object_id: b.workflowId }).first()).toBeTruthy();

    const c = await startDemo(GRIDS.own);
    const sig = await u.f_sysadmin('POST', `/console/workflows/${c.workflowId}/signal`, {
      name: 'demoApproval.submit',
      args: [{ taskId: c.taskId, data: { decision: 'approve' }, completedBy: 1 }],
      reason: '代为送达审批结果',
    });
    expect(sig.status).toBe(200);
    await rt.idle?.();
    expect(await rt.client.getHandle(c.workflowId).result()).toMatchObject({ outcome: 'approved' });
    const retry = await u.f_sysadmin('POST', `/console/workflows/${c.workflowId}/retry`, { reason: '重试' });
    expect(retry.status).toBe(409);
    expect(retry.json.error.message).toMatch(/没有需要重试的失败活动/);
  });

  it('M-3 saved filters belong to their user; unknown filter fields are refused', async () => {
    const s = await u.f_supervisor('POST', '/console/filters', { name: '本区超期', filter: { overdue: 'true', org: 'km.zt1' } });
    expect(s.status).toBe(200);
    const again = await u.f_supervisor('POST', '/console/filters', { name: '本区超期', filter: { overdue: 'true', org: 'km.zt2' } });
    expect(again.json.item.id).toBe(s.json.item.id);
    const mine = await u.f_supervisor('GET', '/console/filters');
    expect(mine.json.items).toEqual([expect.objectContaining({ name: '本区超期', filter: { overdue: 'true', org: 'km.zt2' } })]);
    expect((await u.f_sysadmin('GET', '/console/filters')).json.items).toEqual([]);
    expect((await u.f_sysadmin('DELETE', `/console/filters/${s.json.item.id}`)).status).toBe(404);
    const bad = await u.f_supervisor('POST', '/console/filters', { name: '坏的', filter: { dropTable: 'x' } });
    expect(bad.status).toBe(400);
    expect((await u.f_supervisor('DELETE', `/console/filters/${s.json.item.id}`)).status).toBe(204);
  });
});

describe('console on a Temporal cluster (M-3)', () => {
  it.skipIf(!process.env.TEMPORAL_ADDRESS)(
    'M-3 the same console list, detail and terminate work on a Temporal cluster (skipped: needs TEMPORAL_ADDRESS and `npm run temporal:setup`)',
    async () => {
      const crt = await createRuntime({ db: t.db, activities: createTasksActivities(t.db), taskQueue: `inbox-test-${Date.now()}` });
      const app = createApp({ db: t.db, log: createLogger('silent'), workflows: crt.client }, { resolveActor: createActorResolver() });
      const server = app.listen(0);
      await new Promise((r) => server.once('listening', r));
      const saved = base;
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
      try {
        const sup = await login('f_supervisor');
        const admin = await login('f_sysadmin');
        const workflowId = `demo-cluster-${Date.now()}`;
        const input: DemoApprovalInput = {
          title: '集群演示审批',
          applicant: '张三',
          orgPath: GRIDS.own,
          candidateRole: 'grid_worker',
          deadlineMs: 48 * HOUR,
        };
        await crt.client.start('demoApproval', { workflowId, taskQueue: crt.taskQueue, args: [input] });
        await expect
          .poll(async () => (await t.db('tasks').where({ workflow_id: workflowId }).first())?.status, { timeout: 30_000 })
          .toBe('open');
        const d = await sup('GET', `/console/workflows/${workflowId}`);
        expect(d.status).toBe(200);
        expect(d.json.timeline.map((e: { title: string }) => e.title)).toContain('设置定时器');
        expect(d.json.pendingTimers).toHaveLength(1);
        expect(d.json.state).toMatchObject({ available: true, value: { stage: 'waiting' } });
        await expect
          .poll(
            async () =>
              (await sup('GET', '/console/workflows?status=running&pageSize=100')).json.items.map(
                (x: { workflowId: string }) => x.workflowId,
              ),
            {
              timeout: 15_000,
            },
          )
          .toContain(workflowId);
        expect((await admin('POST', `/console/workflows/${workflowId}/terminate`, { reason: '集群测试结束' })).status).toBe(200);
      } finally {
        base = saved;
        await new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        });
        await crt.shutdown();
      }
    },
    120_000,
  );
});
