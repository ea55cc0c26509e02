/**
 * `npm run bench:inbox` (DATABASE_URL required): the form inbox and the workflow console at city
 * scale. On the `city` dataset (generated when the database is empty) it
 *  - starts BENCH_WORKFLOWS demo approval processes on the embedded engine (real histories and
 *    tasks, so the console lists real executions), then
 *  - tops the tasks table up to BENCH_OPEN_TASKS (100k) open tasks spread over the city's grids,
 *    claimable by grid workers (their grid) or community staff (their community);
 * and measures, through the same functions the API calls:
 *  (a) the inbox page (listInbox: 20 rows, random filters and pages) for grid workers and
 *      community staff of random grids / communities, and the counts by type (countInbox);
 *  (b) the console list (listProcesses: the newest-executions window + tasks summary, filters,
 *      sort) for city-, district- and street-level supervisors.
 * Last output line: {"open_tasks":…, "inbox_p95_ms":…, "console_list_p95_ms":…, …}.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createTasksActivities } from '../activities/tasks';
import { type ConsoleListQuery, listProcesses } from '../api/routes/console';
import { openDb } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { countInbox, type InboxFilter, listInbox } from '../db/queries/tasks';
import type { Actor } from '../db/scope';
import { generateCity } from '../db/seed/generate';
import { Prng } from '../db/seed/prng';
import { createRuntime } from '../temporal-config';
import type { DemoApprovalInput } from '../workflows/demo-approval-messages';

const OPEN_TASKS = Number(process.env.BENCH_OPEN_TASKS ?? 100_000);
const WORKFLOWS = Number(process.env.BENCH_WORKFLOWS ?? 3_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 400);
const WARMUP = 40;
const KEY_PREFIX = 'bench-inbox/';
const TYPES = ['visit', 'patrol', 'collection', 'issue', 'move_in', 'special_task'];

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)] * 100) / 100;
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] * 100) / 100;
}

function actor(orgPath: string, roles: string[], permissions: string[] = ['task.read', 'task.handle']): Actor {
  return { userId: 0, username: 'bench', orgId: 0, orgPath, roles, permissions: new Set(permissions), grants: [] };
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error(
      '请设置 DATABASE_URL（PostgreSQL 数据库，需 postgis 与 ltree 扩展），例如 postgres://postgres@127.0.0.1:5432/gov_bench_inbox',
    );
    process.exit(2);
  }
  const db = await openDb({ url, poolMax: 6 });
  const rng = new Prng(7);
  try {
    await migrateLatest(db);
    if (Number((await db('org_units').count({ n: '*' }).first())?.n ?? 0) === 0) {
      let last = '';
      await generateCity(db, {
        size: 'city',
        seed: 20261124,
        onProgress(stage, done, total) {
          const line = `${stage} ${Math.floor((100 * done) / total)}%`;
          if (line !== last) process.stderr.write(`\r生成城市数据: ${line}   `);
          last = line;
        },
      });
      process.stderr.write('\n');
    }
    const grids = (
      (await db.raw(`SELECT path::text AS path FROM org_units WHERE type = 'grid' ORDER BY path`)).rows as { path: string }[]
    ).map((r) => r.path);
    const communities = (
      (await db.raw(`SELECT path::text AS path FROM org_units WHERE type = 'community' ORDER BY path`)).rows as { path: string }[]
    ).map((r) => r.path);
    const districts = ((await db.raw(`SELECT path::text AS path FROM org_units WHERE type = 'district'`)).rows as { path: string }[]).map(
      (r) => r.path,
    );
    const streets = ((await db.raw(`SELECT path::text AS path FROM org_units WHERE type = 'street'`)).rows as { path: string }[]).map(
      (r) => r.path,
    );
    if (grids.length < 100) throw new Error(`该数据库不是 city 数据集（网格 ${grids.length} 个），请使用空数据库运行`);

    // 1. Real processes for the console (once per database).
    const existing = Number((await db('tasks').whereLike('workflow_id', 'bench-wf-%').countDistinct({ n: 'workflow_id' }).first())?.n ?? 0);
    if (existing < WORKFLOWS) {
      const rt = await createRuntime({
        db,
        address: null,
        workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)),
        activities: createTasksActivities(db),
        maxConcurrentActivities: 16,
      });
      const t0 = performance.now();
      for (let i = existing; i < WORKFLOWS; i++) {
        const grid = grids[rng.int(0, grids.length - 1)];
        const input: DemoApprovalInput = {
          title: `基准审批${i}`,
          applicant: '基准',
          orgPath: grid,
          candidateRole: 'grid_worker',
          deadlineMs: rng.int(-72, 14 * 24) * 3_600_000 + 3 * 24 * 3_600_000,
        };
        await rt.client.start('demoApproval', { workflowId: `bench-wf-${i}`, taskQueue: rt.taskQueue, args: [input] });
      }
      for (;;) {
        const n = Number((await db('tasks').whereLike('workflow_id', 'bench-wf-%').count({ n: '*' }).first())?.n ?? 0);
        process.stderr.write(`\r启动演示流程: ${n}/${WORKFLOWS}   `);
        if (n >= WORKFLOWS) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      process.stderr.write(`\n启动 ${WORKFLOWS - existing} 个流程用时 ${Math.round(performance.now() - t0)} ms\n`);
      await rt.shutdown();
    }

    // 2. Top up to OPEN_TASKS open tasks: 70% for grid workers of a grid, 30% for community staff.
    const open = Number((await db('tasks').whereIn('status', ['open', 'claimed']).count({ n: '*' }).first())?.n ?? 0);
    if (open < OPEN_TASKS) {
      const missing = OPEN_TASKS - open;
      const t0 = performance.now();
      await db.raw(
        `INSERT INTO tasks (workflow_id, signal_name, form_key, title, biz_type, biz_id, data, candidate_role,
                            candidate_org_path, org_path, status, created_at, due_at, idempotency_key)
         SELECT 'bench-task-' || :stamp || '-' || i, 'bench.submit', 'demo-approval', '基准任务' || i,
                (:types::text[])[1 + i % :ntypes], 'B' || i, '{}'::jsonb,
                CASE WHEN i % 10 < 7 THEN 'grid_worker' ELSE 'community_staff' END,
                CASE WHEN i % 10 < 7 THEN g.path ELSE subpath(g.path, 0, nlevel(g.path) - 1) END,
                g.path, 'open', now() - (i % 240) * interval '1 hour',
                now() + ((i * 7919) % 500 - 100) * interval '1 hour',
                :prefix || i || '-' || :stamp
           FROM generate_series(1::bigint, :missing) AS i
           JOIN LATERAL (SELECT (:grids::ltree[])[1 + (i * 104729) % :ngrids] AS path) g ON true`,
        {
          types: TYPES,
          ntypes: TYPES.length,
          grids,
          ngrids: grids.length,
          missing,
          prefix: KEY_PREFIX,
          stamp: Date.now(),
        },
      );
      process.stderr.write(`补充 ${missing} 条待办用时 ${Math.round(performance.now() - t0)} ms\n`);
    }
    // Fresh statistics for the planner (the engine's tables grew by the starts above).
    await db.raw('ANALYZE');
    const openTasks = Number((await db('tasks').whereIn('status', ['open', 'claimed']).count({ n: '*' }).first())?.n ?? 0);

    // 3. Inbox: grid workers and community staff, random filters and pages.
    const filters: (() => InboxFilter)[] = [
      () => ({}),
      () => ({ overdue: true }),
      () => ({ due: 'week' }),
      () => ({ type: TYPES[rng.int(0, TYPES.length - 1)] }),
      () => ({ page: rng.int(2, 4) }),
    ];
    const inbox: number[] = [];
    const counts: number[] = [];
    let rows = 0;
    for (let i = 0; i < SAMPLES + WARMUP; i++) {
      const a =
        i % 2 === 0
          ? actor(grids[rng.int(0, grids.length - 1)], ['grid_worker'])
          : actor(communities[rng.int(0, communities.length - 1)], ['community_staff']);
      const f = filters[i % filters.length]();
      let t0 = performance.now();
      const r = await listInbox(db, a, f);
      const dt = performance.now() - t0;
      t0 = performance.now();
      await countInbox(db, a);
      const dc = performance.now() - t0;
      if (i >= WARMUP) {
        inbox.push(dt);
        counts.push(dc);
        rows += r.items.length;
      }
    }

    // 4. Console list: city, district and street supervisors with the console's filters.
    const { EmbeddedWorkflowClient, Engine } = await import('../engine/index');
    const engine = new Engine({ db, workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)) });
    const client = new EmbeddedWorkflowClient(engine);
    const queries: (() => ConsoleListQuery)[] = [
      () => ({ status: 'running' }),
      () => ({ status: 'running', overdue: 'true', sort: 'deadline', order: 'asc' }),
      () => ({ type: 'demoApproval', sort: 'startTime' }),
      () => ({ overdue: 'false', page: String(rng.int(2, 5)) }),
      () => ({ status: 'running', deadlineTo: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10) }),
    ];
    const consoleMs: number[] = [];
    let listed = 0;
    for (let i = 0; i < SAMPLES + WARMUP; i++) {
      const level = i % 3;
      const path = level === 0 ? 'km' : level === 1 ? districts[rng.int(0, districts.length - 1)] : streets[rng.int(0, streets.length - 1)];
      const a = actor(path, ['supervisor'], ['workflow.read']);
      const q = queries[i % queries.length]();
      const t0 = performance.now();
      const r = await listProcesses(db, client, a, q);
      const dt = performance.now() - t0;
      if (i >= WARMUP) {
        consoleMs.push(dt);
        listed += r.total;
      }
    }
    const executions = Number((await db('wf_executions').count({ n: '*' }).first())?.n ?? 0);
    process.stderr.write(
      `网格 ${grids.length} 个，社区 ${communities.length} 个；待办页平均 ${Math.round(rows / SAMPLES)} 行；` +
        `流程实例 ${executions} 个，控制台列表平均命中 ${Math.round(listed / SAMPLES)} 个\n`,
    );
    console.log(
      JSON.stringify({
        open_tasks: openTasks,
        inbox_p95_ms: p95(inbox),
        console_list_p95_ms: p95(consoleMs),
        inbox_counts_p95_ms: p95(counts),
        inbox_p50_ms: p50(inbox),
        console_list_p50_ms: p50(consoleMs),
        workflow_executions: executions,
        // The machine's 1-minute load average while measuring (shared cores inflate p95).
        load_avg_1m: Math.round(os.loadavg()[0] * 10) / 10,
      }),
    );
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error('基准测试失败：', err);
  process.exit(1);
});
