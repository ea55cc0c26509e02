/** Workflows of the engine benchmark (bundled by the embedded engine like any workflows module). */
import { proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { BenchActivities } from './activities';

const { stepA, stepB } = proxyActivities<BenchActivities>({ startToCloseTimeout: '1 minute' });

/** starts_per_s: the start itself is measured; the run ends at once. */
export async function noop(): Promise<void> {}

/** two_activity_wf_per_s: the same two steps the DBOS peer runs. */
export async function twoActivities(x: number): Promise<number> {
  const a = await stepA(x);
  return stepB(a);
}

/**
 * timer_fires_per_s and rss_mb_100k_sleeping: one durable timer due at `dueAtMs` (epoch ms), so
 * many sleepers started over a while all fall due at one instant.
 */
export async function sleeper(dueAtMs: number): Promise<void> {
  await sleep(Math.max(1, dueAtMs - workflowInfo().runStartTime.getTime()));
}
