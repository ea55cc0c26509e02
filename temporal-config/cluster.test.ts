/**
 * Cluster mode against a live Temporal cluster (TEMPORAL_ADDRESS). Without one these tests are
 * reported as skipped — never faked: nothing here can pass without a real server.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTasksActivities } from '../activities/tasks';
import { seedTaskWorld, type TaskWorld } from '../db/queries/tasks.fixture';
import { createTestDb, type TestDb } from '../db/testing/server';
import { proto } from '../engine/proto';
import type { DemoApprovalResult } from '../workflows/demo-approval-messages';
import { createRuntime, type Runtime } from './index';

const live = !!process.env.TEMPORAL_ADDRESS;
const here = path.dirname(fileURLToPath(import.meta.url));
let t: TestDb;
let w: TaskWorld;
let rt: Runtime;

describe.skipIf(!live)('cluster mode (needs a live Temporal cluster: set TEMPORAL_ADDRESS)', () => {
  beforeAll(async () => {
    t = await createTestDb();
    w = await seedTaskWorld(t.db);
    rt = await createRuntime({
      db: t.db,
      workflowsPath: path.resolve(here, '../workflows/demo-approval.ts'),
      activities: createTasksActivities(t.db),
      taskQueue: `gov-test-${process.pid}`,
    });
  }, 180_000);
  afterAll(async () => {
    await rt?.shutdown();
    await t?.drop();
  });

  it('M-3 runs the demo approval on the cluster: task created, submission signal, result; history encrypted', async () => {
    expect(rt.mode).toBe('cluster');
    const workflowId = `demo-approval-cluster-${Date.now()}`;
    const h = await rt.client.start<DemoApprovalResult>('demoApproval', {
      workflowId,
      taskQueue: rt.taskQueue,
      args: [
        { title: '集群审批', applicant: '李四 650203199001011234', orgPath: w.grid1, candidateRole: 'grid_worker', deadlineMs: 86_400_000 },
      ],
    });
    let task: { id: number } | undefined;
    for (let i = 0; i < 100 && !task; i++) {
      task = await t.db('tasks').where({ workflow_id: workflowId }).first();
      if (!task) await new Promise((r) => setTimeout(r, 200));
    }
    expect(task).toBeDefined();
    await h.signal('demoApproval.submit', { taskId: Number(task?.id), data: { decision: 'approve' }, completedBy: w.worker1.userId });
    expect((await h.result()).outcome).toBe('approved');
    const history = Buffer.from(proto.temporal.api.history.v1.History.encode(await h.fetchHistory()).finish());
    expect(history.toString('latin1')).not.toContain('650203199001011234');
    const listed = [];
    for await (const d of rt.client.list({ type: 'demoApproval', workflowIdPrefix: workflowId })) listed.push(d.workflowId);
    expect(listed).toContain(workflowId);
  }, 120_000);
});
