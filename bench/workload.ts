/** Shared pieces of the engine benchmark: options and a bounded-concurrency runner. */
import { performance as perf } from 'node:perf_hooks';
export interface BenchOptions {
  /** executions measured */
  n: number;
  /** executions in flight at once (clients a real deployment would have) */
  concurrency: number;
  /** database pool of each side */
  poolSize: number;
  /** makes workflow ids unique per run */
  runTag: string;
}

/** Runs fn(0..n-1) with at most `concurrency` in flight; rejects on the first failure. */
export async function runWindowed(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) {
      const i = next++;
      await fn(i);
    }
  });
  await Promise.all(lanes);
}

/**
 * Runs a measured window and logs, beside the rate, where its CPU went per execution: this process
 * (all its threads), its main thread (event-loop busy time) and the PostgreSQL backends serving
 * `dbUrl`. On a shared machine throughput swings with load; CPU per execution barely does.
 */
export async function measuredWindow(label: string, n: number, dbUrl: string, window: () => Promise<void>): Promise<number> {
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: dbUrl });
  await client.connect();
  const backends = async () =>
    (
      await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')
    ).rows.map((r) => r.pid);
  const ticks = async (pids: number[]) => {
    const fs = await import('node:fs/promises');
    const out = new Map<number, number>();
    for (const pid of pids) {
      const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (f.length > 13) out.set(pid, Number(f[11]) + Number(f[12])); // utime + stime, in clock ticks (1/100 s)
    }
    return out;
  };
  const pg0 = await ticks(await backends());
  const cpu0 = process.cpuUsage();
  const elu0 = perf.eventLoopUtilization();
  const t0 = performance.now();
  await window();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const elu = perf.eventLoopUtilization(elu0);
  const pg1 = await ticks(await backends());
  await client.end();
  let pgTicks = 0;
  for (const [pid, t] of pg1) pgTicks += t - (pg0.get(pid) ?? 0);
  const per = (ms: number) => (ms / n).toFixed(2);
  console.error(
    `[bench:engine]   ${label}: ${(n / seconds).toFixed(1)}/s; CPU ms per execution: process ${per((cpu.user + cpu.system) / 1000)}, main thread ${per(elu.active)}, PostgreSQL ${per(pgTicks * 10)}`,
  );
  return n / seconds;
}
