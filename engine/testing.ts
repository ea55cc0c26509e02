/**
 * Test environment with time skipping: a virtual clock that `sleep('3 days')` moves from due time
 * to due time (timers, retry backoffs, leases), letting the engine settle at each step, so due
 * events fire in order and no test waits on the wall clock for a deadline.
 */
import type { PayloadCodec } from '@temporalio/common';
import type { Db } from '../db/connection';
import type { ActivityFn } from './activities';
import { EmbeddedWorkflowClient } from './client';
import { toMs, VirtualClock } from './clock';
import { Engine } from './engine';
import { EmbeddedWorker } from './worker';

export interface TestEnvOptions {
  db: Db;
  workflowsPath: string;
  activities?: Record<string, ActivityFn>;
  taskQueue?: string;
  payloadCodecs?: PayloadCodec[];
  maxCachedWorkflows?: number;
  startAt?: number;
  /** false: sandboxes in the main thread (engine option `sandboxThread`). */
  sandboxThread?: boolean;
}

export type TestEnv = Awaited<ReturnType<typeof createTestEnv>>;

export async function createTestEnv(opts: TestEnvOptions) {
  const clock = new VirtualClock(opts.startAt);
  const engine = new Engine({
    db: opts.db,
    workflowsPath: opts.workflowsPath,
    clock,
    payloadCodecs: opts.payloadCodecs,
    maxCachedWorkflows: opts.maxCachedWorkflows,
    sandboxThread: opts.sandboxThread,
  });
  await engine.ready();
  const taskQueue = opts.taskQueue ?? 'test';
  const worker = new EmbeddedWorker(engine, { taskQueue, activities: opts.activities, pollIntervalMs: 10, shutdownGraceMs: 1000 });
  const running = worker.run();
  const client = new EmbeddedWorkflowClient(engine);
  const db = opts.db;

  /** Work that can run right now (at the virtual time), plus activities in flight. */
  async function busy(withActivities: boolean): Promise<number> {
    const now = clock.now();
    const at = new Date(now);
    const [{ n }] = (
      await db.raw(
        `SELECT (SELECT count(*) FROM wf_executions WHERE wft_pending AND status = 'running' AND wft_ready_at <= :at)
              + (SELECT count(*) FROM wf_timers WHERE fire_at <= :at)
              + (SELECT count(*) FROM wf_schedules WHERE NOT paused AND next_run_at <= :at)
              + (SELECT count(*) FROM wf_activities WHERE claimed_by IS NULL AND next_run_at <= :at AND NOT cancel_requested)
              + (SELECT count(*) FROM wf_activities WHERE lease_until <= :at OR schedule_to_close_at <= :at)
              + (SELECT count(*) FROM wf_activities WHERE :withActivities AND claimed_by IS NOT NULL AND lease_until > :at) AS n`,
        { at, withActivities },
      )
    ).rows as { n: number }[];
    // Attempts still running but no longer holding their task (timed out) do not count.
    return Number(n);
  }

  /** Resolves once nothing is runnable at the current virtual time. */
  async function idle(withActivities = true): Promise<void> {
    let quiet = 0;
    for (let i = 0; i < 20_000 && quiet < 2; i++) {
      engine.events.emit('work');
      engine.events.emit('time');
      quiet = (await busy(withActivities)) === 0 ? quiet + 1 : 0;
      await new Promise((r) => setTimeout(r, quiet > 0 ? 5 : 2));
    }
  }

  async function nextDue(): Promise<number | undefined> {
    const { rows } = await db.raw(
      `SELECT least(
         (SELECT min(fire_at) FROM wf_timers),
         (SELECT min(next_run_at) FROM wf_activities WHERE claimed_by IS NULL),
         (SELECT min(lease_until) FROM wf_activities),
         (SELECT min(schedule_to_close_at) FROM wf_activities),
         (SELECT min(wft_ready_at) FROM wf_executions WHERE wft_pending AND status = 'running'),
         (SELECT min(next_run_at) FROM wf_schedules WHERE NOT paused)) AS t`,
    );
    const t = (rows as { t: Date | null }[])[0]?.t;
    return t ? new Date(t).getTime() : undefined;
  }

  /** Advances virtual time by `d`, stopping at every due time on the way. */
  async function sleep(d: string | number, o: { waitForActivities?: boolean } = {}): Promise<void> {
    const withActivities = o.waitForActivities ?? true;
    const target = clock.now() + toMs(d);
    await idle(withActivities);
    for (;;) {
      const due = await nextDue();
      if (due === undefined || due > target) break;
      clock.set(due);
      await idle(withActivities);
      if (due <= clock.now() && (await busy(false)) === 0 && (await nextDue()) === due) break; // nothing moved
    }
    clock.set(target);
    await idle(withActivities);
  }

  return {
    engine,
    client,
    worker,
    clock,
    taskQueue,
    idle,
    sleep,
    skipTime: sleep,
    async shutdown() {
      await worker.shutdown();
      await running;
    },
  };
}
