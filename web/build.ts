/**
 * Builds web/dist when it is missing or older than the web sources: `npm start` on a fresh clone
 * and the browser tests (once per run, from the vitest global setup) both call this.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webRoot = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(webRoot, '..');
const distIndex = path.join(webRoot, 'dist', 'index.html');

/** Newest modification time of the web sources (dist, tests and this file's own build excluded). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'e2e' || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

export function webBuildIsFresh(): boolean {
  return fs.existsSync(distIndex) && fs.statSync(distIndex).mtimeMs >= newestSource(webRoot);
}

/** Runs `vite build` unless web/dist is up to date; returns true when it built. */
export function ensureWebBuild(): boolean {
  if (webBuildIsFresh()) return false;
  execFileSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: repoRoot,
      stdio: 'inherit',
    },
  );
  return true;
}
