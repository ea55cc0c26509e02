/**
 * The peer: the same two-activity workload on DBOS Transact (@dbos-inc/dbos-sdk), the best-known
 * PostgreSQL-backed durable-workflow library, on its own system database of the same server.
 * Each workflow runs two checkpointed steps (the same trivial functions as the engine's
 * activities), so both sides measure the runtime's own cost: durable start, two recorded step
 * results, completion.
 */
import { DBOS } from '@dbos-inc/dbos-sdk';
import { type BenchOptions, measuredWindow, runWindowed } from './workload';

export async function dbosTwoActivity(opts: BenchOptions & { systemDatabaseUrl: string }): Promise<number> {
  DBOS.setConfig({
    name: 'gov-bench',
    systemDatabaseUrl: opts.systemDatabaseUrl,
    systemDatabasePoolSize: opts.poolSize,
    logLevel: 'error',
  });
  const stepA = DBOS.registerStep(async (x: number) => x + 1, { name: 'stepA' });
  const stepB = DBOS.registerStep(async (x: number) => x * 2, { name: 'stepB' });
  const twoSteps = DBOS.registerWorkflow(
    async (x: number) => {
      const a = await stepA(x);
      return stepB(a);
    },
    { name: 'twoSteps' },
  );
  await DBOS.launch();
  try {
    // warm-up: connections, prepared paths
    await runWindowed(50, opts.concurrency, async (i) => {
      const h = await DBOS.startWorkflow(twoSteps, { workflowID: `warm-${opts.runTag}-${i}` })(i);
      await h.getResult();
    });
    return await measuredWindow('peer', opts.n, opts.systemDatabaseUrl, () =>
      runWindowed(opts.n, opts.concurrency, async (i) => {
        const h = await DBOS.startWorkflow(twoSteps, { workflowID: `wf-${opts.runTag}-${i}` })(i);
        const r = await h.getResult();
        if (r !== (i + 1) * 2) throw new Error(`wrong result ${r}`);
      }),
    );
  } finally {
    await DBOS.shutdown();
  }
}
