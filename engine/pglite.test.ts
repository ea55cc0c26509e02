/**
 * Smoke run on PGlite (the embedded single-connection database of the one-machine install):
 * migrations from db/migrate.ts, then activities, a timer under time skipping, a signal and a
 * query — the same engine code as on PostgreSQL, where SKIP LOCKED never contends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDemoActivities } from '../activities/demo';
import { type Db, openDb } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { approveSignal, statusQuery } from '../workflows/demo';
import { createTestEnv, type TestEnv } from './testing';

const workflowsPath = fileURLToPath(new URL('../workflows/demo/index.ts', import.meta.url));
let dir: string;
let db: Db;
let env: TestEnv;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-pglite-'));
  db = await openDb({ dataDir: dir });
  await migrateLatest(db);
  env = await createTestEnv({ db, workflowsPath, activities: createDemoActivities() });
}, 400_000);

afterAll(async () => {
  await env?.shutdown();
  await db?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('PGlite smoke: activities, a 2-day timer with time skipping, a signal and a query', async () => {
  const two = await env.client.start('twoActivities', { workflowId: 'pg-two', taskQueue: env.taskQueue, args: ['赵六'] });
  expect(await two.result()).toBe('你好, 赵六'.toUpperCase());

  const sleeper = await env.client.start('sleeper', { workflowId: 'pg-sleep', taskQueue: env.taskQueue, args: ['2 days'] });
  const appr = await env.client.start('approval', { workflowId: 'pg-appr', taskQueue: env.taskQueue, args: ['5 days'] });
  await env.sleep('2 days');
  expect(await sleeper.result()).toBe('你好, 醒来');
  expect(await appr.query(statusQuery)).toBe('待审批');
  await appr.signal(approveSignal, '孙七');
  expect(await appr.result()).toBe('已审批:孙七');
  expect((await appr.fetchHistory()).events.length).toBeGreaterThan(5);
}, 120_000);
