/**
 * A worker process for the multi-process tests (crash recovery, two workers on one database).
 * Env: DATABASE_URL, TASK_QUEUE, CRASH_IN_WFT=n (SIGKILL itself inside the n-th workflow task,
 * before commit), DEMO_SLOW_MS. Prints `APPLIED runId first last` after each committed task.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDemoActivities } from '../activities/demo';
import { openDb } from '../db/connection';
import { createEmbeddedWorker } from './worker';

const workflowsPath = fileURLToPath(new URL('../workflows/demo/index.ts', import.meta.url));
const db = await openDb({ url: process.env.DATABASE_URL, poolMax: 6 });
const crashAt = Number(process.env.CRASH_IN_WFT ?? 0);
// Synchronous writes: a line must be out before a SIGKILL or process.exit (pipes are async).
const say = (line: string) => fs.writeSync(1, `${line}\n`);
let tasks = 0;
const worker = createEmbeddedWorker({
  db,
  workflowsPath,
  taskQueue: process.env.TASK_QUEUE ?? 'test',
  activities: createDemoActivities(),
  pollIntervalMs: 20,
  hooks: {
    beforeCommit() {
      tasks++;
      if (crashAt > 0 && tasks === crashAt) {
        say('CRASHING_IN_WFT');
        process.kill(process.pid, 'SIGKILL');
      }
    },
    afterCommit(a) {
      say(`APPLIED ${a.runId} ${a.firstEventId} ${a.lastEventId}`);
    },
  },
});
await worker.engine.ready();
say('WORKER_READY');
process.on('SIGTERM', () => {
  void worker.shutdown().then(() => db.destroy().then(() => process.exit(0)));
});
await worker.run();
