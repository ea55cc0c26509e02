/** Activities of the engine benchmark: trivial, so the runtime's own cost is what is measured. */
export const benchActivities = {
  async stepA(x: number): Promise<number> {
    return x + 1;
  },
  async stepB(x: number): Promise<number> {
    return x * 2;
  },
};
export type BenchActivities = typeof benchActivities;
