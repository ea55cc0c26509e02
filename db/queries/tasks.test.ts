import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTasksActivities } from '../../activities/tasks';
import { createTestDb, type TestDb } from '../testing/server';
import { claimTask, closeTaskRow, countInbox, delegateTask, inboxQuery, listInbox, unclaimTask } from './tasks';
import { seedTaskWorld, type TaskWorld } from './tasks.fixture';

let t: TestDb;
let w: TaskWorld;
let acts: ReturnType<typeof createTasksActivities>;
let seq = 0;

function poolTask(grid: string, extra: Record<string, unknown> = {}) {
  seq++;
  return acts.createTask({
    signalName: 'submit',
    formKey: 'demo-approval',
    title: `走访任务 ${seq}`,
    bizType: 'visit',
    candidateRole: 'grid_worker',
    candidateOrgPath: grid,
    orgPath: grid,
    idempotencyKey: `test/${seq}`,
    ...extra,
  });
}

beforeAll(async () => {
  t = await createTestDb();
  w = await seedTaskWorld(t.db);
  acts = createTasksActivities(t.db);
});
afterAll(async () => {
  await t.drop();
});

describe('tasks: inbox, claim, delegate, close', () => {
  it('M-3 createTask is idempotent on its key: a retried activity creates no second task', async () => {
    const a = await poolTask(w.grid1, { idempotencyKey: 'wf-1/run-1/1' });
    const b = await poolTask(w.grid1, { idempotencyKey: 'wf-1/run-1/1' });
    expect(a.created).toBe(true);
    expect(b).toEqual({ taskId: a.taskId, created: false });
    expect(Number((await t.db('tasks').where({ idempotency_key: 'wf-1/run-1/1' }).count({ n: '*' }))[0].n)).toBe(1);
  });

  it('M-3 inbox scope: a worker sees their grid pool, never another grid task; counts by type', async () => {
    const mine = await poolTask(w.grid1);
    const theirs = await poolTask(w.grid2);
    const direct = await acts.createTask({
      signalName: 'submit',
      formKey: 'demo-approval',
      title: '指定任务',
      bizType: 'collection',
      assigneeUserId: w.worker1.userId,
      orgPath: w.grid1,
      idempotencyKey: 'direct-1',
    });
    const ids1 = (await listInbox(t.db, w.worker1, { pageSize: 100 })).items.map((x) => x.id);
    expect(ids1).toContain(mine.taskId);
    expect(ids1).toContain(direct.taskId);
    expect(ids1).not.toContain(theirs.taskId);
    const ids2 = (await listInbox(t.db, w.worker2, { pageSize: 100 })).items.map((x) => x.id);
    expect(ids2).toContain(theirs.taskId);
    expect(ids2).not.toContain(mine.taskId);
    expect(ids2).not.toContain(direct.taskId);
    // the community leader holds no grid_worker role: no pool tasks
    expect((await listInbox(t.db, w.leader)).items).toHaveLength(0);
    const counts = await countInbox(t.db, w.worker1);
    expect(counts.find((c) => c.bizType === 'collection')?.count).toBe(1);
    expect((await listInbox(t.db, w.worker1, { type: 'collection' })).items.map((x) => x.id)).toEqual([direct.taskId]);
  });

  it('M-3 overdue filter and flag', async () => {
    const past = await poolTask(w.grid1, { dueAt: new Date(Date.now() - 3600_000).toISOString(), bizType: 'patrol' });
    const r = await listInbox(t.db, w.worker1, { overdue: true, pageSize: 100 });
    expect(r.items.map((x) => x.id)).toContain(past.taskId);
    expect(r.items.every((x) => x.overdue)).toBe(true);
    const counts = await countInbox(t.db, w.worker1);
    expect(counts.find((c) => c.bizType === 'patrol')?.overdue).toBe(1);
  });

  it('M-3 due filter: today (Asia/Shanghai) and within a week', async () => {
    const inTwoDays = await poolTask(w.grid1, { dueAt: new Date(Date.now() + 2 * 86_400_000).toISOString(), bizType: 'due-test' });
    const inTenDays = await poolTask(w.grid1, { dueAt: new Date(Date.now() + 10 * 86_400_000).toISOString(), bizType: 'due-test' });
    const today = (await listInbox(t.db, w.worker1, { type: 'due-test', due: 'today' })).items.map((x) => x.id);
    const week = (await listInbox(t.db, w.worker1, { type: 'due-test', due: 'week' })).items.map((x) => x.id);
    expect(today).toEqual([]);
    expect(week).toEqual([inTwoDays.taskId]);
    expect((await listInbox(t.db, w.worker1, { type: 'due-test', overdue: false })).items.map((x) => x.id)).toEqual([
      inTwoDays.taskId,
      inTenDays.taskId,
    ]);
    const page2 = await listInbox(t.db, w.worker1, { type: 'due-test', pageSize: 1, page: 2 });
    expect(page2).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(page2.items.map((x) => x.id)).toEqual([inTenDays.taskId]);
  });

  it('N-3 claim race: of two workers claiming at once exactly one wins; the other gets a Chinese reason', async () => {
    const { taskId } = await poolTask(w.grid1);
    const [a, b] = await Promise.all([claimTask(t.db, w.worker1, taskId), claimTask(t.db, w.worker1b, taskId)]);
    const wins = [a, b].filter((x) => x.ok);
    const loses = [a, b].filter((x) => !x.ok);
    expect(wins).toHaveLength(1);
    expect(loses).toHaveLength(1);
    const loser = loses[0];
    if (loser.ok) throw new Error('unreachable');
    expect(loser.reason).toBe('taken');
    expect(loser.message).toMatch(/已被(李网格|王网格)认领/);
    // the claimed task leaves the other worker's inbox
    const other = a.ok ? w.worker1b : w.worker1;
    expect((await listInbox(t.db, other, { pageSize: 100 })).items.map((x) => x.id)).not.toContain(taskId);
    // a worker of another grid cannot claim at all
    const { taskId: t2 } = await poolTask(w.grid1);
    const r = await claimTask(t.db, w.worker2, t2);
    expect(r.ok).toBe(false);
  });

  it('M-3 unclaim returns the task to the pool; delegate moves it to another user in scope', async () => {
    const { taskId } = await poolTask(w.grid1);
    expect((await claimTask(t.db, w.worker1, taskId)).ok).toBe(true);
    expect((await unclaimTask(t.db, w.worker1b, taskId)).ok).toBe(false);
    expect((await unclaimTask(t.db, w.worker1, taskId)).ok).toBe(true);
    expect((await listInbox(t.db, w.worker1b, { pageSize: 100 })).items.map((x) => x.id)).toContain(taskId);
    // delegate needs a claim first
    const pre = await delegateTask(t.db, w.worker1, taskId, w.worker1b.userId);
    expect(pre.ok).toBe(false);
    expect((await claimTask(t.db, w.worker1, taskId)).ok).toBe(true);
    // a user outside the delegator's scope is refused
    const out = await delegateTask(t.db, w.worker1, taskId, w.worker2.userId);
    expect(out.ok || out.reason).toBe('bad_target');
    const d = await delegateTask(t.db, w.worker1, taskId, w.worker1b.userId);
    expect(d.ok && d.task.assigneeUserId).toBe(w.worker1b.userId);
    expect((await listInbox(t.db, w.worker1, { pageSize: 100 })).items.map((x) => x.id)).not.toContain(taskId);
  });

  it('M-3 closeTask expires a live task once; a completed task is left as it is', async () => {
    const { taskId } = await poolTask(w.grid1, { idempotencyKey: 'close-me' });
    const a = await acts.closeTask('close-me', 'expired');
    expect(a).toEqual({ taskId, status: 'expired', changed: true });
    const b = await acts.closeTask(taskId, 'cancelled');
    expect(b).toEqual({ taskId, status: 'expired', changed: false });
    const c = await claimTask(t.db, w.worker1, taskId);
    expect(c.ok || c.message).toContain('超期');
    await t
      .db('tasks')
      .insert({ ...(await t.db('tasks').where({ id: taskId }).first()), id: undefined, idempotency_key: 'done', status: 'completed' });
    expect((await closeTaskRow(t.db, { idempotencyKey: 'done' }, 'expired'))?.status).toBe('completed');
    expect(await acts.closeTask('nope', 'expired')).toEqual({ taskId: null, status: 'missing', changed: false });
  });

  it('M-3 inbox stays index-bound at 100k open tasks (no sequential scan of tasks)', async () => {
    await t.db.raw(`
      INSERT INTO tasks (workflow_id, signal_name, form_key, title, biz_type, candidate_role, candidate_org_path, org_path, status, due_at, idempotency_key, assignee_user_id)
      SELECT 'bulk-' || i, 'submit', 'demo-approval', '批量任务', (ARRAY['visit','patrol','collection'])[1 + i % 3], 'grid_worker',
             ('km.bulk.s' || (i % 40) || '.g' || (i % 2000))::ltree, ('km.bulk.s' || (i % 40) || '.g' || (i % 2000))::ltree,
             CASE WHEN i % 5 = 0 THEN 'completed' ELSE 'open' END, now() + (i % 100) * interval '1 hour', 'bulk-' || i, NULL
      FROM generate_series(1, 125000) i`);
    await t.db.raw('ANALYZE tasks');
    const q = inboxQuery(t.db, w.worker1).select('t.id').orderByRaw('t.due_at ASC NULLS LAST').limit(20);
    const { sql, bindings } = q.toSQL();
    const plan = await t.db.raw(`EXPLAIN ${sql}`, bindings as never);
    const text = (plan.rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
    if (process.env.SHOW_PLAN) console.log(text);
    expect(text).not.toMatch(/Seq Scan on tasks/);
    expect(text).toMatch(/tasks_candidate_gist/);
    const { sql: csql, bindings: cb } = inboxQuery(t.db, w.worker1).count({ n: '*' }).toSQL();
    const cplan = await t.db.raw(`EXPLAIN ${csql}`, cb as never);
    expect((cplan.rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n')).not.toMatch(/Seq Scan on tasks/);
  });
});
