import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../connection';
import { decrypt, isValidIdNumber } from '../sensitive';
import { createTestDb, type TestDb } from '../testing/server';
import { creditCodeCheck, generateCity, subdivide } from './generate';
import { TEST_CITY_SEED } from './test-city';

let t: TestDb;
let db: Db;
beforeAll(async () => {
  t = await createTestDb();
  db = t.db;
});
afterAll(async () => {
  await t.drop();
});

const ELEMENTS = [
  ['household', 'households'],
  ['merchant', 'merchants'],
  ['enterprise', 'enterprises'],
  ['institution', 'institutions'],
  ['facility', 'public_facilities'],
] as const;

/** A fingerprint of the generated rows that leaves out ciphertext (random IV) and timestamps. */
async function fingerprint(d: Db): Promise<Record<string, string>> {
  const q = async (sql: string) => ((await d.raw(sql)).rows[0] as { h: string }).h;
  return {
    orgs: await q(
      `SELECT md5(string_agg(concat_ws('|', id, code, name, type, grid_type, parent_id, path, ST_AsText(geom)), ',' ORDER BY id)) h FROM org_units WHERE type <> 'department' OR true`,
    ),
    buildings: await q(
      `SELECT md5(string_agg(concat_ws('|', id, code, name, address, type, floors, units, ST_AsText(geom)), ',' ORDER BY id)) h FROM buildings`,
    ),
    houses: await q(
      `SELECT md5(string_agg(concat_ws('|', id, building_id, unit_no, floor, room_no, type, status), ',' ORDER BY id)) h FROM houses`,
    ),
    households: await q(
      `SELECT md5(string_agg(concat_ws('|', id, house_id, household_no, head_resident_id, member_count), ',' ORDER BY id)) h FROM households`,
    ),
    residents: await q(
      `SELECT md5(string_agg(concat_ws('|', id, household_id, name, gender, birth_date, ethnicity, id_number_idx, phone_idx, education, residence_type), ',' ORDER BY id)) h FROM residents`,
    ),
    workers: await q(
      `SELECT md5(string_agg(concat_ws('|', id, name, kind, sub_kind, grid_id, phone_idx), ',' ORDER BY id)) h FROM grid_workers`,
    ),
    coverage: await q(
      `SELECT md5(string_agg(concat_ws('|', element_type, element_id, worker_id), ',' ORDER BY id)) h FROM coverage_relations`,
    ),
  };
}

describe('demo city generator (test size)', () => {
  it('D-1 grids tile each community: union equals the community, no pairwise overlap', async () => {
    const gaps = await db.raw(`
      SELECT c.id, c.name,
             ST_Area(ST_SymDifference(c.geom, ST_Union(g.geom))) AS diff,
             count(g.id) AS grids
      FROM org_units c JOIN org_units g ON g.parent_id = c.id AND g.type = 'grid'
      WHERE c.type = 'community'
      GROUP BY c.id, c.name, c.geom`);
    expect(gaps.rows.length).toBeGreaterThan(8);
    for (const r of gaps.rows as { diff: number; grids: number }[]) {
      expect(r.grids).toBeGreaterThan(1);
      expect(r.diff).toBeLessThan(1e-12);
    }
    const overlap = await db.raw(`
      SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom))), 0) AS area, count(*) AS pairs
      FROM org_units a JOIN org_units b ON a.parent_id = b.parent_id AND a.id < b.id
      WHERE a.type = 'grid' AND b.type = 'grid' AND ST_Intersects(a.geom, b.geom)`);
    expect(Number(overlap.rows[0].pairs)).toBeGreaterThan(0); // neighbours touch …
    expect(overlap.rows[0].area).toBeLessThan(1e-14); // … but never overlap
    // Streets tile districts and communities tile streets the same way.
    const parents = await db.raw(`
      SELECT p.type, max(ST_Area(ST_SymDifference(p.geom, u.geom))) AS diff FROM org_units p
      JOIN LATERAL (SELECT ST_Union(c.geom) AS geom FROM org_units c WHERE c.parent_id = p.id AND c.type <> 'department') u ON true
      WHERE p.type IN ('district', 'street') GROUP BY p.type`);
    for (const r of parents.rows as { diff: number }[]) expect(r.diff).toBeLessThan(1e-12);
  });

  it('D-1 buildings, merchants, enterprises, institutions and facilities lie inside their grid polygon', async () => {
    for (const table of ['buildings', 'merchants', 'enterprises', 'institutions', 'public_facilities']) {
      const r = await db.raw(
        `SELECT count(*) AS n, count(*) FILTER (WHERE NOT ST_Within(e.geom, g.geom) OR e.org_path <> g.path) AS outside
         FROM ${table} e JOIN org_units g ON g.id = e.grid_id`,
      );
      expect(Number(r.rows[0].n), table).toBeGreaterThan(0);
      expect(Number(r.rows[0].outside), table).toBe(0);
    }
    // Houses, households and residents carry the grid of their building.
    const mismatch = await db.raw(`
      SELECT (SELECT count(*) FROM houses h JOIN buildings b ON b.id = h.building_id WHERE h.grid_id <> b.grid_id OR h.org_path <> b.org_path)
           + (SELECT count(*) FROM households hh JOIN houses h ON h.id = hh.house_id WHERE hh.grid_id <> h.grid_id)
           + (SELECT count(*) FROM residents r JOIN households hh ON hh.id = r.household_id WHERE r.grid_id <> hh.grid_id) AS n`);
    expect(Number(mismatch.rows[0].n)).toBe(0);
    const heads = await db.raw(`SELECT count(*) AS n FROM households hh JOIN residents r ON r.id = hh.head_resident_id
      WHERE r.household_id <> hh.id OR r.relation_to_head <> '户主'`);
    expect(Number(heads.rows[0].n)).toBe(0);
  });

  it('D-1 the 4 real districts near their real locations, with real street names', async () => {
    const d = await db.raw(
      `SELECT name, ST_X(ST_Centroid(geom)) x, ST_Y(ST_Centroid(geom)) y FROM org_units WHERE type = 'district' ORDER BY path`,
    );
    const byName = Object.fromEntries((d.rows as { name: string; x: number; y: number }[]).map((r) => [r.name, [r.x, r.y]]));
    expect(Object.keys(byName).sort()).toEqual(['乌尔禾区', '克拉玛依区', '独山子区', '白碱滩区'].sort());
    expect(Math.abs(byName.独山子区[1] - 44.33)).toBeLessThan(0.05);
    expect(Math.abs(byName.克拉玛依区[0] - 84.87)).toBeLessThan(0.05);
    const streets = (await db('org_units').where('type', 'street').pluck('name')) as string[];
    expect(streets).toContain('昆仑路街道');
    expect(streets).toContain('中兴路街道');
    const gridCodes = await db.raw(`SELECT count(*) n, count(DISTINCT code) d FROM org_units WHERE type = 'grid'`);
    expect(gridCodes.rows[0].n).toBe(gridCodes.rows[0].d);
  });

  it('G-6 every household, merchant, enterprise, institution and facility is covered by exactly one worker of its grid', async () => {
    for (const [type, table] of ELEMENTS) {
      const r = await db.raw(
        `SELECT count(*) AS total,
                count(*) FILTER (WHERE n = 1) AS once,
                count(*) FILTER (WHERE bad_worker) AS bad
         FROM (SELECT e.id, (SELECT count(*) FROM coverage_relations c WHERE c.element_type = ? AND c.element_id = e.id) AS n,
                      EXISTS (SELECT 1 FROM coverage_relations c JOIN grid_workers w ON w.id = c.worker_id
                              WHERE c.element_type = ? AND c.element_id = e.id
                                AND (w.grid_id <> e.grid_id OR w.kind NOT IN ('full_time', 'exclusive'))) AS bad_worker
               FROM ${table} e) x`,
        [type, type],
      );
      const row = r.rows[0] as { total: number; once: number; bad: number };
      expect(row.total, type).toBeGreaterThan(0);
      expect(row.once, type).toBe(row.total);
      expect(row.bad, type).toBe(0);
    }
  });

  it('F-1 one grid leader and full-time workers per basic grid, part-time 体制内/体制外, exclusive workers in exclusive grids', async () => {
    const r = await db.raw(`
      SELECT g.grid_type,
             count(*) FILTER (WHERE w.kind = 'full_time' AND w.sub_kind = 'leader') AS leaders,
             count(*) FILTER (WHERE w.kind = 'full_time' AND w.sub_kind = 'member') AS members,
             count(*) FILTER (WHERE w.kind = 'part_time') AS part_time,
             count(*) FILTER (WHERE w.kind = 'exclusive') AS exclusive
      FROM org_units g LEFT JOIN grid_workers w ON w.grid_id = g.id
      WHERE g.type = 'grid' GROUP BY g.id, g.grid_type`);
    const rows = r.rows as { grid_type: string; leaders: number; members: number; part_time: number; exclusive: number }[];
    expect(rows.some((x) => x.grid_type === 'exclusive')).toBe(true);
    for (const x of rows) {
      if (x.grid_type === 'basic') {
        expect(x.leaders).toBe(1);
        expect(x.members).toBeGreaterThanOrEqual(1);
        expect(x.part_time).toBeGreaterThanOrEqual(2);
        expect(x.exclusive).toBe(0);
      } else {
        expect(x.exclusive).toBeGreaterThanOrEqual(1);
        expect(x.leaders + x.members).toBe(0);
      }
    }
    const sub = (await db('grid_workers').where('kind', 'part_time').distinct('sub_kind').pluck('sub_kind')) as string[];
    expect(sub.sort()).toEqual(['in_system', 'out_system']);
  });

  it('G-3 ID numbers are valid GB 11643, unique, agree with birth date and gender, locals carry Karamay area codes', async () => {
    const rows = (await db('residents').select(
      'id_number_enc',
      'gender',
      db.raw(`to_char(birth_date, 'YYYYMMDD') AS b`),
      'residence_type',
    )) as {
      id_number_enc: Buffer;
      gender: string;
      b: string;
      residence_type: string;
    }[];
    expect(rows.length).toBeGreaterThan(300);
    const seen = new Set<string>();
    for (const r of rows) {
      const id = decrypt(r.id_number_enc);
      expect(isValidIdNumber(id), id.slice(0, 6)).toBe(true);
      expect(id.slice(6, 14)).toBe(r.b);
      expect(Number(id[16]) % 2 === 1 ? '男' : '女').toBe(r.gender);
      seen.add(id);
    }
    expect(seen.size).toBe(rows.length);
    const locals = rows.filter((r) => r.residence_type === '户籍人口').map((r) => decrypt(r.id_number_enc).slice(0, 4));
    expect(locals.filter((a) => a === '6502').length / locals.length).toBeGreaterThan(0.7);
    // Realistic mix: several ethnicities, ages from children to the very old.
    const eth = await db.raw(`SELECT count(DISTINCT ethnicity) n, min(birth_date) mn, max(birth_date) mx FROM residents`);
    expect(eth.rows[0].n).toBeGreaterThanOrEqual(3);
  });

  it('N-5 encryption at rest: no plain ID number or phone in any row text or raw bytes', async () => {
    const sample = (await db('residents').whereNotNull('phone_enc').orderBy('id').limit(40).select('id_number_enc', 'phone_enc')) as {
      id_number_enc: Buffer;
      phone_enc: Buffer;
    }[];
    const plains = sample.flatMap((r) => [decrypt(r.id_number_enc), decrypt(r.phone_enc)]);
    for (const table of ['residents', 'households', 'grid_workers', 'merchants', 'enterprises', 'institutions']) {
      const hit = await db.raw(
        `SELECT count(*) AS n FROM ${table} t, unnest(?::text[]) p(v)
         WHERE t::text LIKE '%' || p.v || '%' OR position(convert_to(p.v, 'UTF8') IN convert_to(t::text, 'UTF8')) > 0`,
        [plains],
      );
      expect(Number(hit.rows[0].n), table).toBe(0);
    }
    const raw = await db.raw(
      `SELECT count(*) AS n FROM residents r, unnest(?::text[]) p(v)
       WHERE position(convert_to(p.v, 'UTF8') IN r.id_number_enc) > 0 OR position(convert_to(p.v, 'UTF8') IN coalesce(r.phone_enc, ''::bytea)) > 0`,
      [plains],
    );
    expect(Number(raw.rows[0].n)).toBe(0);
  });

  it('D-1 determinism: the same seed gives the same city, another seed a different one', async () => {
    const before = await fingerprint(db);
    const other = await createTestDb({ poolMax: 2 });
    try {
      const wipe = `TRUNCATE org_units, buildings, houses, households, residents, resident_versions, merchants, enterprises, institutions,
        public_facilities, grid_workers, coverage_relations, care_relations RESTART IDENTITY CASCADE`;
      await other.db.raw(wipe);
      await generateCity(other.db, { size: 'test', seed: TEST_CITY_SEED });
      expect(await fingerprint(other.db)).toEqual(before);
      await other.db.raw(wipe);
      await generateCity(other.db, { size: 'test', seed: TEST_CITY_SEED + 1 });
      const changed = await fingerprint(other.db);
      expect(changed.residents).not.toBe(before.residents);
    } finally {
      await other.drop();
    }
  }, 120_000);

  it('D-1 subdivide tiles a rectangle into n cells exactly', () => {
    for (const n of [1, 2, 3, 5, 7, 12, 13, 15]) {
      const cells = subdivide({ x0: 0, y0: 0, x1: 1, y1: 1 }, n);
      expect(cells).toHaveLength(n);
      const area = cells.reduce((s, c) => s + (c.x1 - c.x0) * (c.y1 - c.y0), 0);
      expect(Math.abs(area - 1)).toBeLessThan(1e-9);
    }
  });

  it('G-4 enterprise credit codes carry a valid GB 32100 check character and are unique', async () => {
    const codes = (await db('enterprises').pluck('credit_code')) as string[];
    expect(new Set(codes).size).toBe(codes.length);
    for (const c of codes) expect(creditCodeCheck(c.slice(0, 17))).toBe(c[17]);
    const licences = (await db('merchants').pluck('license_no')) as string[];
    for (const c of licences) expect(creditCodeCheck(c.slice(0, 17)), c).toBe(c[17]);
    // A known published code: 91350100M000100Y43
    expect(creditCodeCheck('91350100M000100Y4')).toBe('3');
  });
});
