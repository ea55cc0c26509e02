/**
 * Activities of the demo workflows (workflows/demo) that the engine tests run. Built by a factory
 * so that each test passes its own counters and failure plans.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

export interface DemoActivityLog {
  calls: { name: string; attempt: number; idempotencyKey?: string }[];
}

export const createDemoActivities = (log: DemoActivityLog = { calls: [] }, opts: { failTimes?: number } = {}) => ({
  async greet(name: string): Promise<string> {
    log.calls.push({ name: 'greet', attempt: attemptOf() });
    return `你好, ${name}`;
  },
  async shout(text: string): Promise<string> {
    log.calls.push({ name: 'shout', attempt: attemptOf() });
    return text.toUpperCase();
  },
  /** Fails its first `failTimes` attempts, then succeeds: exercises retry with backoff. */
  async flaky(label: string): Promise<string> {
    const attempt = attemptOf();
    log.calls.push({ name: 'flaky', attempt });
    if (attempt <= (opts.failTimes ?? 2)) throw ApplicationFailure.create({ message: `flaky ${label} attempt ${attempt}` });
    return `${label} ok after ${attempt}`;
  },
  /** Business failure: never retried. */
  async rejectIt(reason: string): Promise<string> {
    log.calls.push({ name: 'rejectIt', attempt: attemptOf() });
    throw ApplicationFailure.create({ message: reason, nonRetryable: true });
  },
  /** Takes DEMO_SLOW_MS (default 0) milliseconds: crash tests kill the worker meanwhile. */
  async slow(label: string): Promise<string> {
    const attempt = attemptOf();
    log.calls.push({ name: 'slow', attempt, idempotencyKey: idempotencyKeyOf() });
    process.stdout.write(`ACTIVITY_START ${label} ${attempt}\n`); // read by the crash-recovery test
    await new Promise((r) => setTimeout(r, Number(process.env.DEMO_SLOW_MS ?? 0)));
    return label;
  },
  /** Never finishes on its own: start-to-close timeouts cut it off. */
  async hang(): Promise<string> {
    log.calls.push({ name: 'hang', attempt: attemptOf() });
    await new Promise((r) => setTimeout(r, 60_000).unref());
    return 'late';
  },
  /** Heartbeats until cancelled (or `rounds` heartbeats passed). */
  async longRunning(rounds: number): Promise<string> {
    log.calls.push({ name: 'longRunning', attempt: attemptOf() });
    const ctx = Context.current();
    for (let i = 0; i < rounds; i++) {
      ctx.heartbeat(i);
      await ctx.sleep(10);
    }
    return 'finished';
  },
});

function idempotencyKeyOf(): string | undefined {
  try {
    return (Context.current().info as { idempotencyKey?: string }).idempotencyKey;
  } catch {
    return undefined;
  }
}

function attemptOf(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 0;
  }
}

export type DemoActivities = ReturnType<typeof createDemoActivities>;
