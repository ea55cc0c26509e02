/**
 * `npm run bench:engine` (DATABASE_URL required): throughput and memory of the embedded workflow
 * engine, and the same two-activity workload on DBOS Transact in the same run on the same
 * PostgreSQL server. Each phase runs in its own child process on its own fresh database, so one
 * phase's memory or connections never colour another's. The last output line is one JSON object:
 *   {"starts_per_s":…, "two_activity_wf_per_s":…, "timer_fires_per_s":…, "rss_mb_100k_sleeping":…,
 *    "peer_two_activity_wf_per_s":…}
 * Knobs: BENCH_N (executions per throughput phase, 2000), BENCH_CONCURRENCY (100),
 * BENCH_POOL (database pool per side, 20), BENCH_SLEEPING (100000), BENCH_PHASES (comma list),
 * BENCH_NODE_FLAGS (node flags of the phase processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`),
 * BENCH_SANDBOX_THREAD=0 (sandboxes in the main thread), BENCH_WFT_CONCURRENCY (workflow-task loops),
 * BENCH_ROUNDS (5). Each rate is logged with its CPU per execution: process, main thread, PostgreSQL
 * backends.
 *
 * The engine-against-DBOS comparison runs BENCH_ROUNDS rounds, each a DBOS run then an engine run of
 * the same workload; the JSON gives the median of each side. One 2,000-execution run of either side
 * varies by up to a quarter from the next on this machine, so a single pair decides little.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import type { BenchOptions } from './workload';

const here = path.dirname(fileURLToPath(import.meta.url));

export type Phase = 'peer' | 'starts' | 'two_activity' | 'timers' | 'rss';
const ALL_PHASES: Phase[] = ['peer', 'two_activity', 'starts', 'timers', 'rss'];

function env(name: string, dflt: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
}

function options(): BenchOptions & { sleeping: number } {
  return {
    n: env('BENCH_N', 2000),
    concurrency: env('BENCH_CONCURRENCY', 100),
    poolSize: env('BENCH_POOL', 20),
    runTag: `${process.pid}`,
    sleeping: env('BENCH_SLEEPING', 100_000),
  };
}

function urlFor(server: string, database: string): string {
  const u = new URL(server);
  u.pathname = `/${database}`;
  return u.toString();
}

async function recreateDatabase(server: string, name: string): Promise<string> {
  const admin = knexFactory({ client: 'pg', connection: urlFor(server, 'postgres'), pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.raw(`CREATE DATABASE ${name}`);
  } finally {
    await admin.destroy();
  }
  return urlFor(server, name);
}

async function dropDatabase(server: string, name: string): Promise<void> {
  const admin = knexFactory({ client: 'pg', connection: urlFor(server, 'postgres'), pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.destroy();
  }
}

/** Runs one phase in a child process; its last stdout line is `{"value": …}`. */
function runChild(phase: Phase, dbUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const flags = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []; // e.g. --cpu-prof
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', '--expose-gc', path.join(here, 'engine.ts'), '--phase', phase], {
      env: { ...process.env, BENCH_DB_URL: dbUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        const v = JSON.parse(last) as { value: number };
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(v.value);
      } catch {
        reject(new Error(`phase ${phase} failed (exit ${code}): ${out.slice(-2000)}`));
      }
    });
  });
}

async function runPhase(phase: Phase): Promise<number> {
  const dbUrl = process.env.BENCH_DB_URL as string;
  const o = options();
  if (phase === 'peer') {
    const { dbosTwoActivity } = await import('./peer-dbos');
    return dbosTwoActivity({ ...o, systemDatabaseUrl: dbUrl });
  }
  const phases = await import('./engine-phases');
  return phases.runEnginePhase(phase, dbUrl, o);
}

async function main(): Promise<void> {
  const phaseArg = process.argv.indexOf('--phase');
  if (phaseArg > 0) {
    const phase = process.argv[phaseArg + 1] as Phase;
    const value = await runPhase(phase);
    process.stdout.write(`${JSON.stringify({ value })}\n`);
    process.exit(0);
  }
  const server = process.env.DATABASE_URL;
  if (!server) {
    console.error('请设置 DATABASE_URL（PostgreSQL 服务器）后再运行 npm run bench:engine');
    process.exit(2);
  }
  const wanted = (process.env.BENCH_PHASES?.split(',') as Phase[] | undefined) ?? ALL_PHASES;
  const o = options();
  const log = (s: string) => console.error(`[bench:engine] ${s}`);
  log(`n=${o.n} concurrency=${o.concurrency} pool=${o.poolSize} sleeping=${o.sleeping}`);
  const rounds = env('BENCH_ROUNDS', 5);
  const paired = ALL_PHASES.filter((p) => (p === 'peer' || p === 'two_activity') && wanted.includes(p));
  const single = ALL_PHASES.filter((p) => p !== 'peer' && p !== 'two_activity' && wanted.includes(p));
  const schedule = [...Array.from({ length: rounds }, () => paired).flat(), ...single];
  const values: Partial<Record<Phase, number[]>> = {};
  for (const phase of schedule) {
    const name = `gov_bench_${phase}`;
    const url = await recreateDatabase(server, name);
    if (phase !== 'peer') {
      const { openDb } = await import('../db/connection');
      const { migrateLatest } = await import('../db/migrate');
      const db = await openDb({ url, poolMax: 2 });
      await migrateLatest(db);
      await db.destroy();
    }
    const t0 = performance.now();
    try {
      const value = await runChild(phase, url);
      const list = values[phase] ?? [];
      values[phase] = [...list, value];
      log(`${phase}: ${value.toFixed(1)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      const peer = values.peer?.[list.length];
      if (phase === 'two_activity' && peer) log(`round ${list.length + 1}: engine/DBOS ${(value / peer).toFixed(2)}`);
    } catch (err) {
      log(`${phase}: FAILED ${(err as Error).message}`);
    } finally {
      await dropDatabase(server, name);
    }
  }
  const median = (list: number[] | undefined) => (list?.length ? [...list].sort((a, b) => a - b)[(list.length - 1) >> 1] : undefined);
  const results = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, median(v)])) as Partial<Record<Phase, number>>;
  if ((values.two_activity?.length ?? 0) > 1) {
    log(
      `engine runs ${values.two_activity?.map((v) => v.toFixed(1)).join(', ')}; DBOS runs ${values.peer?.map((v) => v.toFixed(1)).join(', ')}`,
    );
  }
  const round = (v: number | undefined) => (v === undefined ? null : Math.round(v * 10) / 10);
  process.stdout.write(
    `${JSON.stringify({
      starts_per_s: round(results.starts),
      two_activity_wf_per_s: round(results.two_activity),
      timer_fires_per_s: round(results.timers),
      rss_mb_100k_sleeping: round(results.rss),
      peer_two_activity_wf_per_s: round(results.peer),
    })}\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
