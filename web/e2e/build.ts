/**
 * Builds web/dist for the browser tests: only when it is missing or older than the sources, and
 * never twice at once — test files run in parallel, and a second build emptying dist/ would pull
 * the assets from under the first file's browser. A lock directory serialises builders; whoever
 * gets it second finds dist fresh and does nothing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(webRoot, '..');
const dist = path.join(webRoot, 'dist');
const lockDir = path.join(repoRoot, 'node_modules', '.web-build.lock');
const ENTRIES = ['index.html', 'm/index.html', 'console/index.html', 'screen/index.html'];
const STALE_LOCK_MS = 5 * 60_000;

/** Newest modification time of the web sources (dist and the tests themselves excluded). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'e2e' || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function fresh(): boolean {
  if (!ENTRIES.every((e) => fs.existsSync(path.join(dist, e)))) return false;
  return fs.statSync(path.join(dist, 'index.html')).mtimeMs >= newestSource(webRoot);
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function lock(): void {
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      return;
    } catch {
      // Held by another test file; a lock left by a killed run is taken over after a while.
      const age = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) fs.rmSync(lockDir, { recursive: true, force: true });
      else sleep(250);
    }
  }
}

export function ensureWebBuilt(): void {
  if (fresh()) return;
  lock();
  try {
    if (fresh()) return;
    execFileSync(
      process.execPath,
      [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
      {
        cwd: repoRoot,
        stdio: 'inherit',
      },
    );
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}
