/**
 * `npm run db:migrate` — bring the schema to the newest migration.
 * `npm run db:seed [test|small|city]` — generate the demo city into an empty database (default small).
 * Both use DATABASE_URL, or the embedded database in DATA_DIR like `npm start`.
 */
import { dbOptionsFromEnv, openDb } from './connection';
import { migrateLatest } from './migrate';
import { seedDemoAccounts } from './seed/accounts';
import { generateCity } from './seed/generate';
import { progressBar } from './seed/progress';

type Size = 'test' | 'small' | 'city';

async function main(): Promise<void> {
  const [command, sizeArg] = process.argv.slice(2);
  const opts = dbOptionsFromEnv();
  if (!opts.url) opts.dataDir = `${process.env.DATA_DIR ?? 'data'}/pglite`;
  const db = await openDb(opts);
  try {
    await migrateLatest(db);
    if (command === 'migrate') {
      process.stdout.write('数据库结构已是最新\n');
      return;
    }
    if (command !== 'seed') {
      process.stderr.write('用法：tsx db/cli.ts migrate | seed [test|small|city]\n');
      process.exitCode = 2;
      return;
    }
    const size = (sizeArg ?? 'small') as Size;
    if (!['test', 'small', 'city'].includes(size)) {
      process.stderr.write(`未知的规模“${size}”，可选 test、small、city\n`);
      process.exitCode = 2;
      return;
    }
    const orgs = Number((await db('org_units').count({ n: '*' }).first())?.n ?? 0);
    if (orgs > 0) {
      process.stderr.write('数据库中已有机构数据，演示城市只生成到空数据库中\n');
      process.exitCode = 2;
      return;
    }
    await generateCity(db, { size, onProgress: progressBar(process.stdout) });
    await seedDemoAccounts(db);
    process.stdout.write(`演示城市（${size}）已生成\n`);
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error('执行失败：', err);
  process.exit(1);
});
