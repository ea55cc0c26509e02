/**
 * `npm run bench:issues` (DATABASE_URL = a database holding the `city` dataset, as bench:db makes):
 * clones it into a scratch database, starts BENCH_ISSUES (10,000) issues spread over the city's
 * grids, and drives every one through the Fengqiao flow on the embedded engine with time skipping —
 * most dispatched to a department, some closed by the community, some returned and re-dispatched
 * after a failed verification, some left overdue until all three supervision layers (督办单 PDF)
 * fire. While the load runs, a sampler measures the inbox query of community staff and the issue
 * list of street staff (the queries the API serves). Last output line:
 * {"issues":…, "lost":…, "issues_per_s":…, "inbox_p95_ms":…, "issue_list_p95_ms":…}.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import knexFactory from 'knex';
import { createIssueActivities } from '../activities/issue';
import { type Db, openDb } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { gridContext, insertIssue, listIssues } from '../db/queries/issues';
import { listInbox } from '../db/queries/tasks';
import type { Actor } from '../db/scope';
import { Prng } from '../db/seed/prng';
import { createTestEnv } from '../engine/testing';
import { type IssueInput, taskSubmitted } from '../workflows/issue-messages';
import { runWindowed } from './workload';

const N = Number(process.env.BENCH_ISSUES ?? 10_000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 64);
const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

function p95(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] * 100) / 100;
}

const actor = (orgPath: string, roles: string[]): Actor => ({
  userId: 0,
  username: 'bench',
  orgId: 0,
  orgPath,
  roles,
  permissions: new Set(),
  grants: [],
});

/** Scenario of issue i: 0 dispatched, 1 community handles, 2 returned and verified twice, 3 left overdue. */
function scenario(i: number): 0 | 1 | 2 | 3 {
  const r = i % 20;
  return r < 15 ? 0 : r < 17 ? 1 : r < 19 ? 2 : 3;
}

/** The next action for an open task of an issue, or undefined to leave it (overdue cohort). */
function nextAction(
  sc: number,
  kind: string,
  allowed: string[],
  depts: number[],
  seen: Map<string, number>,
): Record<string, unknown> | undefined {
  const n = (k: string) => seen.get(k) ?? 0;
  switch (kind) {
    case 'community':
      if (sc === 3 && n('community') === 0) return undefined;
      return sc === 1 || sc === 3 ? { action: 'handle', result: '社区已处理' } : { action: 'escalate', reason: '需要职能部门处理' };
    case 'street':
      if (allowed.includes('accept')) return { action: 'accept', complexity: 'general' };
      return { action: allowed.includes('redispatch') ? 'redispatch' : 'dispatch', deptIds: [depts[(n('street') + 1) % depts.length]] };
    case 'department':
      if (allowed.includes('accept')) return { action: 'accept' };
      if (sc === 2 && n('dept_return') === 0) return { action: 'return', reason: '不属本部门职责' };
      return { action: 'feedback', result: '已办理' };
    case 'verify':
      if (sc === 2 && n('verify') === 0) return { action: 'fail', reason: '问题仍存在' };
      return { action: 'pass', stars: 4 };
    case 'archive':
      return { action: 'archive' };
    default:
      return undefined;
  }
}

async function cloneDatabase(sourceUrl: string, name: string): Promise<string> {
  const u = new URL(sourceUrl);
  const source = u.pathname.slice(1);
  u.pathname = '/postgres';
  const admin = knexFactory({ client: 'pg', connection: u.toString(), pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.raw(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()`, [source]);
    await admin.raw(`CREATE DATABASE ${name} TEMPLATE ${source}`);
  } finally {
    await admin.destroy();
  }
  u.pathname = `/${name}`;
  return u.toString();
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      '请设置 DATABASE_URL：已生成 city 数据集的数据库（先运行 npm run bench:db），例如 postgres://postgres@127.0.0.1:5432/gov_bench',
    );
    process.exit(2);
  }
  {
    const check = await openDb({ url, poolMax: 1 });
    await migrateLatest(check);
    const residents = Number((await check('residents').count({ n: '*' }).first())?.n ?? 0);
    await check.destroy();
    if (residents < 400_000) {
      console.error(`该数据库没有 city 数据集（居民 ${residents} 人），请先运行 npm run bench:db`);
      process.exit(2);
    }
  }
  const scratchUrl = await cloneDatabase(url, 'gov_bench_issues_run');
  const db: Db = await openDb({ url: scratchUrl, poolMax: 12 });
  const sampleDb: Db = await openDb({ url: scratchUrl, poolMax: 2 });
  const rng = new Prng(20261124);
  const grids = (await db('org_units').where({ type: 'grid', grid_type: 'basic' }).select('id').orderBy('id')).map((r) => r.id as number);
  const depts = (await db('org_units').where({ type: 'department' }).select('id').orderBy('id')).map((r) => r.id as number);
  const communities = (await db('org_units').where({ type: 'community' }).select(db.raw('path::text as path'))).map(
    (r) => r.path as string,
  );
  const streets = (await db('org_units').where({ type: 'street' }).select(db.raw('path::text as path'))).map((r) => r.path as string);

  const env = await createTestEnv({
    db,
    workflowsPath,
    activities: createIssueActivities({ db, now: () => new Date(env.clock.now()) }),
    startAt: Date.parse('2025-11-03T09:00:00+08:00'),
    maxCachedWorkflows: 20_000,
  });

  // Sampler: the two list queries the API serves, timed while the load runs.
  const inboxMs: number[] = [];
  const listMs: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    const s = new Prng(7);
    while (sampling) {
      const c = communities[s.int(0, communities.length - 1)];
      let t0 = performance.now();
      await listInbox(sampleDb, actor(c, ['community_staff']), { pageSize: 20 });
      inboxMs.push(performance.now() - t0);
      const st = streets[s.int(0, streets.length - 1)];
      t0 = performance.now();
      await listIssues(sampleDb, actor(st, ['street_staff']), { tab: 'in_progress', pageSize: 20 });
      listMs.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  const t0 = performance.now();
  const issueOf = new Map<string, number>();
  const seen = new Map<string, Map<string, number>>();
  // 1) Report N issues over the city's grids.
  await runWindowed(N, WINDOW, async (i) => {
    const ctx = (await gridContext(db, grids[rng.int(0, grids.length - 1)]))!;
    const { issueNo } = await insertIssue(db, {
      title: `基准问题${i}`,
      description: '基准测试',
      source: 'grid',
      complexity: 'general',
      gridId: ctx.grid.id,
      orgPath: ctx.grid.path,
    });
    const input: IssueInput = { issueNo, title: `基准问题${i}`, source: 'grid', complexity: 'general', ...ctx };
    await env.client.start('issueWorkflow', { workflowId: `issue-${issueNo}`, taskQueue: env.taskQueue, args: [input] });
    issueOf.set(issueNo, i);
    seen.set(issueNo, new Map());
  });
  process.stderr.write(`已上报 ${N} 件，开始流转…\n`);

  // 2) Drive: complete every open issue task the way the API does (row completed, then signal).
  const drive = async (): Promise<number> => {
    let acted = 0;
    for (;;) {
      await env.idle();
      const open = await db('tasks')
        .where({ biz_type: 'issue' })
        .whereIn('status', ['open', 'claimed'])
        .select('id', 'workflow_id', 'biz_id', 'data')
        .orderBy('id')
        .limit(5000);
      const todo = open
        .map((t) => {
          const i = issueOf.get(t.biz_id) ?? 0;
          const s = seen.get(t.biz_id)!;
          const data = nextAction(scenario(i), t.data.kind, t.data.allowedActions ?? [], depts, s);
          return data ? { t, data, s } : undefined;
        })
        .filter((x) => x !== undefined);
      if (todo.length === 0) return acted;
      await runWindowed(todo.length, WINDOW, async (k) => {
        const { t, data, s } = todo[k];
        const key = data.action === 'return' ? 'dept_return' : (t.data.kind as string);
        s.set(key, (s.get(key) ?? 0) + 1);
        const done = await db('tasks')
          .where({ id: t.id })
          .whereIn('status', ['open', 'claimed'])
          .update({ status: 'completed', result: JSON.stringify(data), completed_at: db.fn.now() });
        if (done) await env.client.getHandle(t.workflow_id).signal(taskSubmitted, { taskId: Number(t.id), data, completedBy: 0 });
      });
      acted += todo.length;
      process.stderr.write(`\r已办理 ${acted} 个待办   `);
    }
  };
  await drive();
  // 3) The overdue cohort waits past its deadline: three supervision layers, then it is handled.
  process.stderr.write('\n时间快进 8 天（超期督办）…\n');
  await env.sleep('8 days');
  const supervised = Number((await db('issues').where('supervision_level', 3).count({ n: '*' }).first())?.n ?? 0);
  for (const s of seen.values()) s.set('community', 1);
  await drive();
  await env.idle();
  const seconds = (performance.now() - t0) / 1000;
  sampling = false;
  await sampler;

  const known = ['grid_verify', 'community', 'street', 'department', 'verify', 'archive', 'archived', 'invalid'];
  const total = Number((await db('issues').count({ n: '*' }).first())?.n ?? 0);
  const archived = Number((await db('issues').where({ step: 'archived' }).count({ n: '*' }).first())?.n ?? 0);
  const lost = total - Number((await db('issues').whereIn('step', known).count({ n: '*' }).first())?.n ?? 0) + (N - total);
  const failedTasks = Number((await db('wf_executions').whereNotNull('last_wft_error').count({ n: '*' }).first())?.n ?? 0);
  const docs = Number((await db('issue_documents').count({ n: '*' }).first())?.n ?? 0);
  process.stderr.write(
    `归档 ${archived}/${total}，三级督办 ${supervised} 件，督办单 ${docs} 份，工作流任务错误 ${failedTasks}，用时 ${seconds.toFixed(1)} 秒\n`,
  );

  await env.shutdown();
  await sampleDb.destroy();
  await db.destroy();
  console.log(
    JSON.stringify({
      issues: total,
      lost: lost + (total - archived),
      issues_per_s: Math.round((N / seconds) * 10) / 10,
      inbox_p95_ms: p95(inboxMs),
      issue_list_p95_ms: p95(listMs),
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
