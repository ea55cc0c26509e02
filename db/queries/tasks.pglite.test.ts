/** Smoke run on PGlite (the embedded default database): the task SQL runs there as on the server. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTasksActivities } from '../../activities/tasks';
import { type Db, openDb } from '../connection';
import { migrateLatest } from '../migrate';
import { claimTask, countInbox, listInbox } from './tasks';
import { seedTaskWorld, type TaskWorld } from './tasks.fixture';

let db: Db;
let dir: string;
let w: TaskWorld;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gov-pglite-tasks-'));
  db = await openDb({ dataDir: dir });
  await migrateLatest(db);
  if (!(await db('org_units').where({ path: 'km' }).first()))
    await db('org_units').insert({ code: 'km', name: '克拉玛依市', type: 'city', path: 'km', level: 1 });
  w = await seedTaskWorld(db, 'p');
}, 300_000);
afterAll(async () => {
  await db?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('tasks on PGlite', () => {
  it('M-3 create (idempotent), inbox in scope, counts and claim run on PGlite', async () => {
    const acts = createTasksActivities(db);
    const input = {
      signalName: 'submit',
      formKey: 'demo-approval',
      title: '走访任务',
      bizType: 'visit',
      candidateRole: 'grid_worker',
      candidateOrgPath: w.grid1,
      orgPath: w.grid1,
      dueAt: new Date(Date.now() - 1000).toISOString(),
      idempotencyKey: 'pglite-1',
    };
    const a = await acts.createTask(input);
    expect(await acts.createTask(input)).toEqual({ taskId: a.taskId, created: false });
    expect((await listInbox(db, w.worker1)).items.map((x) => x.id)).toEqual([a.taskId]);
    expect((await listInbox(db, w.worker2)).items).toEqual([]);
    expect(await countInbox(db, w.worker1)).toEqual([{ bizType: 'visit', count: 1, overdue: 1 }]);
    expect((await claimTask(db, w.worker1, a.taskId)).ok).toBe(true);
    expect((await claimTask(db, w.worker1b, a.taskId)).ok).toBe(false);
    expect((await acts.closeTask('pglite-1', 'expired')).status).toBe('expired');
  });
});
