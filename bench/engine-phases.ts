/**
 * The engine's side of `npm run bench:engine`: each phase runs in its own process on a fresh,
 * migrated database, with the runtime exactly as the app builds it (createRuntime: embedded engine,
 * SM4 payload codec on, real clock).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDb } from '../db/connection';
import { createRuntime, type Runtime } from '../temporal-config/index';
import { benchActivities } from './activities';
import { type BenchOptions, measuredWindow, runWindowed } from './workload';

const here = path.dirname(fileURLToPath(import.meta.url));
const TASK_QUEUE = 'bench';
const log = (s: string) => console.error(`[bench:engine]   ${s}`);

type Opts = BenchOptions & { sleeping: number };

async function countRunning(rt: Runtime, type: string): Promise<number> {
  const db = rt.engine?.db;
  if (!db) throw new Error('embedded runtime expected');
  const [{ n }] = (await db('wf_executions').where({ workflow_type: type, status: 'running' }).count({ n: '*' })) as { n: number }[];
  return Number(n);
}

async function countTimers(rt: Runtime): Promise<number> {
  const db = rt.engine?.db;
  if (!db) throw new Error('embedded runtime expected');
  const [{ n }] = (await db('wf_timers').count({ n: '*' })) as { n: number }[];
  return Number(n);
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30 * 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** starts_per_s: durable starts accepted per second (the worker runs the short runs meanwhile). */
async function starts(rt: Runtime, o: Opts): Promise<number> {
  await runWindowed(50, o.concurrency, async (i) => {
    await rt.client.start('noop', { workflowId: `warm-${i}`, taskQueue: TASK_QUEUE, args: [] });
  });
  const t0 = performance.now();
  await runWindowed(o.n, o.concurrency, async (i) => {
    await rt.client.start('noop', { workflowId: `start-${i}`, taskQueue: TASK_QUEUE, args: [] });
  });
  return o.n / ((performance.now() - t0) / 1000);
}

/** two_activity_wf_per_s: start → two activities → result, end to end, as the DBOS peer does. */
async function twoActivity(rt: Runtime, o: Opts, dbUrl: string): Promise<number> {
  const one = async (id: string, i: number) => {
    const h = await rt.client.start<number>('twoActivities', { workflowId: id, taskQueue: TASK_QUEUE, args: [i] });
    const r = await h.result();
    if (r !== (i + 1) * 2) throw new Error(`wrong result ${r}`);
  };
  await runWindowed(50, o.concurrency, (i) => one(`warm-${i}`, i));
  return measuredWindow('two_activity', o.n, dbUrl, () => runWindowed(o.n, o.concurrency, (i) => one(`two-${i}`, i)));
}

/**
 * timer_fires_per_s: n sleepers whose timers all fall due at one instant; measured from that
 * instant until every run has completed (fire → workflow task → completion).
 */
async function timers(rt: Runtime, o: Opts): Promise<number> {
  // How long n starts take here, so that every timer exists before the first one is due.
  const probe = 100;
  const p0 = performance.now();
  await runWindowed(probe, o.concurrency, async (i) => {
    await rt.client.start('sleeper', { workflowId: `probe-${i}`, taskQueue: TASK_QUEUE, args: [1] });
  });
  const perStartMs = (performance.now() - p0) / probe;
  await waitUntil(async () => (await countRunning(rt, 'sleeper')) === 0, 'probe sleepers');
  const dueAt = Date.now() + Math.ceil(perStartMs * o.n * 3) + 3000;
  await runWindowed(o.n, o.concurrency, async (i) => {
    await rt.client.start('sleeper', { workflowId: `timer-${i}`, taskQueue: TASK_QUEUE, args: [dueAt] });
  });
  await waitUntil(async () => (await countTimers(rt)) >= o.n || Date.now() >= dueAt, 'timers created');
  const created = await countTimers(rt);
  if (Date.now() >= dueAt) log(`warning: only ${created} of ${o.n} timers existed at the due time`);
  while (Date.now() < dueAt) await new Promise((r) => setTimeout(r, Math.min(50, dueAt - Date.now())));
  await waitUntil(async () => (await countRunning(rt, 'sleeper')) === 0, 'timers fired');
  return o.n / ((Date.now() - dueAt) / 1000);
}

/** rss_mb_100k_sleeping: resident memory of the process holding `sleeping` executions asleep on a timer. */
async function rss(rt: Runtime, o: Opts): Promise<number> {
  const farAway = Date.now() + 30 * 86_400_000;
  const t0 = performance.now();
  const batch = 10_000;
  for (let from = 0; from < o.sleeping; from += batch) {
    await runWindowed(Math.min(batch, o.sleeping - from), o.concurrency, async (i) => {
      await rt.client.start('sleeper', { workflowId: `sleep-${from + i}`, taskQueue: TASK_QUEUE, args: [farAway] });
    });
    log(`rss: ${Math.min(from + batch, o.sleeping)} started, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
  }
  await waitUntil(async () => (await countTimers(rt)) >= o.sleeping, 'all sleepers asleep');
  log(
    `rss: ${o.sleeping} asleep after ${((performance.now() - t0) / 1000).toFixed(0)} s; engine stats ${JSON.stringify(rt.engine?.stats)}`,
  );
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, 500));
  gc?.();
  return process.memoryUsage().rss / 2 ** 20;
}

export async function runEnginePhase(phase: string, dbUrl: string, o: Opts): Promise<number> {
  const db = await openDb({ url: dbUrl, poolMax: o.poolSize });
  const rt = await createRuntime({
    db,
    address: null,
    workflowsPath: path.join(here, 'workflows.ts'),
    activities: benchActivities,
    taskQueue: TASK_QUEUE,
    maxConcurrentActivities: o.concurrency,
    maxConcurrentWorkflowTasks: Number(process.env.BENCH_WFT_CONCURRENCY) || undefined,
    sandboxThread: process.env.BENCH_SANDBOX_THREAD !== '0',
  });
  try {
    switch (phase) {
      case 'starts':
        return await starts(rt, o);
      case 'two_activity':
        return await twoActivity(rt, o, dbUrl);
      case 'timers':
        return await timers(rt, o);
      case 'rss':
        return await rss(rt, o);
      default:
        throw new Error(`unknown phase ${phase}`);
    }
  } finally {
    log(`${phase}: engine stats ${JSON.stringify(rt.engine?.stats)}`);
    await rt.shutdown();
    await db.destroy();
  }
}
