import type { BenchOptions } from './workload';
export async function runEnginePhase(phase: string, _dbUrl: string, _o: BenchOptions & { sleeping: number }): Promise<number> {
  throw new Error(`engine phase ${phase}: engine not available yet`);
}
