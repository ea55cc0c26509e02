/**
 * N-3 durability across processes, on the real PostgreSQL: worker processes are killed with
 * SIGKILL in the middle of an activity and in the middle of a workflow task, restarted, and the
 * executions complete with histories that the official replayer accepts. Two worker processes
 * sharing one database never apply one workflow task twice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../db/testing/server';
import { workflowBundle } from './bundle';
import { EmbeddedWorkflowClient } from './client';
import { Engine } from './engine';

const root = fileURLToPath(new URL('..', import.meta.url));
const workflowsPath = fileURLToPath(new URL('../workflows/demo/index.ts', import.meta.url));

let t: TestDb;
let client: EmbeddedWorkflowClient;
const procs: ChildProcess[] = [];

interface WorkerProc {
  proc: ChildProcess;
  lines: string[];
  waitFor(re: RegExp, ms?: number): Promise<string>;
  exited: Promise<number | null>;
}

function startWorker(env: Record<string, string>): WorkerProc {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'engine/testing-worker.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: t.url, TASK_QUEUE: 'mp', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  procs.push(proc);
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buf = '';
  proc.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const l of parts) {
      lines.push(l);
      for (const w of [...waiters]) if (w.re.test(l)) w.resolve(l);
    }
  });
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return {
    proc,
    lines,
    exited,
    waitFor(re, ms = 60_000) {
      const hit = lines.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timeout waiting for ${re}`)), ms);
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
  };
}

async function replays(workflowId: string): Promise<void> {
  const history = await client.getHandle(workflowId).fetchHistory();
  const ids = history.events.map((e) => Number(e.eventId));
  expect(ids).toEqual(ids.map((_, i) => i + 1)); // contiguous: nothing lost, nothing doubled
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle(workflowsPath) }, history, workflowId);
}

beforeAll(async () => {
  t = await createTestDb();
  client = new EmbeddedWorkflowClient(new Engine({ db: t.db, workflowsPath }));
});

afterAll(async () => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  await t?.drop();
});

describe('N-3 crash recovery and multi-process workers', () => {
  it('N-3 a worker killed mid-activity: after restart the activity runs again and the execution completes', async () => {
    const a = startWorker({ DEMO_SLOW_MS: '600000' });
    await a.waitFor(/WORKER_READY/);
    const h = await client.start('slowSteps', { workflowId: 'crash-act', taskQueue: 'mp', args: ['步骤'] });
    await a.waitFor(/ACTIVITY_START 步骤-1 1/);
    a.proc.kill('SIGKILL');
    await a.exited;
    const b = startWorker({ DEMO_SLOW_MS: '0' });
    expect(await h.result()).toBe('步骤-1+步骤-2');
    await b.waitFor(/ACTIVITY_START 步骤-1 2/); // at-least-once: the lost attempt was retried
    const history = await h.fetchHistory();
    const first = history.events.find((e) => e.activityTaskStartedEventAttributes)?.activityTaskStartedEventAttributes;
    expect(first?.attempt).toBe(2);
    await replays('crash-act');
    b.proc.kill('SIGTERM');
    await b.exited;
  }, 90_000);

  it('N-3 a worker killed mid-workflow-task (before commit): the task is redone once, the execution completes', async () => {
    const c = startWorker({ DEMO_SLOW_MS: '0', CRASH_IN_WFT: '2' });
    await c.waitFor(/WORKER_READY/);
    const h = await client.start('slowSteps', { workflowId: 'crash-wft', taskQueue: 'mp', args: ['任务'] });
    await c.waitFor(/CRASHING_IN_WFT/);
    await c.exited;
    const before = await h.fetchHistory();
    const d = startWorker({ DEMO_SLOW_MS: '0' });
    expect(await h.result()).toBe('任务-1+任务-2');
    const after = await h.fetchHistory();
    expect(after.events.length).toBeGreaterThan(before.events.length);
    // The crashed task left no trace: each WorkflowTaskCompleted appears once per task.
    const applied = [...c.lines, ...d.lines].filter((l) => l.startsWith('APPLIED'));
    const completed = after.events.filter((e) => e.workflowTaskCompletedEventAttributes).length;
    expect(applied, [...c.lines, '---', ...d.lines].join('\n')).toHaveLength(completed);
    await replays('crash-wft');
    d.proc.kill('SIGTERM');
    await d.exited;
  }, 90_000);

  it('N-3 two worker processes on one database never apply one workflow task twice', async () => {
    const e = startWorker({ DEMO_SLOW_MS: '0' });
    const f = startWorker({ DEMO_SLOW_MS: '0' });
    await Promise.all([e.waitFor(/WORKER_READY/), f.waitFor(/WORKER_READY/)]);
    const n = 40;
    const handles = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        client.start('twoActivities', { workflowId: `two-proc-${i}`, taskQueue: 'mp', args: [`第${i}号`] }),
      ),
    );
    const results = await Promise.all(handles.map((h) => h.result()));
    expect(results[7]).toBe('你好, 第7号');
    const appliedE = e.lines.filter((l) => l.startsWith('APPLIED'));
    const appliedF = f.lines.filter((l) => l.startsWith('APPLIED'));
    const all = [...appliedE, ...appliedF].filter((l) => handles.some((h) => l.includes(h.firstExecutionRunId ?? '-')));
    const diag = `E ${appliedE.length} F ${appliedF.length}`;
    expect(new Set(all).size, diag).toBe(all.length); // no (run, event range) applied twice
    expect(all, diag).toHaveLength(n * 3); // start, after activity 1, after activity 2
    expect(appliedE.length).toBeGreaterThan(0);
    expect(appliedF.length).toBeGreaterThan(0);
    for (const h of handles.slice(0, 5)) await replays(h.workflowId);
    e.proc.kill('SIGTERM');
    f.proc.kill('SIGTERM');
    await Promise.all([e.exited, f.exited]);
  }, 120_000);
});
