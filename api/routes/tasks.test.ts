/**
 * The human-task flow end to end on real PostgreSQL with the embedded engine (time skipping):
 * a workflow creates a task, the inbox shows it within scope, the API validates and delivers the
 * submission as a signal, closed tasks are refused, deadlines expire tasks.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTasksActivities } from '../../activities/tasks';
import { seedTaskWorld, type TaskWorld } from '../../db/queries/tasks.fixture';
import type { Actor } from '../../db/scope';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { createRuntime, type Runtime, Sm4PayloadCodec } from '../../temporal-config/index';
import type { DemoApprovalInput, DemoApprovalResult } from '../../workflows/demo-approval-messages';
import { createApp } from '../app';
import { createLogger } from '../logger';

const here = path.dirname(fileURLToPath(import.meta.url));
const DAY = 86_400_000;

let t: TestDb;
let w: TaskWorld;
let rt: Runtime;
let base: string;
let close: () => void;
let seq = 0;

function as(actor: Actor) {
  const headers = { 'content-type': 'application/json', 'x-test-user': actor.username };
  return {
    get: async (p: string) => {
      const r = await fetch(`${base}${p}`, { headers });
      return { status: r.status, body: await r.json() };
    },
    post: async (p: string, body: unknown = {}) => {
      const r = await fetch(`${base}${p}`, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: r.status, body: r.status === 204 ? null : await r.json() };
    },
  };
}

async function startApproval(extra: Partial<DemoApprovalInput> = {}) {
  seq++;
  const workflowId = `demo-approval-${seq}`;
  const handle = await rt.client.start<DemoApprovalResult>('demoApproval', {
    workflowId,
    taskQueue: rt.taskQueue,
    args: [
      { title: `困难补助审批 ${seq}`, applicant: '张三', orgPath: w.grid1, candidateRole: 'grid_worker', deadlineMs: 3 * DAY, ...extra },
    ],
  });
  await rt.idle?.();
  const task = await t.db('tasks').where({ workflow_id: workflowId }).first();
  if (!task) throw new Error('task not created');
  return { handle, workflowId, taskId: Number(task.id) };
}

beforeAll(async () => {
  t = await createTestDb({ poolMax: 10 });
  w = await seedTaskWorld(t.db);
  rt = await createRuntime({
    db: t.db,
    address: null,
    timeSkipping: true,
    startAt: Date.now(),
    workflowsPath: path.resolve(here, '../../workflows/demo-approval.ts'),
    activities: createTasksActivities(t.db),
    taskQueue: 'tasks-test',
  });
  const actors = new Map([w.worker1, w.worker1b, w.worker2, w.leader].map((a) => [a.username, a]));
  const app = createApp(
    { db: t.db, log: createLogger('silent'), workflows: rt.client },
    { resolveActor: async (req) => actors.get(String(req.header('x-test-user'))) ?? null },
  );
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/api`;
  close = () => server.close();
}, 120_000);

afterAll(async () => {
  close?.();
  await rt?.shutdown();
  await t?.drop();
});

describe('human tasks through the API and the embedded engine', () => {
  it('M-3 a workflow creates a task; the inbox shows it in scope only, with its form', async () => {
    const { taskId } = await startApproval();
    const mine = await as(w.worker1).get('/tasks');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((x: { id: number }) => x.id)).toContain(taskId);
    const theirs = await as(w.worker2).get('/tasks');
    expect(theirs.body.items.map((x: { id: number }) => x.id)).not.toContain(taskId);
    expect((await as(w.worker2).get(`/tasks/${taskId}`)).status).toBe(404);
    const detail = await as(w.worker1).get(`/tasks/${taskId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.form.key).toBe('demo-approval');
    expect(detail.body.form.schema.required).toEqual(['decision']);
    expect(detail.body.form.uiSchema.decision['ui:widget']).toBe('radio');
    expect(detail.body.canHandle).toBe(true);
    const counts = await as(w.worker1).get('/tasks/counts');
    expect(counts.body.byType.find((c: { bizType: string }) => c.bizType === 'demo_approval').count).toBeGreaterThanOrEqual(1);
    const bad = await as(w.worker1).get('/tasks?overdue=maybe');
    expect(bad.status).toBe(400);
  });

  it('M-3 an invalid submission gets Chinese field errors and changes nothing; a valid one advances the workflow', async () => {
    const { taskId, handle } = await startApproval();
    const u = as(w.worker1);
    const r1 = await u.post(`/tasks/${taskId}/submit`, { data: { decision: 'reject' } });
    expect(r1.status).toBe(400);
    expect(r1.body.error.fields.map((f: { field: string }) => f.field)).toContain('comment');
    expect(r1.body.error.fields.find((f: { field: string }) => f.field === 'comment').message).toMatch(/[\u4e00-\u9fa5]/);
    const r2 = await u.post(`/tasks/${taskId}/submit`, { data: { decision: 'maybe' } });
    expect(r2.status).toBe(400);
    expect(r2.body.error.fields[0].message).toContain('审批意见');
    expect((await t.db('tasks').where({ id: taskId }).first()).status).toBe('open');
    expect(await handle.query('demoApproval.state')).toMatchObject({ stage: 'waiting', taskId });

    const ok = await u.post(`/tasks/${taskId}/submit`, { data: { decision: 'approve', comment: '情况属实' } });
    expect(ok.status).toBe(200);
    expect(ok.body.task.status).toBe('completed');
    await rt.idle?.();
    expect(await handle.result()).toEqual({ outcome: 'approved', taskId, comment: '情况属实', decidedBy: w.worker1.userId });
  });

  it('M-3 a submission for a task already closed is refused with a clear message and changes nothing', async () => {
    const { taskId } = await startApproval();
    expect((await as(w.worker1).post(`/tasks/${taskId}/submit`, { data: { decision: 'approve' } })).status).toBe(200);
    const before = await t.db('tasks').where({ id: taskId }).first();
    const again = await as(w.worker1b).post(`/tasks/${taskId}/submit`, { data: { decision: 'reject', comment: '不同意再提交' } });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('已办结');
    const after = await t.db('tasks').where({ id: taskId }).first();
    expect(after).toEqual(before);
  });

  it('N-3 claim race through the API: one wins, the other gets a Chinese 409 naming the winner', async () => {
    const { taskId, handle } = await startApproval();
    const [a, b] = await Promise.all([as(w.worker1).post(`/tasks/${taskId}/claim`), as(w.worker1b).post(`/tasks/${taskId}/claim`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    const winner = a.status === 200 ? w.worker1 : w.worker1b;
    const other = a.status === 200 ? w.worker1b : w.worker1;
    expect(loser.body.error.message).toMatch(/已被.+认领/);
    // the loser cannot submit either; the winner can
    const refused = await as(other).post(`/tasks/${taskId}/submit`, { data: { decision: 'approve' } });
    expect(refused.status).toBe(409);
    expect((await as(winner).post(`/tasks/${taskId}/submit`, { data: { decision: 'approve' } })).status).toBe(200);
    await rt.idle?.();
    expect((await handle.result()).decidedBy).toBe(winner.userId);
  });

  it('M-3 delegate and unclaim through the API', async () => {
    const { taskId } = await startApproval();
    expect((await as(w.worker1).post(`/tasks/${taskId}/claim`)).status).toBe(200);
    const bad = await as(w.worker1).post(`/tasks/${taskId}/delegate`, { userId: w.worker2.userId });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].field).toBe('userId');
    const d = await as(w.worker1).post(`/tasks/${taskId}/delegate`, { userId: w.worker1b.userId });
    expect(d.status).toBe(200);
    expect(d.body.task.assigneeUserId).toBe(w.worker1b.userId);
    const u = await as(w.worker1b).post(`/tasks/${taskId}/unclaim`);
    expect(u.status).toBe(403);
    expect(u.body.error.message).toContain('转办');
  });

  it('M-3 the deadline expires the task (time skipping); a late submission is refused', async () => {
    const { taskId, handle } = await startApproval({ deadlineMs: 2 * DAY });
    await rt.skipTime?.('1 day');
    expect((await t.db('tasks').where({ id: taskId }).first()).status).toBe('open');
    await rt.skipTime?.('1 day');
    await rt.skipTime?.('1 minute');
    expect(await handle.result()).toEqual({ outcome: 'expired', taskId });
    // the console's search attributes follow the process
    const d = await handle.describe();
    expect(d.searchAttributes).toMatchObject({ BizType: ['demo_approval'], Overdue: [true], OrgPath: [w.grid1] });
    expect(d.searchAttributes.OrgScope).toContain(w.community);
    const listed = [];
    for await (const x of rt.client.list({ type: 'demoApproval', searchAttributes: { Overdue: true, OrgScope: w.community } }))
      listed.push(x.workflowId);
    expect(listed).toContain(handle.workflowId);
    const row = await t.db('tasks').where({ id: taskId }).first();
    expect(row.status).toBe('expired');
    const late = await as(w.worker1).post(`/tasks/${taskId}/submit`, { data: { decision: 'approve' } });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('超期');
  });

  it('M-3 a submission that wins the race against the deadline is still delivered (the workflow waits for it)', async () => {
    const { taskId, handle } = await startApproval({ deadlineMs: DAY });
    // The API committed the completion, its signal not yet applied when the deadline fires.
    await t
      .db('tasks')
      .where({ id: taskId })
      .update({ status: 'completed', completed_by: w.worker1.userId, result: JSON.stringify({ decision: 'reject', comment: '材料不全' }) });
    await rt.skipTime?.('1 day');
    await rt.skipTime?.('1 minute');
    expect(await handle.query('demoApproval.state')).toMatchObject({ stage: 'waiting' });
    expect((await t.db('tasks').where({ id: taskId }).first()).status).toBe('completed');
    await handle.signal('demoApproval.submit', {
      taskId,
      data: { decision: 'reject', comment: '材料不全' },
      completedBy: w.worker1.userId,
    });
    await rt.idle?.();
    expect(await handle.result()).toMatchObject({ outcome: 'rejected', comment: '材料不全' });
  });

  it('N-3 a burst of submissions larger than the connection pool all complete', async () => {
    const started = [];
    for (let i = 0; i < 14; i++) started.push(await startApproval());
    const results = await Promise.all(
      started.map(({ taskId }) => as(w.worker1).post(`/tasks/${taskId}/submit`, { data: { decision: 'approve' } })),
    );
    expect(results.map((r) => r.status)).toEqual(started.map(() => 200));
    await rt.idle?.();
    for (const { handle } of started) expect((await handle.result()).outcome).toBe('approved');
  });

  it('M-3 if the signal cannot be delivered the task is not completed', async () => {
    const { taskId, handle } = await startApproval();
    await handle.terminate('测试：流程被终止');
    const r = await as(w.worker1).post(`/tasks/${taskId}/submit`, { data: { decision: 'approve' } });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toContain('流程已结束');
    const row = await t.db('tasks').where({ id: taskId }).first();
    expect(row.status).toBe('cancelled');
    expect(row.result).toBeNull();
    expect(row.completed_by).toBeNull();
  });

  it('I-4 a fetched history holds no plain ID number or phone; the SM4 codec decodes it', async () => {
    const secret = { id: '650203199001011234', phone: '13912345678' };
    const { handle, taskId } = await startApproval({ applicant: `张三 ${secret.id} ${secret.phone}` });
    expect(
      (await as(w.worker1).post(`/tasks/${taskId}/submit`, { data: { decision: 'approve', comment: `核对 ${secret.phone}` } })).status,
    ).toBe(200);
    await rt.idle?.();
    await handle.result();
    const history = await handle.fetchHistory();
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    for (const enc of ['utf8', 'latin1'] as const) {
      expect(bytes.toString(enc)).not.toContain(secret.id);
      expect(bytes.toString(enc)).not.toContain(secret.phone);
    }
    const stored = await t.db.raw(
      `SELECT string_agg(encode(data, 'escape'), '') AS s FROM wf_history WHERE run_id IN (SELECT run_id FROM wf_executions WHERE workflow_id = ?)`,
      [handle.workflowId],
    );
    expect(stored.rows[0].s).not.toContain(secret.id);
    // the payloads are there, encrypted: the codec gives the input back
    const started = history.events?.[0].workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const [plain] = await new Sm4PayloadCodec().decode(started);
    expect((defaultPayloadConverter.fromPayload(plain) as DemoApprovalInput).applicant).toContain(secret.id);
  });
});
