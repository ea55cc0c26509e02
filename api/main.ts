/**
 * `npm start`: the whole platform in one process on the embedded defaults.
 * PORT (3000), DATA_DIR (./data) for PGlite, DATABASE_URL for a PostgreSQL server instead.
 */
import type { AddressInfo } from 'node:net';
import { createMailer } from '../activities/mail/mailer';
import { dbOptionsFromEnv, openDb } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { demoAccountLines, demoAccountsPresent, seedDemoAccounts } from '../db/seed/accounts';
import { generateCity } from '../db/seed/generate';
import { progressBar } from '../db/seed/progress';
import { createPlatformActivities } from '../temporal-config/activities';
import { createRuntime } from '../temporal-config/index';
import { DEFAULT_TASK_QUEUE } from '../temporal-config/search-attributes';
import { ensureWebBuild } from '../web/build';
import { TAG_JOBS_WORKFLOW_ID, TAG_JOBS_WORKFLOW_TYPE } from '../workflows/tag-jobs-messages';
import { createApp } from './app';
import { createActorResolver } from './auth/session';
import type { Services } from './http';
import { createLogger } from './logger';

async function main(): Promise<void> {
  const log = createLogger();
  // A fresh clone has no web/dist yet: build the pages once (about a minute), later starts skip it.
  if (!process.env.SKIP_WEB_BUILD) {
    process.stdout.write('正在检查前端页面构建…\n');
    if (ensureWebBuild()) process.stdout.write('前端页面构建完成\n');
  }
  const port = Number(process.env.PORT ?? 3000);
  const dbOpts = dbOptionsFromEnv();
  if (!dbOpts.url) dbOpts.dataDir = `${process.env.DATA_DIR ?? 'data'}/pglite`;
  let ready = false;

  const db = await openDb(dbOpts);
  const services: Services = { db, log };
  const app = createApp(services, { resolveActor: createActorResolver(), isReady: () => ready });
  const server = app.listen(port);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;

  await migrateLatest(db);
  // First start: an empty database gets the small demo city (seconds) and the demo accounts.
  if (Number((await db('org_units').count({ n: '*' }).first())?.n ?? 0) === 0) {
    process.stdout.write('首次启动，正在生成演示城市数据…\n');
    await generateCity(db, { size: 'small', onProgress: progressBar(process.stdout) });
    await seedDemoAccounts(db);
  }
  // Workflows: the embedded engine on this database, or a Temporal cluster when TEMPORAL_ADDRESS is set.
  const mailer = await createMailer(db);
  const runtime = await createRuntime({ db, activities: createPlatformActivities({ db, mailer }) });
  services.workflows = runtime.client;
  // 计算标签定时任务 (T-4): one schedule per deployment, started by its id; a running one is left alone.
  await runtime.client
    .start(TAG_JOBS_WORKFLOW_TYPE, { workflowId: TAG_JOBS_WORKFLOW_ID, taskQueue: DEFAULT_TASK_QUEUE, args: [{}] })
    .catch(() => undefined);
  ready = true;
  process.stdout.write(`\n一张表数字化治理平台 已启动: ${url}\n`);
  process.stdout.write(
    `工作流运行时: ${runtime.mode === 'cluster' ? `Temporal 集群 ${process.env.TEMPORAL_ADDRESS}` : '内嵌引擎'}；邮件: ${mailer.target}\n`,
  );
  if (await demoAccountsPresent(db)) process.stdout.write(`${demoAccountLines().join('\n')}\n`);

  const stop = async () => {
    server.close();
    await runtime.shutdown();
    await mailer.close();
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error('启动失败：', err);
  process.exit(1);
});
