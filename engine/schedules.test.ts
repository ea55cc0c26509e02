/**
 * Schedules (cron / interval) for visit cycles and nightly jobs, under time skipping on the real
 * PostgreSQL; cron evaluation in Beijing time.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoActivities } from '../activities/demo';
import { createTestDb, type TestDb } from '../db/testing/server';
import { nextCronTime, parseCron } from './cron';
import { nextScheduleTime } from './schedules';
import { createTestEnv, type TestEnv } from './testing';

const workflowsPath = fileURLToPath(new URL('../workflows/demo/index.ts', import.meta.url));

describe('cron and interval evaluation', () => {
  it('a nightly 02:00 cron is 02:00 Beijing time (18:00 UTC the day before)', () => {
    const after = Date.UTC(2026, 0, 5, 12, 0); // 20:00 in Beijing
    expect(new Date(nextCronTime(parseCron('0 2 * * *'), after)).toISOString()).toBe('2026-01-05T18:00:00.000Z');
  });

  it('weekday, list, range and step fields', () => {
    const mondays = parseCron('30 9 * * 1'); // 2026-01-05 is a Monday
    expect(new Date(nextCronTime(mondays, Date.UTC(2026, 0, 5, 2, 0))).toISOString()).toBe('2026-01-12T01:30:00.000Z');
    const quarter = parseCron('*/15 8-9 1,15 * *');
    expect(new Date(nextCronTime(quarter, Date.UTC(2026, 0, 1, 0, 50))).toISOString()).toBe('2026-01-01T01:00:00.000Z');
    expect(() => parseCron('61 * * * *')).toThrow(/cron/);
  });

  it('intervals are aligned to the epoch plus offset', () => {
    const t = nextScheduleTime({ intervals: [{ every: '1 day', offset: '2 hours' }] }, Date.UTC(2026, 0, 5, 3, 0));
    expect(new Date(t ?? 0).toISOString()).toBe('2026-01-06T02:00:00.000Z');
  });
});

describe('schedules on the engine', () => {
  let t: TestDb;
  let env: TestEnv;

  beforeAll(async () => {
    t = await createTestDb();
    env = await createTestEnv({ db: t.db, workflowsPath, activities: createDemoActivities(), startAt: Date.UTC(2026, 0, 5, 0, 0) });
  });

  afterAll(async () => {
    await env?.shutdown();
    await t?.drop();
  });

  it('a daily schedule starts one workflow per day under time skipping; pause stops it', async () => {
    const s = await env.client.schedule.create({
      scheduleId: 'nightly-tags',
      spec: { cronExpressions: ['0 2 * * *'] },
      action: { workflowType: 'twoActivities', taskQueue: env.taskQueue, args: ['夜间任务'] },
    });
    await env.sleep('3 days');
    const runs = [];
    for await (const r of env.client.list({ workflowIdPrefix: 'nightly-tags-' })) runs.push(r);
    expect(runs).toHaveLength(3);
    expect(runs.every((r) => r.status.name === 'COMPLETED')).toBe(true);
    expect(runs.map((r) => r.workflowId).sort()[0]).toBe('nightly-tags-2026-01-05T18:00:00Z');
    await s.pause('测试暂停');
    await env.sleep('2 days');
    expect((await s.describe()).info.numActionsTaken).toBe(3);
    await s.unpause();
    await s.trigger();
    await env.idle();
    expect((await s.describe()).info.numActionsTaken).toBe(4);
  });

  it('overlap SKIP: a run still going makes the next due time skip', async () => {
    const s = await env.client.schedule.create({
      scheduleId: 'visit-cycle',
      spec: { intervals: [{ every: '1 hour' }] },
      action: { workflowType: 'sleeper', taskQueue: env.taskQueue, args: ['90 minutes'] },
    });
    await env.sleep('4 hours');
    const d = await s.describe();
    expect(d.info.numActionsTaken).toBe(2); // hours 1 and 3 start; hours 2 and 4 find the previous still sleeping
    expect(d.info.numActionsSkippedOverlap).toBe(2);
    await s.delete();
  });
});
