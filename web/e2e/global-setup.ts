/** Vitest global setup: one web build per test run, before any browser test starts. */
import { ensureWebBuild } from '../build';

export default function setup(): void {
  ensureWebBuild();
}
