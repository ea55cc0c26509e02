/**
 * `npm run bench:tags` (DATABASE_URL required): on the `city` demo dataset (generated with the
 * generator of db/seed/generate.ts when the database is empty, as bench/db.ts does) measures
 *  - computed_tags_s: whole-city recomputation of every standard computed tag from scratch
 *    (their rows removed first, so every match is inserted and logged);
 *  - tag_search_p95_ms: combined search, 3 tags with AND + NOT, district-level actor, counts per
 *    type plus one page (the query module the API uses), p95 over BENCH_SAMPLES;
 *  - coverage_report_s: 包户 rates per grid for the whole city (median of 3);
 *  - regrid_s: one boundary edit between two grids of a community — validation of the community's
 *    tiling, save, and re-assignment of every element in one transaction (median of 3 edits, each
 *    followed by the reverse edit so the dataset is left as it was).
 * Last output line: {"tag_search_p95_ms":…, "coverage_report_s":…, "computed_tags_s":…, "regrid_s":…}.
 */
import { performance } from 'node:perf_hooks';
import { openDb } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { coverageRates } from '../db/queries/coverage';
import { saveGridGeometries } from '../db/queries/grids';
import { ensureStandardTags } from '../db/queries/tags/catalogue';
import { recomputeAllTags } from '../db/queries/tags/compute';
import { searchByTags, type TagExpr } from '../db/queries/tags/search';
import type { Actor } from '../db/scope';
import { generateCity } from '../db/seed/generate';
import { Prng } from '../db/seed/prng';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const WARMUP = 30;

function actorAt(org: { id: number; path: string }): Actor {
  return { userId: 0, username: 'bench', orgId: org.id, orgPath: org.path, roles: [], permissions: new Set(), grants: [] };
}
const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return round(s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('请设置 DATABASE_URL（PostgreSQL 数据库，需 postgis 与 ltree 扩展），例如 postgres://postgres@127.0.0.1:5432/gov_bench');
    process.exit(2);
  }
  const db = await openDb({ url, poolMax: 4 });
  try {
    await migrateLatest(db);
    if (Number((await db('org_units').count({ n: '*' }).first())?.n ?? 0) === 0) {
      log('生成 city 数据集……');
      await generateCity(db, { size: 'city', seed: 20261124 });
      await db.raw('VACUUM ANALYZE');
    }
    const residents = Number((await db('residents').count({ n: '*' }).first())?.n ?? 0);
    if (residents < 400_000) {
      console.error(`该数据库不是 city 数据集（居民 ${residents} 人），请使用空数据库或 bench:db 生成的数据库`);
      process.exit(2);
    }

    // ── computed tags, whole city, from scratch ──
    await ensureStandardTags(db);
    await db.raw(`DELETE FROM element_tags WHERE tag_id IN (SELECT id FROM tag_definitions WHERE code LIKE 'STD\\_%')`);
    await db.raw('VACUUM ANALYZE element_tags');
    let t0 = performance.now();
    const results = await recomputeAllTags(db);
    const computedS = round((performance.now() - t0) / 1000);
    log(`计算标签：${results.length} 个标签，新增 ${results.reduce((s, r) => s + r.added, 0)} 条，用时 ${computedS} s`);
    // What autovacuum does after a bulk change: statistics and the visibility map (index-only scans).
    await db.raw('VACUUM ANALYZE element_tags');

    // ── combined tag search ──
    const tagIds = new Map(
      ((await db('tag_definitions').where('code', 'like', 'STD_%').select('code', 'id')) as { code: string; id: number }[]).map((r) => [
        r.code,
        r.id,
      ]),
    );
    const t = (code: string) => ({ tag: tagIds.get(code) as number });
    const exprs: TagExpr[] = [
      { and: [t('STD_ELDERLY'), t('STD_PARTY_MEMBER'), { not: t('STD_ALONE_ELDERLY') }] },
      { and: [t('STD_ELDERLY'), t('STD_DISABLED'), { not: t('STD_ALONE_ELDERLY') }] },
      { and: [t('STD_MIGRANT'), t('STD_PARTY_MEMBER'), { not: t('STD_SEPARATED') }] },
      { and: [t('STD_ELDERLY'), t('STD_SEPARATED'), { not: t('STD_OLDEST_OLD') }] },
    ];
    const districts = (await db('org_units').where('type', 'district').select('id', db.raw('path::text AS path'))) as {
      id: number;
      path: string;
    }[];
    const rng = new Prng(7);
    const searchOnce = async () => {
      const actor = actorAt(rng.pick(districts));
      const s = performance.now();
      await searchByTags(db, actor, { expr: rng.pick(exprs), page: rng.int(1, 5), pageSize: 20 });
      return performance.now() - s;
    };
    for (let i = 0; i < WARMUP; i++) await searchOnce();
    const search: number[] = [];
    for (let i = 0; i < SAMPLES; i++) search.push(await searchOnce());
    log(`标签组合查询：p50 ${round(median(search))} ms，p95 ${p95(search)} ms`);

    // ── coverage report, whole city ──
    const city = (await db('org_units').where('type', 'city').select('id', db.raw('path::text AS path')).first()) as {
      id: number;
      path: string;
    };
    const cov: number[] = [];
    for (let i = 0; i < 3; i++) {
      t0 = performance.now();
      const rows = await coverageRates(db, actorAt(city), { level: 'grid' });
      cov.push((performance.now() - t0) / 1000);
      if (i === 0) log(`包户覆盖率：${rows.length} 个网格，${rows.reduce((s, r) => s + r.total, 0)} 个要素`);
    }
    const coverageS = round(median(cov));

    // ── re-assignment after a boundary edit ──
    const pair = (
      await db.raw(
        `SELECT a.id AS a, b.id AS b, a.parent_id AS community,
              ST_XMin(a.geom) ax0, ST_YMin(a.geom) ay0, ST_XMax(a.geom) ax1, ST_YMax(a.geom) ay1, ST_XMax(b.geom) bx1
       FROM org_units a JOIN org_units b ON b.parent_id = a.parent_id AND b.type = 'grid' AND b.active
        AND ST_XMin(b.geom) = ST_XMax(a.geom) AND ST_YMin(b.geom) = ST_YMin(a.geom) AND ST_YMax(b.geom) = ST_YMax(a.geom)
       WHERE a.type = 'grid' AND a.active AND ST_NPoints(a.geom) = 5 AND ST_NPoints(b.geom) = 5
       ORDER BY (SELECT count(*) FROM households h WHERE h.grid_id = a.id) DESC LIMIT 1`,
      )
    ).rows[0] as { a: number; b: number; community: number; ax0: number; ay0: number; ax1: number; ay1: number; bx1: number };
    const rect = (x0: number, y0: number, x1: number, y1: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
          [x0, y0],
        ],
      ],
    });
    const edit = (mid: number) => ({
      communityId: pair.community,
      grids: [
        { id: pair.a, geometry: rect(pair.ax0, pair.ay0, mid, pair.ay1) },
        { id: pair.b, geometry: rect(mid, pair.ay0, pair.bx1, pair.ay1) },
      ],
    });
    const mid = round(pair.ax1 - (pair.ax1 - pair.ax0) / 3, 6);
    const regrid: number[] = [];
    for (let i = 0; i < 3; i++) {
      t0 = performance.now();
      const r = await saveGridGeometries(db, actorAt(city), edit(mid));
      regrid.push((performance.now() - t0) / 1000);
      if (i === 0) log(`网格调整：移动 ${JSON.stringify(r.summary.moved)}`);
      await saveGridGeometries(db, actorAt(city), edit(pair.ax1));
    }
    const regridS = round(median(regrid), 3);

    console.log(
      JSON.stringify({ tag_search_p95_ms: p95(search), coverage_report_s: coverageS, computed_tags_s: computedS, regrid_s: regridS }),
    );
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error('基准测试失败：', err);
  process.exit(1);
});
