/**
 * IssueWorkflow deadline across the 2025 National Day break: its own database, because a
 * virtual clock is per database — another test environment at a different virtual time would see
 * this one's leases as expired.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIssueActivities } from '../activities/issue';
import { gridContext, insertIssue } from '../db/queries/issues';
import { createTestDb, type TestDb } from '../db/testing/server';
import { workflowBundle } from '../engine/bundle';
import { createTestEnv, type TestEnv } from '../engine/testing';
import { type IssueInput, type IssueState, issueStateQuery } from './issue-messages';

const workflowsPath = fileURLToPath(new URL('./index.ts', import.meta.url));
const cst = (s: string) => Date.parse(`${s}+08:00`);

let t: TestDb;
let env: TestEnv;

beforeAll(async () => {
  t = await createTestDb();
  env = await createTestEnv({
    db: t.db,
    workflowsPath,
    activities: createIssueActivities({ db: t.db, now: () => new Date(env.clock.now()) }),
    startAt: cst('2025-09-30T10:00:00'),
  });
}, 180_000);
afterAll(async () => {
  await env?.shutdown();
  await t?.drop();
});

describe('IssueWorkflow across the 2025 National Day break (Q-4)', () => {
  it('Q-4 a general issue reported 2025-09-30 is due 2025-10-11 24:00 (the adjusted working Saturday), escalates only after it, and layer 2 skips Sunday', async () => {
    const grid = await t.db('org_units').where({ type: 'grid' }).orderBy('id').first();
    const ctx = (await gridContext(t.db, grid.id))!;
    const { issueNo } = await insertIssue(t.db, {
      title: '国庆期间楼顶漏水',
      description: '楼顶漏水',
      source: 'grid',
      complexity: 'general',
      gridId: ctx.grid.id,
      orgPath: ctx.grid.path,
    });
    const input: IssueInput = { issueNo, title: '国庆期间楼顶漏水', source: 'grid', complexity: 'general', ...ctx };
    const h = await env.client.start('issueWorkflow', { workflowId: `issue-${issueNo}`, taskQueue: env.taskQueue, args: [input] });
    await env.idle();
    const level = async () => ((await h.query(issueStateQuery)) as IssueState).supervisionLevel;
    expect(((await h.query(issueStateQuery)) as IssueState).handlingDeadline).toBe(new Date(cst('2025-10-12T00:00:00')).toISOString());
    await env.sleep(cst('2025-10-11T23:00:00') - env.clock.now());
    expect(await level()).toBe(0);
    await env.sleep(2 * 3600e3);
    expect(await level()).toBe(1);
    // Layer 2 is one working day later: Sunday 10-12 is a day off, so Monday 10-13 24:00.
    await env.sleep(cst('2025-10-13T23:00:00') - env.clock.now());
    expect(await level()).toBe(1);
    await env.sleep(2 * 3600e3);
    expect(await level()).toBe(2);
    await h.terminate('测试结束');
    const history = await h.fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle(workflowsPath) }, history, h.workflowId);
  });
});
