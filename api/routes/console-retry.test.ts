/**
 * 重试失败活动 in the console (M-3, N-5): a process that failed because its activity failed for
 * good is shown with the failed activity, and the administrator's retry runs it again with the
 * original input (decoded through the SM4 codec), under the same workflow id, audited.
 * Uses the engine's representative demo workflows (workflows/demo), where `rejecting` fails.
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoActivities, type DemoActivityLog } from '../../activities/demo';
import { createTestDb, type TestDb } from '../../db/testing/server';
import { createRuntime, type Runtime } from '../../temporal-config';
import { createApp } from '../app';
import { createActorResolver } from '../auth/session';
import { FIXTURE_PASSWORD, seedFixture } from '../auth/test-fixture';
import { createLogger } from '../logger';

const workflowsPath = fileURLToPath(new URL('../../workflows/demo/index.ts', import.meta.url));

let t: TestDb;
let rt: Runtime;
let base: string;
let close: () => Promise<void>;
const log: DemoActivityLog = { calls: [] };

async function login(username: string) {
  let cookie = '';
  return async (method: string, path: string, body?: unknown) => {
    if (!cookie) {
      const r = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: FIXTURE_PASSWORD }),
      });
      cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
    }
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely
    return { status: r.status, json: (await r.json().catch(() => null)) as any };
  };
}

beforeAll(async () => {
  t = await createTestDb();
  await seedFixture(t.db);
  rt = await createRuntime({ db: t.db, address: null, timeSkipping: true, workflowsPath, activities: createDemoActivities(log) });
  const app = createApp({ db: t.db, log: createLogger('silent'), workflows: rt.client }, { resolveActor: createActorResolver() });
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  close = () =>
    new Promise((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
}, 180_000);

afterAll(async () => {
  await close?.();
  await rt?.shutdown();
  await t?.drop();
});

describe('console retry (M-3, N-5)', () => {
  it('M-3 a failed process shows its failed activity; the administrator reruns it with the original input, audited', async () => {
    await rt.client.start('rejecting', { workflowId: 'retry-demo-1', taskQueue: rt.taskQueue, args: ['材料不全，退回'] });
    await rt.idle?.();
    const first = await rt.client.getHandle('retry-demo-1').describe();
    expect(first.status.name).toBe('FAILED');

    let admin = await login('f_sysadmin');
    const d = await admin('GET', '/console/workflows/retry-demo-1');
    expect(d.status).toBe(200);
    expect(d.json.process.statusLabel).toBe('失败');
    expect(d.json.failedActivities).toEqual([expect.objectContaining({ activityType: 'rejectIt', message: '材料不全，退回' })]);
    expect(d.json.timeline.map((e: { title: string }) => e.title)).toContain('流程失败');

    const sup = await login('f_supervisor');
    expect((await sup('POST', '/console/workflows/retry-demo-1/retry', { reason: '补齐材料后重试' })).status).toBe(403);

    await rt.skipTime?.('10 minutes'); // the administrator looks into it for a while
    const calls = log.calls.filter((c) => c.name === 'rejectIt').length;
    admin = await login('f_sysadmin');
    const r = await admin('POST', '/console/workflows/retry-demo-1/retry', { reason: '补齐材料后重试' });
    expect(r.status).toBe(200);
    await rt.idle?.();
    const runs = [];
    for await (const x of rt.client.list({ workflowIdPrefix: 'retry-demo-1' })) runs.push(x);
    expect(runs).toHaveLength(2);
    const second = await rt.client.getHandle('retry-demo-1').describe();
    expect(second.runId).not.toBe(first.runId);
    // The activity ran again with the original (decoded) input: it fails the same way.
    expect(log.calls.filter((c) => c.name === 'rejectIt').length).toBe(calls + 1);
    const again = await admin('GET', '/console/workflows/retry-demo-1');
    expect(again.json.failedActivities[0].message).toBe('材料不全，退回');
    const audit = await t.db('audit_log').where({ action: 'workflow_retry', object_id: 'retry-demo-1' }).first();
    expect(audit.detail).toMatchObject({ reason: '补齐材料后重试', failedRunId: first.runId, failedActivities: ['rejectIt'] });

    // A running or completed process has nothing to retry.
    await rt.client.start('twoActivities', { workflowId: 'retry-demo-ok', taskQueue: rt.taskQueue, args: ['网格'] });
    await rt.idle?.();
    const ok = await admin('POST', '/console/workflows/retry-demo-ok/retry', { reason: '误点' });
    expect(ok.status).toBe(409);
    expect(ok.json.error.message).toContain('没有需要重试的失败活动');
  });
});
