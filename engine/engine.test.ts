/**
 * Embedded engine on the real PostgreSQL: timers and deadlines with time skipping, signals racing
 * a deadline, queries, activity retries and timeouts, child workflows, continue-as-new, patches,
 * search attributes, cancellation and termination.
 */
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoActivities, type DemoActivityLog } from '../activities/demo';
import { createTestDb, type TestDb } from '../db/testing/server';
import { Sm4PayloadCodec } from '../temporal-config/codec';
import { approveSignal, statusQuery } from '../workflows/demo';
import { claimEffectOnce } from './activities';
import { workflowBundle } from './bundle';
import { proto } from './proto';
import { killSandboxThreadsForTest } from './sandbox';
import { createTestEnv, type TestEnv } from './testing';

const workflowsPath = fileURLToPath(new URL('../workflows/demo/index.ts', import.meta.url));

let t: TestDb;
let env: TestEnv;
const log: DemoActivityLog = { calls: [] };

beforeAll(async () => {
  t = await createTestDb();
  env = await createTestEnv({ db: t.db, workflowsPath, activities: createDemoActivities(log) });
});

afterAll(async () => {
  await env?.shutdown();
  await t?.drop();
});

describe('embedded engine', () => {
  it('runs a two-activity workflow to completion and records Temporal history', async () => {
    const h = await env.client.start('twoActivities', { workflowId: 'two-1', taskQueue: env.taskQueue, args: ['张三'] });
    expect(await h.result()).toBe('你好, 张三'.toUpperCase());
    const d = await h.describe();
    expect(d.status.name).toBe('COMPLETED');
    const history = await h.fetchHistory();
    const types = history.events.map((e) => e.eventType);
    expect(types[0]).toBe(1); // WorkflowExecutionStarted
    expect(types.at(-1)).toBe(2); // WorkflowExecutionCompleted
    expect(types.filter((x) => x === 10)).toHaveLength(2); // two ActivityTaskScheduled
  });

  it('concurrent starts and activity completions are written in groups: every run completes once, a duplicate id in a group is refused', async () => {
    const n = 40;
    const ids = Array.from({ length: n }, (_, i) => `group-${i}`);
    // Two starts of group-0 in the same burst: exactly one may win.
    const starts = await Promise.allSettled(
      [...ids, 'group-0'].map((id, i) =>
        env.client.start('twoActivities', { workflowId: id, taskQueue: env.taskQueue, args: [`居民${i}`] }),
      ),
    );
    const refused = starts.filter((s) => s.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toContain('group-0');
    const handles = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const results = await Promise.all(handles.map((h) => h.result()));
    expect(new Set(results).size).toBe(n);
    const [{ runs }] = await t.db('wf_executions').where('workflow_id', 'like', 'group-%').count({ runs: '*' });
    expect(Number(runs)).toBe(n);
    // Each run's history holds each activity's completion exactly once.
    const completed = await t
      .db('wf_history')
      .whereIn(
        'run_id',
        handles.map((h) => h.firstExecutionRunId as string),
      )
      .where({ event_type: 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED' })
      .count({ c: '*' });
    expect(Number(completed[0].c)).toBe(2 * n);
  });

  it('Q-timer: a 3-day sleep completes under time skipping without waiting', async () => {
    const h = await env.client.start('sleeper', { workflowId: 'sleep-1', taskQueue: env.taskQueue, args: ['3 days'] });
    const startedAt = env.clock.now();
    await env.sleep('2 days');
    expect((await h.describe()).status.name).toBe('RUNNING');
    await env.sleep('1 day');
    expect(await h.result()).toBe('你好, 醒来');
    expect(env.clock.now() - startedAt).toBe(3 * 86_400_000);
  });

  it('globals stay per run: what one run adds, replaces or deletes in the shared sandbox context, others never see', async () => {
    const a = await env.client.start('globalsOwn', { workflowId: 'globals-a', taskQueue: env.taskQueue, args: ['A'] });
    await env.idle();
    const b = await env.client.start('globalsOwn', { workflowId: 'globals-b', taskQueue: env.taskQueue, args: ['B'] });
    await env.idle();
    // A plain run in between uses the SDK (parseInt, escape untouched) while A and B sleep.
    const plain = await env.client.start('twoActivities', { workflowId: 'globals-plain', taskQueue: env.taskQueue, args: ['李四'] });
    expect(await plain.result()).toBe('你好, 李四'.toUpperCase());
    await env.sleep('1 hour');
    // Each saw pristine globals on start and its own changes after the others' tasks ran.
    expect(await a.result()).toBe('- 7 function | A A undefined');
    expect(await b.result()).toBe('- 7 function | B B undefined');
    const c = await env.client.start('globalsOwn', { workflowId: 'globals-c', taskQueue: env.taskQueue, args: ['C'] });
    await env.sleep('1 hour');
    expect(await c.result()).toBe('- 7 function | C C undefined');
  });

  it('globals stay per run with the sandboxes in the main thread too (sandboxThread: false)', async () => {
    const t2 = await createTestDb();
    const env2 = await createTestEnv({ db: t2.db, workflowsPath, activities: createDemoActivities(), sandboxThread: false });
    try {
      const a = await env2.client.start('globalsOwn', { workflowId: 'main-a', taskQueue: env2.taskQueue, args: ['A'] });
      await env2.idle();
      const b = await env2.client.start('globalsOwn', { workflowId: 'main-b', taskQueue: env2.taskQueue, args: ['B'] });
      await env2.idle();
      await env2.sleep('1 hour');
      expect(await a.result()).toBe('- 7 function | A A undefined');
      expect(await b.result()).toBe('- 7 function | B B undefined');
    } finally {
      await env2.shutdown();
      await t2.drop();
    }
  });

  it('signal racing a deadline: a signal before the deadline wins, queries see state', async () => {
    const h = await env.client.start('approval', { workflowId: 'appr-1', taskQueue: env.taskQueue, args: ['3 days'] });
    await env.sleep('1 day');
    expect(await h.query(statusQuery)).toBe('待审批');
    await h.signal(approveSignal, '李四');
    expect(await h.result()).toBe('已审批:李四');
    expect((await h.describe()).searchAttributes.CustomKeywordField).toEqual(['approved']);
    // The closed run's sandbox is gone (disposed in the sandbox thread at its close); a query is
    // answered by a replayed one.
    expect(await h.query(statusQuery)).toBe('已审批:李四');
  });

  it('signal racing a deadline: the deadline wins when no signal comes', async () => {
    const h = await env.client.start('approval', { workflowId: 'appr-2', taskQueue: env.taskQueue, args: ['3 days'] });
    await env.sleep('3 days');
    expect(await h.result()).toBe('已超时');
    await expect(h.signal(approveSignal, '迟到')).rejects.toThrow(/已结束/);
  });

  it('N-3 the sandbox thread dies: the waiting run fails one task, is rebuilt by replay in a new thread and completes', async () => {
    const h = await env.client.start('approval', { workflowId: 'appr-thread', taskQueue: env.taskQueue, args: ['3 days'] });
    await env.sleep('1 hour');
    expect(await h.query(statusQuery)).toBe('待审批');
    const replays = env.engine.stats.replays;
    await killSandboxThreadsForTest();
    await h.signal(approveSignal, '王五');
    await env.idle();
    const failed = await t.db('wf_executions').where({ workflow_id: 'appr-thread' }).first();
    expect(failed.wft_failures).toBe(1);
    expect(failed.last_wft_error).toMatch(/沙箱线程/);
    await env.sleep('1 minute'); // the failed task's retry backoff
    expect(await h.result()).toBe('已审批:王五');
    expect(env.engine.stats.replays).toBeGreaterThan(replays);
  });
});

describe('embedded engine: activities', () => {
  it('activity retries with backoff: two failures, then success, history shows one attempt', async () => {
    log.calls.length = 0;
    const h = await env.client.start('retrying', { workflowId: 'retry-1', taskQueue: env.taskQueue, args: ['x'] });
    const t0 = env.clock.now();
    await env.sleep('10 seconds');
    expect(await h.result()).toBe('x ok after 3');
    expect(log.calls.filter((c) => c.name === 'flaky').map((c) => c.attempt)).toEqual([1, 2, 3]);
    // backoff 1 s then 2 s (initialInterval 1 s, coefficient 2) on the virtual clock
    const history = await h.fetchHistory();
    const started = history.events.find((e) => e.activityTaskStartedEventAttributes)?.activityTaskStartedEventAttributes;
    expect(started?.attempt).toBe(3);
    expect(started?.lastFailure?.message).toContain('attempt 2');
    expect(env.clock.now() - t0).toBe(10_000);
  });

  it('activities see an idempotency key (workflow id + activity id) enforced once by a unique key', async () => {
    log.calls.length = 0;
    const h = await env.client.start('slowSteps', { workflowId: 'idem-1', taskQueue: env.taskQueue, args: ['幂等'] });
    await h.result();
    const keys = log.calls.filter((c) => c.name === 'slow').map((c) => c.idempotencyKey);
    expect(keys).toEqual(['idem-1/1', 'idem-1/2']);
    expect(await claimEffectOnce(t.db, 'idem-1/1')).toBe(true);
    expect(await claimEffectOnce(t.db, 'idem-1/1')).toBe(false); // a retried attempt skips the effect
  });

  it('a non-retryable activity failure fails the workflow with the cause', async () => {
    const h = await env.client.start('rejecting', { workflowId: 'reject-1', taskQueue: env.taskQueue, args: ['不符合条件'] });
    const err = await h.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (err as WorkflowFailedError).cause as Error | undefined;
    expect(String((activityFailure?.cause as Error | undefined)?.message)).toContain('不符合条件');
    expect((await h.describe()).status.name).toBe('FAILED');
  });

  it('start-to-close timeout: a hanging activity times out twice, the workflow sees a TimeoutFailure', async () => {
    const h = await env.client.start('timesOut', { workflowId: 'timeout-1', taskQueue: env.taskQueue });
    await env.sleep('10 seconds', { waitForActivities: false });
    expect(await h.result()).toBe('失败: Activity task timed out / TimeoutFailure');
    expect(log.calls.filter((c) => c.name === 'hang')).toHaveLength(2);
  });

  it('a workflow cancels its running activity (heartbeats carry the cancellation)', async () => {
    const h = await env.client.start('cancelsActivity', { workflowId: 'cancel-act-1', taskQueue: env.taskQueue });
    await env.sleep('1 second', { waitForActivities: false });
    expect(await h.result()).toBe('activity cancelled');
    const types = (await h.fetchHistory()).events.map((e) => e.eventType);
    expect(types).toContain(15); // ActivityTaskCancelRequested
    expect(types).toContain(16); // ActivityTaskCanceled
  });
});

describe('embedded engine: SM4 payload codec', () => {
  it('history holds no plain ID number; results and replay go through the same codec', async () => {
    const codec = new Sm4PayloadCodec({ key: Buffer.alloc(16, 7) });
    const t2 = await createTestDb();
    const env2 = await createTestEnv({ db: t2.db, workflowsPath, activities: createDemoActivities(), payloadCodecs: [codec] });
    try {
      const idNumber = '65020319800101123X';
      const h = await env2.client.start('twoActivities', { workflowId: 'codec-1', taskQueue: env2.taskQueue, args: [idNumber] });
      expect(await h.result()).toBe(`你好, ${idNumber}`.toUpperCase());
      const history = await h.fetchHistory();
      const raw = Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
      expect(raw).not.toContain(idNumber);
      expect(raw).not.toContain('65020319800101123');
      const rows = await t2.db('wf_history').select('data');
      expect(rows.some((r: { data: Buffer }) => r.data.toString('latin1').includes(idNumber))).toBe(false);
      await Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(workflowsPath), dataConverter: { payloadCodecs: [codec] } },
        history,
        'codec-1',
      );
    } finally {
      await env2.shutdown();
      await t2.drop();
    }
  }, 60_000);
});

describe('embedded engine: workflow features', () => {
  it('child workflow: the parent waits for its child and uses its result', async () => {
    const h = await env.client.start('parent', { workflowId: 'parent-1', taskQueue: env.taskQueue, args: [20] });
    await env.sleep('1 minute');
    expect(await h.result()).toBe(41);
    const child = await env.client.getHandle('parent-1-child').describe();
    expect(child.status.name).toBe('COMPLETED');
    expect(child.parentExecution?.workflowId).toBe('parent-1');
  });

  it('continue-as-new: three runs share a workflow id; result() follows the chain', async () => {
    const h = await env.client.start('counter', { workflowId: 'counter-1', taskQueue: env.taskQueue, args: [1, 3] });
    await env.sleep('3 hours');
    expect(await h.result()).toBe(3);
    const runs = [];
    for await (const r of env.client.list({ workflowIdPrefix: 'counter-1' })) runs.push(r);
    expect(runs.map((r) => r.status.name).sort()).toEqual(['COMPLETED', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW']);
  });

  it('patched(): a new execution records the patch marker and takes the new branch', async () => {
    const h = await env.client.start('versioned', { workflowId: 'ver-1', taskQueue: env.taskQueue });
    expect(await h.result()).toBe('你好, v2');
    const marker = (await h.fetchHistory()).events.find((e) => e.markerRecordedEventAttributes);
    expect(marker?.markerRecordedEventAttributes?.markerName).toBe('core_patch');
  });

  it('cancellation from the client runs cleanup and ends CANCELLED', async () => {
    const h = await env.client.start('waitsForCancel', { workflowId: 'wcancel-1', taskQueue: env.taskQueue });
    await env.idle();
    await h.cancel();
    const err = await h.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((await h.describe()).status.name).toBe('CANCELLED');
    expect(log.calls.some((c) => c.name === 'greet')).toBe(true);
  });

  it('terminate ends a running execution at once; workflow-id reuse policy is enforced', async () => {
    const h = await env.client.start('sleeper', { workflowId: 'term-1', taskQueue: env.taskQueue, args: ['10 days'] });
    await env.idle();
    await expect(env.client.start('sleeper', { workflowId: 'term-1', taskQueue: env.taskQueue, args: ['1 day'] })).rejects.toThrow(
      /已在运行|已存在/,
    );
    await h.terminate('测试终止');
    expect((await h.describe()).status.name).toBe('TERMINATED');
    await expect(h.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    await expect(
      env.client.start('sleeper', {
        workflowId: 'term-1',
        taskQueue: env.taskQueue,
        args: ['1 day'],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    ).rejects.toThrow(/已存在/);
    const again = await env.client.start('sleeper', { workflowId: 'term-1', taskQueue: env.taskQueue, args: ['1 second'] });
    await env.sleep('1 second');
    expect(await again.result()).toBe('你好, 醒来');
  });

  it('signalWithStart starts with the signal as first event; list filters by type, status and search attribute', async () => {
    const h = await env.client.signalWithStart('approval', {
      workflowId: 'sws-1',
      taskQueue: env.taskQueue,
      args: ['1 day'],
      signal: approveSignal,
      signalArgs: ['王五'],
      memo: { 事项: '测试' },
      searchAttributes: { CustomKeywordField: ['pending'] },
    });
    expect(await h.result()).toBe('已审批:王五');
    const d = await h.describe();
    expect(d.memo).toEqual({ 事项: '测试' });
    const approved = [];
    for await (const r of env.client.list({ type: 'approval', status: 'COMPLETED', searchAttributes: { CustomKeywordField: 'approved' } }))
      approved.push(r.workflowId);
    expect(approved).toContain('sws-1');
    expect(approved).toContain('appr-1');
    expect(approved).not.toContain('appr-2');
    expect(await env.client.count({ type: 'approval', status: 'COMPLETED' })).toBeGreaterThanOrEqual(3);
  });
});
