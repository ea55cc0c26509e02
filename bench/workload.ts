/** Shared pieces of the engine benchmark: options and a bounded-concurrency runner. */
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
