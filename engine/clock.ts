/**
 * The engine's notion of "now". Production uses the wall clock; tests use a virtual clock that
 * only moves when the test skips time, so deadlines of days are tested in milliseconds.
 */
import { msToNumber } from '@temporalio/common/lib/time';

export interface EngineClock {
  now(): number;
  /** True for a virtual clock: workers then never wait on the wall clock for a due time. */
  readonly virtual: boolean;
}

export const realClock: EngineClock = { now: () => Date.now(), virtual: false };

export class VirtualClock implements EngineClock {
  readonly virtual = true;
  constructor(private t = Date.UTC(2026, 0, 5, 1, 0, 0)) {}
  now(): number {
    return this.t;
  }
  /** Moves forward only: time never runs backwards in a history. */
  set(t: number): void {
    if (t > this.t) this.t = t;
  }
}

/** '3 days', '90s', 1500 → milliseconds (the SDK's `ms` format). */
export function toMs(d: string | number): number {
  if (typeof d === 'number') return d;
  return msToNumber(d as Parameters<typeof msToNumber>[0]);
}
