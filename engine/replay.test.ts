/**
 * Replay fidelity: histories recorded by the embedded engine are replayed by the official
 * replayer (`Worker.runReplayHistories`, Temporal's Rust core, offline). Every history must replay
 * without a nondeterminism error; an incompatible code change must be caught.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoActivities } from '../activities/demo';
import { createTestDb, type TestDb } from '../db/testing/server';
import { approveSignal } from '../workflows/demo';
import { workflowBundle } from './bundle';
import { createTestEnv, type TestEnv } from './testing';

const workflowsPath = fileURLToPath(new URL('../workflows/demo/index.ts', import.meta.url));
const changedPath = fileURLToPath(new URL('../workflows/demo/changed.ts', import.meta.url));

let t: TestDb;
let env: TestEnv;

beforeAll(async () => {
  t = await createTestDb();
  // A cache of one sandbox: runs are evicted and rebuilt by replay all the time while they run.
  env = await createTestEnv({ db: t.db, workflowsPath, activities: createDemoActivities({ calls: [] }), maxCachedWorkflows: 1 });
});

afterAll(async () => {
  await env?.shutdown();
  await t?.drop();
});

describe('replay fidelity', () => {
  it('every demo workflow history replays cleanly on the official replayer (Worker.runReplayHistories)', async () => {
    const c = env.client;
    const q = env.taskQueue;
    const handles = [
      await c.start('twoActivities', { workflowId: 'r-two', taskQueue: q, args: ['甲'] }),
      await c.start('sleeper', { workflowId: 'r-sleep', taskQueue: q, args: ['2 days'] }),
      await c.start('approval', { workflowId: 'r-appr-signal', taskQueue: q, args: ['3 days'] }),
      await c.start('approval', { workflowId: 'r-appr-timeout', taskQueue: q, args: ['3 days'] }),
      await c.start('retrying', { workflowId: 'r-retry', taskQueue: q, args: ['乙'] }),
      await c.start('rejecting', { workflowId: 'r-reject', taskQueue: q, args: ['拒绝'] }),
      await c.start('parent', { workflowId: 'r-parent', taskQueue: q, args: [1] }),
      await c.start('counter', { workflowId: 'r-counter', taskQueue: q, args: [1, 2] }),
      await c.start('versioned', { workflowId: 'r-versioned', taskQueue: q }),
      await c.start('cancelsActivity', { workflowId: 'r-cancel-act', taskQueue: q }),
      await c.start('waitsForCancel', { workflowId: 'r-wcancel', taskQueue: q }),
      await c.signalWithStart('approval', {
        workflowId: 'r-sws',
        taskQueue: q,
        args: ['1 day'],
        signal: approveSignal,
        signalArgs: ['丙'],
      }),
      await c.start('approval', { workflowId: 'r-appr-external', taskQueue: q, args: ['3 days'] }),
      await c.start('signalsOther', { workflowId: 'r-signals-other', taskQueue: q, args: ['r-appr-external', '戊'] }),
      await c.start('signalsOther', { workflowId: 'r-signals-nobody', taskQueue: q, args: ['r-missing', '己'] }),
      await c.start('cancelsChild', { workflowId: 'r-cancel-child-wait', taskQueue: q, args: [false] }),
      await c.start('cancelsChild', { workflowId: 'r-cancel-child-try', taskQueue: q, args: [true] }),
      await c.start('waitsForCancel', { workflowId: 'r-wcancel-ext', taskQueue: q }),
      await c.start('cancelsOther', { workflowId: 'r-cancels-other', taskQueue: q, args: ['r-wcancel-ext'] }),
      await c.start('cancelsOther', { workflowId: 'r-cancels-nobody', taskQueue: q, args: ['r-missing'] }),
    ];
    await env.sleep('1 day', { waitForActivities: false });
    await handles[2].signal(approveSignal, '丁');
    await handles[10].cancel();
    await env.sleep('3 days', { waitForActivities: false });
    await Promise.allSettled(handles.map((h) => h.result())); // the cancelled activity stops at its next heartbeat
    expect(await handles[12].result()).toBe('已审批:戊'); // delivered by signalsOther
    await expect(handles[14].result()).rejects.toThrow(); // no such target: signalsOther fails
    expect(await handles[15].result()).toBe('child cancelled');
    expect(await handles[16].result()).toBe('child cancelled');
    expect((await c.getHandle('r-cancel-child-wait-child').describe()).status.name).toBe('CANCELLED');
    expect(await handles[18].result()).toBe('cancel requested');
    expect((await handles[17].describe()).status.name).toBe('CANCELLED');
    expect(await handles[19].result()).toMatch(/^failed:/);
    const statuses = await Promise.all(handles.map(async (h) => `${h.workflowId}:${(await h.describe()).status.name}`));
    const errors = await t.db('wf_executions').whereNotNull('last_wft_error').select('workflow_id', 'last_wft_error');
    expect(errors).toEqual([]);
    expect(statuses.filter((s) => s.endsWith('RUNNING'))).toEqual([]);
    expect(env.engine.stats.replays).toBeGreaterThan(0); // the 1-sandbox cache forced rebuilds

    // Every run of every execution (children and continued runs too).
    const runs: { workflowId: string; runId: string }[] = [];
    for await (const r of env.client.list({})) runs.push({ workflowId: r.workflowId, runId: r.runId });
    expect(runs.length).toBeGreaterThanOrEqual(handles.length + 2);
    const histories = await Promise.all(
      runs.map(async (r) => ({ workflowId: r.workflowId, history: await env.client.getHandle(r.workflowId, r.runId).fetchHistory() })),
    );
    const bundle = await workflowBundle(workflowsPath);
    const results = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) results.push(r);
    expect(results).toHaveLength(runs.length);
    expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error}`)).toEqual([]);
  }, 120_000);

  it('an incompatible change of workflow code is caught on replay (DeterminismViolationError)', async () => {
    const history = await env.client.getHandle('r-two').fetchHistory();
    const original = await workflowBundle(workflowsPath);
    await expect(Worker.runReplayHistory({ workflowBundle: original }, history, 'r-two')).resolves.toBeUndefined();
    const changed = await workflowBundle(changedPath);
    await expect(Worker.runReplayHistory({ workflowBundle: changed }, history, 'r-two')).rejects.toBeInstanceOf(DeterminismViolationError);
  }, 60_000);
});
