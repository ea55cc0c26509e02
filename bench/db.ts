/**
 * `npm run bench:db` (DATABASE_URL required): generates the `city` demo dataset (≈490k residents)
 * into that database when it is empty, then measures through the query modules the API uses:
 *  (a) a scoped resident list page (20 rows) for street- and community-level actors with random
 *      pages, filters and sorts;
 *  (b) a resident detail with household, house, building, grid and org chain.
 * Last output line: {"residents":…, "generate_s":…, "list_p95_ms":…, "detail_p95_ms":…}.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { openDb } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { getResident, listResidents, type ResidentListParams } from '../db/queries/elements/residents';
import type { Actor } from '../db/scope';
import { generateCity } from '../db/seed/generate';
import { Prng } from '../db/seed/prng';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 500);
const WARMUP = 50;

function actorAt(org: { id: number; path: string }): Actor {
  return { userId: 0, username: 'bench', orgId: org.id, orgPath: org.path, roles: [], permissions: new Set(), grants: [] };
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] * 100) / 100;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('请设置 DATABASE_URL（PostgreSQL 数据库，需 postgis 与 ltree 扩展），例如 postgres://postgres@127.0.0.1:5432/gov_bench');
    process.exit(2);
  }
  const db = await openDb({ url, poolMax: 4 });
  try {
    await migrateLatest(db);
    const orgCount = Number((await db('org_units').count({ n: '*' }).first())?.n ?? 0);
    let generateS: number | null = null;
    if (orgCount === 0) {
      const t0 = performance.now();
      let lastLine = '';
      await generateCity(db, {
        size: 'city',
        seed: 20261124,
        onProgress(stage, done, total) {
          const line = `${stage} ${Math.floor((100 * done) / total)}%`;
          if (line !== lastLine) process.stderr.write(`\r生成城市数据: ${line}   `);
          lastLine = line;
        },
      });
      process.stderr.write('\n');
      generateS = Math.round((performance.now() - t0) / 100) / 10;
      await db.raw('VACUUM ANALYZE');
    }
    const residents = Number((await db('residents').count({ n: '*' }).first())?.n ?? 0);
    if (residents < 400_000) {
      console.error(`该数据库已有其他数据（居民 ${residents} 人），请使用一个空数据库运行基准测试`);
      process.exit(2);
    }

    const rng = new Prng(42);
    const streets = (await db('org_units').where('type', 'street').select('id', db.raw('path::text AS path'))) as {
      id: number;
      path: string;
    }[];
    const communities = (await db('org_units').where('type', 'community').select('id', db.raw('path::text AS path'))) as {
      id: number;
      path: string;
    }[];
    const maxId = Number((await db('residents').max({ m: 'id' }).first())?.m ?? 0);

    const filters: ((p: ResidentListParams) => ResidentListParams)[] = [
      (p) => p,
      (p) => ({ ...p, gender: '女' }),
      (p) => ({ ...p, residenceType: '流动人口' }),
      (p) => ({ ...p, name: '王' }),
      (p) => ({ ...p, ageMin: 60 }),
      (p) => ({ ...p, ethnicity: '维吾尔族' }),
      (p) => ({ ...p, sort: 'name' }),
      (p) => ({ ...p, sort: 'birthDate', order: 'desc' }),
    ];
    const byLevel: Record<'street' | 'community', number[]> = { street: [], community: [] };
    const listOnce = async () => {
      const level = rng.chance(0.5) ? 'street' : 'community';
      const org = rng.pick(level === 'street' ? streets : communities);
      const params = rng.pick(filters)({ page: rng.int(1, 20), pageSize: 20 });
      const t = performance.now();
      await listResidents(db, actorAt(org), params);
      const ms = performance.now() - t;
      byLevel[level].push(ms);
      return ms;
    };
    const detailOnce = async () => {
      const id = rng.int(1, maxId);
      const row = (await db('residents').where({ id }).select(db.raw('org_path::text AS path')).first()) as { path: string } | undefined;
      const community = row?.path.split('.').slice(0, 4).join('.') ?? 'km';
      const t = performance.now();
      const d = await getResident(db, actorAt({ id: 0, path: community }), id);
      const ms = performance.now() - t;
      if (!d) throw new Error(`resident ${id} not found in its own community`);
      return ms;
    };

    for (let i = 0; i < WARMUP; i++) {
      await listOnce();
      await detailOnce();
    }
    const list: number[] = [];
    const detail: number[] = [];
    byLevel.street = [];
    byLevel.community = [];
    for (let i = 0; i < SAMPLES; i++) list.push(await listOnce());
    for (let i = 0; i < SAMPLES; i++) detail.push(await detailOnce());
    const p50 = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] * 100) / 100;
    console.log(
      `列表 p50 ${p50(list)} ms（街道级 p95 ${p95(byLevel.street)} ms，社区级 p95 ${p95(byLevel.community)} ms）；` +
        `详情 p50 ${p50(detail)} ms；样本各 ${SAMPLES}；测量时系统负载 ${os.loadavg()[0].toFixed(1)}（${os.cpus().length} 核）`,
    );
    console.log(JSON.stringify({ residents, generate_s: generateS, list_p95_ms: p95(list), detail_p95_ms: p95(detail) }));
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error('基准测试失败：', err);
  process.exit(1);
});
