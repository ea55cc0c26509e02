import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTagActivities } from '../activities/tags';
import { createTestDb, type TestDb } from '../db/testing/server';
import { createTestEnv, type TestEnv } from '../engine/testing';
import { TAG_JOBS_WORKFLOW_ID, tagJobs } from './tag-jobs';

const workflowsPath = fileURLToPath(new URL('./index.ts', import.meta.url));
let t: TestDb;
let env: TestEnv;

beforeAll(async () => {
  t = await createTestDb();
  env = await createTestEnv({ db: t.db, workflowsPath, activities: createTagActivities(t.db) });
}, 180_000);

afterAll(async () => {
  await env?.shutdown();
  await t?.drop();
});

it('T-4 the scheduled workflow recomputes the whole city first, then picks up element changes on its next pass', async () => {
  await env.client.start(tagJobs, {
    workflowId: TAG_JOBS_WORKFLOW_ID,
    taskQueue: env.taskQueue,
    args: [{ drainEveryMs: 3600_000, fullEveryMs: 24 * 3600_000, passesPerRun: 50 }],
  });
  await env.idle();
  const oldest = (await t.db('tag_definitions').where({ code: 'STD_OLDEST_OLD' }).first()) as { id: number };
  expect(oldest).toBeTruthy();
  const before = Number((await t.db('element_tags').where({ tag_id: oldest.id }).count({ n: '*' }).first())?.n);
  expect(before).toBeGreaterThan(0);
  const young = (await t.db('residents').where('dynamic_status', '在册').where('birth_date', '>', '1995-01-01').first()) as { id: number };
  await t.db('residents').where({ id: young.id }).update({ birth_date: '1931-01-01' });
  await env.sleep(3600_000 + 1000);
  expect(await t.db('element_tags').where({ tag_id: oldest.id, element_id: young.id }).first()).toBeTruthy();
  const log = await t.db('tag_log').where({ tag_id: oldest.id, element_id: young.id, update_type: 'auto', action: 'add' }).first();
  expect(log).toBeTruthy();
}, 120_000);
