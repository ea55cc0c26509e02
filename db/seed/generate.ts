/**
 * Demo city generator (演示城市): Karamay's 4 real districts and their streets, communities and
 * grids whose rectangles tile each community exactly (no overlap, no gap), buildings, houses,
 * households, residents (valid GB 11643 ID numbers), merchants, enterprises, institutions,
 * facilities, grid workers (1 网格长 + 网格员 per basic grid, 兼职, 专属 in exclusive grids), full
 * 包户 coverage by full-time/exclusive workers and some 包联 relations.
 *
 * Deterministic: a seeded PRNG and a fixed reference date, never Math.random or the clock; ids
 * are assigned here, so the same seed gives the same rows (ciphertexts differ by their random IV,
 * the plain values and blind indexes do not). Everything is written in one transaction with
 * multi-row inserts (`json_populate_recordset`, one JSON parameter per 1000 rows), which runs on
 * PostgreSQL and PGlite alike.
 */
import type { Knex } from 'knex';
import type { Db } from '../connection';
import { blindIndex, encrypt, idNumberCheckDigit } from '../sensitive';
import {
  CADRE_UNITS,
  COMMUNITY_NAMES,
  DEPARTMENTS,
  DISTRICTS,
  ENTERPRISE_INDUSTRIES,
  ENTERPRISE_SUFFIXES,
  ENTERPRISE_WORDS,
  ETHNICITY_WEIGHTS,
  FACILITY_TYPES,
  type FamilyName,
  familyNameFor,
  INSTITUTION_CATEGORIES,
  isPatronymic,
  MERCHANT_KINDS,
  MIGRANT_AREA_CODES,
  MIGRANT_PLACES,
  PART_TIME_TYPES_OUT,
  personName,
  RESIDENTIAL_NAMES,
  SHOP_PREFIXES,
  VILLAGE_NAMES,
  WORK_UNITS,
} from './dictionaries';
import { Prng } from './prng';

export type CitySize = 'test' | 'small' | 'city';

export interface SizeSpec {
  /** Streets taken per district (in order); undefined = all. */
  streetsPerDistrict?: number;
  /** Communities per street: a fixed number, or undefined = the street's `city` figure. */
  communitiesPerStreet?: number;
  gridsPerCommunity: [number, number];
  householdsPerBasicGrid: [number, number];
}

export const SIZES: Record<CitySize, SizeSpec> = {
  test: { streetsPerDistrict: 2, communitiesPerStreet: 2, gridsPerCommunity: [3, 3], householdsPerBasicGrid: [5, 7] },
  small: { communitiesPerStreet: 2, gridsPerCommunity: [4, 4], householdsPerBasicGrid: [12, 16] },
  city: { gridsPerCommunity: [11, 15], householdsPerBasicGrid: [83, 125] },
};

export type ProgressFn = (stage: string, done: number, total: number) => void;

export interface GenerateOptions {
  size: CitySize;
  seed?: number;
  onProgress?: ProgressFn;
}

export interface GenerateResult {
  orgUnits: number;
  grids: number;
  buildings: number;
  houses: number;
  households: number;
  residents: number;
  merchants: number;
  enterprises: number;
  institutions: number;
  facilities: number;
  workers: number;
  coverage: number;
  care: number;
}

/** Ages are computed against this date, so a seed gives the same people on any day. */
const REFERENCE_DATE = { y: 2026, m: 11, d: 1 };
const BATCH = 1000;

type Row = Record<string, unknown>;
type Rect = { x0: number; y0: number; x1: number; y1: number };

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** Splits a rectangle into n cells in rows; shared edges use identical coordinates (exact tiling). */
export function subdivide(rect: Rect, n: number): Rect[] {
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const out: Rect[] = [];
  const ys = Array.from({ length: rows + 1 }, (_, i) => (i === rows ? rect.y1 : r6(rect.y0 + ((rect.y1 - rect.y0) * i) / rows)));
  for (let r = 0; r < rows; r++) {
    const inRow = r === rows - 1 ? n - cols * (rows - 1) : cols;
    const xs = Array.from({ length: inRow + 1 }, (_, i) => (i === inRow ? rect.x1 : r6(rect.x0 + ((rect.x1 - rect.x0) * i) / inRow)));
    for (let i = 0; i < inRow; i++) out.push({ x0: xs[i], y0: ys[r], x1: xs[i + 1], y1: ys[r + 1] });
  }
  return out;
}

function polygonWkt(r: Rect): string {
  return `SRID=4326;MULTIPOLYGON(((${r.x0} ${r.y0},${r.x1} ${r.y0},${r.x1} ${r.y1},${r.x0} ${r.y1},${r.x0} ${r.y0})))`;
}

function pointIn(rng: Prng, r: Rect): string {
  const mx = (r.x1 - r.x0) * 0.08;
  const my = (r.y1 - r.y0) * 0.08;
  const x = r6(r.x0 + mx + rng.next() * (r.x1 - r.x0 - 2 * mx));
  const y = r6(r.y0 + my + rng.next() * (r.y1 - r.y0 - 2 * my));
  return `SRID=4326;POINT(${x} ${y})`;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const hex = (b: Buffer | null) => (b ? `\\x${b.toString('hex')}` : null);

/** Buffers rows per table and writes them in dependency order with one JSON parameter per batch. */
class Writer {
  private buffers = new Map<string, Row[]>();
  private pending = 0;
  constructor(
    private readonly trx: Knex.Transaction,
    private readonly order: readonly string[],
  ) {}

  add(table: string, row: Row): void {
    let b = this.buffers.get(table);
    if (!b) {
      b = [];
      this.buffers.set(table, b);
    }
    b.push(row);
    this.pending++;
  }

  async maybeFlush(): Promise<void> {
    if (this.pending >= BATCH * 2) await this.flush();
  }

  async flush(): Promise<void> {
    for (const table of this.order) {
      const rows = this.buffers.get(table);
      if (!rows?.length) continue;
      const cols = Object.keys(rows[0]);
      const list = cols.map((c) => `"${c}"`).join(',');
      for (let i = 0; i < rows.length; i += BATCH) {
        const chunk = rows.slice(i, i + BATCH);
        await this.trx.raw(`INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, ?::json)`, [
          JSON.stringify(chunk),
        ]);
      }
      this.buffers.set(table, []);
    }
    this.pending = 0;
  }
}

const TABLE_ORDER = [
  'org_units',
  'buildings',
  'houses',
  'households',
  'residents',
  'merchants',
  'enterprises',
  'institutions',
  'public_facilities',
  'grid_workers',
  'coverage_relations',
  'care_relations',
] as const;

/** GB 32100 unified social credit code check character. */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
export function creditCodeCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}
/** 18-character code: registration authority + kind (91 enterprise, 92 individual business), area, body, check. */
function creditCode(areaCode: string, n: number, prefix = '91'): string {
  let body = '';
  let v = n;
  for (let i = 0; i < 9; i++) {
    body = USCC_CHARS[v % 31] + body;
    v = Math.floor(v / 31);
  }
  const first = `${prefix}${areaCode}${body}`;
  return first + creditCodeCheck(first);
}

interface Counters {
  org: number;
  building: number;
  house: number;
  household: number;
  resident: number;
  merchant: number;
  enterprise: number;
  institution: number;
  facility: number;
  worker: number;
  coverage: number;
  care: number;
}

interface GridPlan {
  id: number;
  code: string;
  name: string;
  path: string;
  rect: Rect;
  exclusive: boolean;
  district: (typeof DISTRICTS)[number];
  streetName: string;
  communityName: string;
  rural: boolean;
}

/** Generates the demo city into an empty schema (migrated, no org units yet). */
export async function generateCity(db: Db, opts: GenerateOptions): Promise<GenerateResult> {
  const spec = SIZES[opts.size];
  const rng = new Prng(opts.seed ?? 20261124);
  const progress = opts.onProgress ?? (() => {});
  const c: Counters = {
    org: 0,
    building: 0,
    house: 0,
    household: 0,
    resident: 0,
    merchant: 0,
    enterprise: 0,
    institution: 0,
    facility: 0,
    worker: 0,
    coverage: 0,
    care: 0,
  };
  const usedIds = new Set<string>();

  return db.transaction(async (trx) => {
    const w = new Writer(trx, TABLE_ORDER);
    const grids: GridPlan[] = [];

    // 组织机构: city, departments, districts, streets, communities, grids.
    const allRects: Rect[] = DISTRICTS.map((d) => ({
      x0: r6(d.center[0] - d.size[0] / 2),
      y0: r6(d.center[1] - d.size[1] / 2),
      x1: r6(d.center[0] + d.size[0] / 2),
      y1: r6(d.center[1] + d.size[1] / 2),
    }));
    const cityId = ++c.org;
    const union = allRects.map((r) => `((${r.x0} ${r.y0},${r.x1} ${r.y0},${r.x1} ${r.y1},${r.x0} ${r.y1},${r.x0} ${r.y0}))`).join(',');
    w.add('org_units', org(cityId, '650200', '克拉玛依市', 'city', null, null, 'km', 1, 0, `SRID=4326;MULTIPOLYGON(${union})`));
    DEPARTMENTS.forEach(([label, name], i) => {
      w.add('org_units', org(++c.org, `650200D${pad(i + 1, 2)}`, name, 'department', null, cityId, `km.${label}`, 2, 100 + i, null));
    });
    DISTRICTS.forEach((d, di) => {
      const dId = ++c.org;
      const dPath = `km.d${pad(di + 1, 2)}`;
      w.add('org_units', org(dId, d.areaCode, d.name, 'district', null, cityId, dPath, 2, di, polygonWkt(allRects[di])));
      const streets = d.streets.slice(0, spec.streetsPerDistrict ?? d.streets.length);
      subdivide(allRects[di], streets.length).forEach((sRect, si) => {
        const s = streets[si];
        const sId = ++c.org;
        const sPath = `${dPath}.s${pad(si + 1, 2)}`;
        const sCode = `${d.areaCode}${pad(si + 1, 3)}`;
        w.add('org_units', org(sId, sCode, s.name, 'street', null, dId, sPath, 3, si, polygonWkt(sRect)));
        const nComm = spec.communitiesPerStreet ?? s.communities;
        const names = rng.shuffle(s.rural ? VILLAGE_NAMES : COMMUNITY_NAMES);
        subdivide(sRect, nComm).forEach((cRect, ci) => {
          const cId = ++c.org;
          const cPath = `${sPath}.c${pad(ci + 1, 2)}`;
          const cCode = `${sCode}${pad(ci + 1, 3)}`;
          const cName = `${names[ci % names.length]}${ci >= names.length ? Math.floor(ci / names.length) + 1 : ''}${s.rural ? '村' : '社区'}`;
          w.add('org_units', org(cId, cCode, cName, 'community', null, sId, cPath, 4, ci, polygonWkt(cRect)));
          const nGrids = rng.int(spec.gridsPerCommunity[0], spec.gridsPerCommunity[1]);
          // One exclusive grid (专属网格) per community, except in villages of the bigger sizes.
          const exclusiveAt = s.rural && opts.size === 'city' ? -1 : nGrids - 1;
          subdivide(cRect, nGrids).forEach((gRect, gi) => {
            const gId = ++c.org;
            const exclusive = gi === exclusiveAt;
            const gPath = `${cPath}.g${pad(gi + 1, 2)}`;
            const gCode = `${cCode}${pad(gi + 1, 3)}`;
            const gName = exclusive ? `${cName}专属网格` : `${cName}第${gi + 1}网格`;
            w.add('org_units', org(gId, gCode, gName, 'grid', exclusive ? 'exclusive' : 'basic', cId, gPath, 5, gi, polygonWkt(gRect)));
            grids.push({
              id: gId,
              code: gCode,
              name: gName,
              path: gPath,
              rect: gRect,
              exclusive,
              district: d,
              streetName: s.name,
              communityName: cName,
              rural: !!s.rural,
            });
          });
        });
      });
    });
    await w.flush();
    progress('组织机构与网格', 1, 1);

    // 网格要素 grid by grid.
    for (let gi = 0; gi < grids.length; gi++) {
      const g = grids[gi];
      const grng = rng.fork(gi + 1);
      if (g.exclusive) exclusiveGrid(grng, g, w, c);
      else basicGrid(grng, g, w, c, spec, usedIds);
      await w.maybeFlush();
      if (gi % 10 === 0 || gi === grids.length - 1) progress('网格要素', gi + 1, grids.length);
    }
    await w.flush();

    for (const t of TABLE_ORDER) {
      await trx.raw(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), GREATEST((SELECT max(id) FROM ${t}), 1))`);
    }
    progress('统计信息', 0, 1);
    for (const t of TABLE_ORDER) await trx.raw(`ANALYZE ${t}`);
    progress('统计信息', 1, 1);

    return {
      orgUnits: c.org,
      grids: grids.length,
      buildings: c.building,
      houses: c.house,
      households: c.household,
      residents: c.resident,
      merchants: c.merchant,
      enterprises: c.enterprise,
      institutions: c.institution,
      facilities: c.facility,
      workers: c.worker,
      coverage: c.coverage,
      care: c.care,
    };
  });
}

function org(
  id: number,
  code: string,
  name: string,
  type: string,
  gridType: string | null,
  parentId: number | null,
  path: string,
  level: number,
  sort: number,
  geom: string | null,
): Row {
  return { id, code, name, type, grid_type: gridType, parent_id: parentId, path, level, sort, active: true, geom };
}

function elementBase(g: GridPlan): Row {
  return { grid_id: g.id, org_path: g.path };
}

function phoneNumber(rng: Prng): string {
  return `${rng.pick(['130', '131', '132', '135', '136', '137', '138', '139', '150', '151', '152', '155', '158', '159', '177', '180', '181', '186', '187', '189', '199'])}${pad(rng.int(0, 99999999), 8)}`;
}

interface Worker {
  id: number;
  kind: 'full_time' | 'part_time' | 'exclusive';
  partTimeType: string | null;
}

function addWorker(
  rng: Prng,
  g: GridPlan,
  w: Writer,
  c: Counters,
  kind: Worker['kind'],
  subKind: string,
  partTimeType: string | null,
  workUnit: string | null,
): Worker {
  const fam = familyNameFor(rng, rng.weighted(ETHNICITY_WEIGHTS));
  const male = rng.chance(0.45);
  const phone = phoneNumber(rng);
  const id = ++c.worker;
  w.add('grid_workers', {
    ...elementBase(g),
    id,
    user_id: null,
    name: personName(rng, fam, male).name,
    gender: male ? '男' : '女',
    phone_enc: hex(encrypt(phone)),
    phone_idx: blindIndex(phone),
    kind,
    sub_kind: subKind,
    part_time_type: partTimeType,
    work_unit: workUnit,
    status: rng.chance(0.97) ? 'active' : 'leave',
    joined_on: `${rng.int(2015, 2025)}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}`,
  });
  return { id, kind, partTimeType };
}

function cover(w: Writer, c: Counters, g: GridPlan, type: string, elementId: number, worker: Worker): void {
  w.add('coverage_relations', { id: ++c.coverage, element_type: type, element_id: elementId, worker_id: worker.id, org_path: g.path });
}

function addBuilding(
  rng: Prng,
  g: GridPlan,
  w: Writer,
  c: Counters,
  seq: number,
  estate: string,
  road: string,
  type: string,
): { id: number; floors: number; units: number; rooms: number; address: string } {
  let floors = 1;
  let units = 1;
  let rooms = 1;
  let structure = '砖混';
  switch (type) {
    case '住宅':
      if (rng.chance(0.12)) {
        floors = rng.int(11, 18);
        units = rng.int(1, 2);
        rooms = rng.int(2, 4);
        structure = '钢混';
      } else {
        floors = rng.int(4, 6);
        units = rng.int(1, 3);
        rooms = 2;
        structure = rng.pick(['砖混', '框架']);
      }
      break;
    case '商混':
      floors = rng.int(5, 7);
      units = rng.int(2, 3);
      rooms = 2;
      structure = '框架';
      break;
    case '别墅':
      floors = rng.int(2, 3);
      units = 1;
      rooms = 1;
      break;
    case '宿舍':
      floors = rng.int(3, 5);
      units = 1;
      rooms = rng.int(4, 8);
      break;
    case '车库':
      floors = 1;
      units = 1;
      rooms = rng.int(6, 12);
      break;
    default: // 商业楼宇, 办公
      floors = rng.int(4, 12);
      units = 1;
      rooms = rng.int(2, 4);
      structure = '钢混';
  }
  const id = ++c.building;
  const number = `${seq}号楼`;
  const address = `${g.district.name}${road}${rng.int(1, 300)}号${estate}${number}`;
  w.add('buildings', {
    ...elementBase(g),
    id,
    code: `${g.code}${pad(seq, 3)}`,
    name: `${estate}${number}`,
    number,
    address,
    type,
    structure,
    floors,
    underground_floors: floors > 8 ? 1 : 0,
    units,
    rooms_per_floor: rooms,
    built_year: rng.int(1975, 2023),
    property_company: rng.chance(0.8) ? `${rng.pick(ENTERPRISE_WORDS)}物业服务有限公司` : null,
    building_manager: null,
    geom: pointIn(rng, g.rect),
  });
  return { id, floors, units, rooms, address };
}

interface Person {
  id: number;
  name: string;
  age: number;
  male: boolean;
  living: 'alone' | 'family';
  health: string;
}

function birthDateFor(rng: Prng, age: number): { y: number; m: number; d: number } {
  const m = rng.int(1, 12);
  const d = rng.int(1, 28);
  // Born `age` full years before the reference date.
  const beforeRef = m < REFERENCE_DATE.m || (m === REFERENCE_DATE.m && d <= REFERENCE_DATE.d);
  return { y: REFERENCE_DATE.y - age - (beforeRef ? 0 : 1), m, d };
}

function idNumberFor(rng: Prng, area: string, b: { y: number; m: number; d: number }, male: boolean, used: Set<string>): string {
  let seq = rng.int(0, 499) * 2 + (male ? 1 : 0);
  for (let tries = 0; tries < 1000; tries++) {
    const first17 = `${area}${b.y}${pad(b.m, 2)}${pad(b.d, 2)}${pad(seq % 1000, 3)}`;
    if (!used.has(first17)) {
      used.add(first17);
      return first17 + idNumberCheckDigit(first17);
    }
    seq += 2;
  }
  throw new Error('ID number space exhausted');
}

function educationFor(rng: Prng, age: number): string {
  if (age < 6) return '学龄前';
  if (age < 12) return '小学在读';
  if (age < 15) return '初中在读';
  if (age < 18) return '高中在读';
  const old = age > 60;
  return rng.weighted<string>([
    ['小学', old ? 18 : 5],
    ['初中', old ? 35 : 20],
    ['高中', 22],
    ['中专', 8],
    ['大专', old ? 8 : 18],
    ['本科', old ? 6 : 22],
    ['硕士研究生', old ? 0.5 : 3],
    ['博士研究生', old ? 0.1 : 0.5],
  ]);
}

function basicGrid(rng: Prng, g: GridPlan, w: Writer, c: Counters, spec: SizeSpec, usedIds: Set<string>): void {
  // 网格力量: 1 网格长 + 1–2 专职网格员, 2–3 兼职 (体制内 下沉干部 / 体制外, at least one 志愿者).
  const fullTime = [addWorker(rng, g, w, c, 'full_time', 'leader', null, `${g.communityName}居委会`)];
  for (let i = rng.int(1, 2); i > 0; i--) fullTime.push(addWorker(rng, g, w, c, 'full_time', 'member', null, `${g.communityName}居委会`));
  const partTime = [
    addWorker(rng, g, w, c, 'part_time', 'in_system', '下沉干部', rng.pick(CADRE_UNITS)),
    addWorker(rng, g, w, c, 'part_time', 'out_system', '志愿者', null),
  ];
  if (rng.chance(0.6)) partTime.push(addWorker(rng, g, w, c, 'part_time', 'out_system', rng.pick(PART_TIME_TYPES_OUT), null));
  const volunteer = partTime[1];

  const road = g.streetName.endsWith('路街道') ? g.streetName.replace('街道', '') : rng.pick(g.district.roads);
  const estate = g.rural ? `${g.communityName}` : rng.pick(RESIDENTIAL_NAMES);
  const targetHouseholds = rng.int(spec.householdsPerBasicGrid[0], spec.householdsPerBasicGrid[1]);
  const residentialHouses: { id: number; buildingId: number; row: Row }[] = [];
  const shopHouses: { id: number; buildingId: number; address: string }[] = [];
  let bSeq = 0;
  const occupancy = 0.9;
  while (residentialHouses.length * occupancy < targetHouseholds) {
    const type = g.rural
      ? rng.weighted<string>([
          ['别墅', 3],
          ['住宅', 5],
        ])
      : rng.weighted<string>([
          ['住宅', 80],
          ['商混', 8],
          ['别墅', 4],
          ['宿舍', 3],
          ['车库', 5],
        ]);
    const b = addBuilding(rng, g, w, c, ++bSeq, estate, road, type);
    for (let u = 1; u <= b.units; u++) {
      for (let f = 1; f <= b.floors; f++) {
        for (let r = 1; r <= b.rooms; r++) {
          const roomNo = `${f}${pad(r, 2)}`;
          const id = ++c.house;
          let htype = type === '商业楼宇' ? '商业用房' : type;
          let use = '居住';
          if (type === '商混' && f === 1) {
            htype = '商业用房';
            use = '经营';
          } else if (type === '车库') use = '仓储';
          const residential = use === '居住';
          const occupied = residential && rng.chance(occupancy);
          const status = !residential
            ? use === '经营'
              ? '经营'
              : '自住'
            : occupied
              ? rng.weighted<string>([
                  ['自住', 75],
                  ['出租', 20],
                  ['借住', 5],
                ])
              : '空置';
          const row: Row = {
            ...elementBase(g),
            id,
            building_id: b.id,
            unit_no: u,
            floor: f,
            room_no: roomNo,
            type: htype === '住宅' || htype === '商混' ? '住宅' : htype,
            area: type === '车库' ? 18 + rng.int(0, 12) : type === '别墅' ? rng.int(160, 320) : rng.int(45, 140) + rng.int(0, 99) / 100,
            use,
            status,
            property_right: rng.weighted<string>([
              ['商品房', 50],
              ['房改房', 30],
              ['公租房', 10],
              ['单位产权', 6],
              ['自建房', g.rural ? 20 : 4],
            ]),
            owner_name: null,
          };
          w.add('houses', row);
          if (occupied) residentialHouses.push({ id, buildingId: b.id, row });
          if (use === '经营') shopHouses.push({ id, buildingId: b.id, address: `${b.address}${u}单元${roomNo}` });
        }
      }
    }
  }

  // 居民户 and 居民; 包户 by the full-time workers, building by building.
  const houses = residentialHouses.slice(0, targetHouseholds);
  // Houses beyond the target stay empty (rows are still in the buffer, not yet written).
  for (const h of residentialHouses.slice(targetHouseholds)) h.row.status = '空置';
  let hhSeq = 0;
  const buildingWorker = new Map<number, Worker>();
  let wi = 0;
  for (const h of houses) {
    let worker = buildingWorker.get(h.buildingId);
    if (!worker) {
      worker = fullTime[wi++ % fullTime.length];
      buildingWorker.set(h.buildingId, worker);
    }
    const householdId = ++c.household;
    const members = household(rng, g, w, c, householdId, usedIds);
    const kind = members.kind;
    w.add('households', {
      ...elementBase(g),
      id: householdId,
      house_id: h.id,
      household_no: `${g.code}${pad(++hhSeq, 4)}`,
      head_resident_id: members.people[0].id,
      type: members.collective ? '集体户' : '家庭户',
      member_count: members.people.length,
      residence_kind: kind,
      tags: [],
    });
    cover(w, c, g, 'household', householdId, worker);
    // 包联: people living alone aged 60+, the disabled, and some chronic patients (健康分色).
    for (const p of members.people) {
      const careType =
        p.living === 'alone' && p.age >= 60
          ? 'living_alone'
          : p.health === '残疾'
            ? 'disabled'
            : p.health === '慢性病' && p.age >= 65 && rng.chance(0.3)
              ? 'health_color'
              : null;
      if (!careType) continue;
      const color = careType === 'health_color' ? rng.pick(['红', '黄', '绿']) : null;
      for (const [role, wk] of [
        ['full_time', worker],
        ['part_time', partTime[0]],
        ['volunteer', volunteer],
      ] as const) {
        w.add('care_relations', {
          id: ++c.care,
          resident_id: p.id,
          worker_id: wk.id,
          role,
          care_type: careType,
          health_color: color,
          org_path: g.path,
        });
      }
    }
  }

  // 商户 on shop floors and along the road, 企业, 驻区单位 now and then, 公共设施.
  const nMerchants = Math.max(1, Math.round(targetHouseholds / 14) + rng.int(-1, 1));
  for (let i = 0; i < nMerchants; i++) {
    const shop = shopHouses[i];
    const id = addMerchant(rng, g, w, c, shop?.buildingId ?? null, shop?.address ?? `${g.district.name}${road}${rng.int(1, 400)}号`);
    cover(w, c, g, 'merchant', id, fullTime[i % fullTime.length]);
  }
  const nEnterprises = rng.int(1, Math.max(1, Math.round(targetHouseholds / 40)));
  for (let i = 0; i < nEnterprises; i++) {
    const id = addEnterprise(rng, g, w, c, null, `${g.district.name}${road}${rng.int(1, 400)}号`);
    cover(w, c, g, 'enterprise', id, fullTime[(i + 1) % fullTime.length]);
  }
  if (rng.chance(0.4)) {
    const id = addInstitution(rng, g, w, c, `${g.district.name}${road}${rng.int(1, 400)}号`);
    cover(w, c, g, 'institution', id, fullTime[0]);
  }
  const nFacilities = Math.max(2, Math.round(targetHouseholds / 20));
  for (let i = 0; i < nFacilities; i++) {
    const id = addFacility(rng, g, w, c, i + 1, road);
    cover(w, c, g, 'facility', id, fullTime[i % fullTime.length]);
  }
}

/** 专属网格: a large unit (school, hospital, SOE, park, market) with its own exclusive workers. */
function exclusiveGrid(rng: Prng, g: GridPlan, w: Writer, c: Counters): void {
  const workers = [addWorker(rng, g, w, c, 'exclusive', 'leader', null, null), addWorker(rng, g, w, c, 'exclusive', 'member', null, null)];
  const road = rng.pick(g.district.roads);
  const address = `${g.district.name}${road}${rng.int(1, 400)}号`;
  const instId = addInstitution(rng, g, w, c, address);
  cover(w, c, g, 'institution', instId, workers[0]);
  let bSeq = 0;
  for (let i = rng.int(1, 3); i > 0; i--) {
    const b = addBuilding(rng, g, w, c, ++bSeq, g.name.replace('专属网格', ''), road, rng.pick(['商业楼宇', '办公', '宿舍']));
    for (let f = 1; f <= b.floors; f++) {
      for (let r = 1; r <= b.rooms; r++) {
        w.add('houses', {
          ...elementBase(g),
          id: ++c.house,
          building_id: b.id,
          unit_no: 1,
          floor: f,
          room_no: `${f}${pad(r, 2)}`,
          type: '商业用房',
          area: rng.int(60, 400),
          use: rng.pick(['经营', '办公']),
          status: rng.chance(0.85) ? '经营' : '空置',
          property_right: '单位产权',
          owner_name: null,
        });
      }
    }
    const mId = addMerchant(rng, g, w, c, b.id, b.address);
    cover(w, c, g, 'merchant', mId, workers[1]);
  }
  for (let i = rng.int(2, 6); i > 0; i--) {
    const id = addEnterprise(rng, g, w, c, null, address);
    cover(w, c, g, 'enterprise', id, workers[i % 2]);
  }
  for (let i = 0; i < 3; i++) {
    const id = addFacility(rng, g, w, c, i + 1, road);
    cover(w, c, g, 'facility', id, workers[i % 2]);
  }
}

function addMerchant(rng: Prng, g: GridPlan, w: Writer, c: Counters, buildingId: number | null, address: string): number {
  const [industry, kinds] = rng.pick(MERCHANT_KINDS);
  const name = `${rng.pick(SHOP_PREFIXES)}${rng.pick(kinds)}`;
  const phone = phoneNumber(rng);
  const fam = familyNameFor(rng, rng.weighted(ETHNICITY_WEIGHTS));
  const id = ++c.merchant;
  w.add('merchants', {
    ...elementBase(g),
    id,
    name,
    sign_name: name,
    industry,
    license_no: creditCode(g.district.areaCode, id, '92'),
    operator_name: personName(rng, fam, rng.chance(0.6)).name,
    operator_phone_enc: hex(encrypt(phone)),
    operator_phone_idx: blindIndex(phone),
    address,
    building_id: buildingId,
    area: rng.int(20, 300),
    employees: rng.int(1, 15),
    opened_on: `${rng.int(2005, 2025)}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}`,
    status: rng.weighted<string>([
      ['营业', 90],
      ['停业', 5],
      ['歇业', 5],
    ]),
    tags: [],
    geom: pointIn(rng, g.rect),
  });
  return id;
}

function addEnterprise(rng: Prng, g: GridPlan, w: Writer, c: Counters, buildingId: number | null, address: string): number {
  const industry = rng.pick(ENTERPRISE_INDUSTRIES);
  const suffix = ENTERPRISE_SUFFIXES.find(([k]) => k === industry)?.[1] ?? '有限公司';
  const id = ++c.enterprise;
  const phone = phoneNumber(rng);
  const fam = familyNameFor(rng, rng.weighted(ETHNICITY_WEIGHTS));
  w.add('enterprises', {
    ...elementBase(g),
    id,
    name: `克拉玛依${rng.pick(ENTERPRISE_WORDS)}${suffix.startsWith('石油') || rng.chance(0.5) ? '' : rng.pick(ENTERPRISE_WORDS)}${suffix}`,
    credit_code: creditCode(g.district.areaCode, id),
    enterprise_type: rng.weighted<string>([
      ['民营企业', 70],
      ['国有企业', 12],
      ['集体企业', 3],
      ['外资企业', 2],
      ['个人独资企业', 13],
    ]),
    industry,
    legal_representative: personName(rng, fam, rng.chance(0.7)).name,
    contact_phone_enc: hex(encrypt(phone)),
    contact_phone_idx: blindIndex(phone),
    registered_capital: rng.int(10, 5000),
    employees: rng.int(3, 500),
    established_on: `${rng.int(1995, 2025)}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}`,
    address,
    building_id: buildingId,
    status: rng.weighted<string>([
      ['存续', 85],
      ['在业', 10],
      ['迁出', 3],
      ['注销', 2],
    ]),
    above_scale: rng.chance(0.1),
    tags: [],
    geom: pointIn(rng, g.rect),
  });
  return id;
}

function addInstitution(rng: Prng, g: GridPlan, w: Writer, c: Counters, address: string): number {
  const [category, kinds] = rng.pick(INSTITUTION_CATEGORIES);
  const id = ++c.institution;
  const phone = phoneNumber(rng);
  const fam = familyNameFor(rng, '汉族');
  const kind = rng.pick(kinds);
  const name =
    kind.startsWith('新疆') || kind.startsWith('克拉玛依')
      ? `${kind}${g.communityName.replace(/社区|村/, '')}站`
      : `${g.district.name}${g.communityName.replace(/社区|村/, '')}${kind}`;
  w.add('institutions', {
    ...elementBase(g),
    id,
    name,
    category,
    credit_code: null,
    contact_person: personName(rng, fam, rng.chance(0.5)).name,
    contact_phone_enc: hex(encrypt(phone)),
    contact_phone_idx: blindIndex(phone),
    address,
    staff_count: rng.int(10, 800),
    party_members: rng.int(2, 120),
    co_building: rng.chance(0.6),
    tags: [],
    geom: pointIn(rng, g.rect),
  });
  return id;
}

function addFacility(rng: Prng, g: GridPlan, w: Writer, c: Counters, seq: number, road: string): number {
  const [type, manager] = rng.pick(FACILITY_TYPES);
  const id = ++c.facility;
  w.add('public_facilities', {
    ...elementBase(g),
    id,
    code: `${g.code}F${pad(seq, 3)}`,
    name: `${g.name}${type}${seq}`,
    type,
    status: rng.weighted<string>([
      ['正常', 90],
      ['损坏', 4],
      ['维修中', 4],
      ['停用', 2],
    ]),
    address: `${g.district.name}${road}`,
    manager_unit: manager,
    installed_on: `${rng.int(2008, 2025)}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}`,
    last_inspected_on: `2026-${pad(rng.int(1, 10), 2)}-${pad(rng.int(1, 28), 2)}`,
    tags: [],
    geom: pointIn(rng, g.rect),
  });
  return id;
}

interface HouseholdPlan {
  kind: '户籍户' | '流动户' | '人户分离';
  collective: boolean;
  people: Person[];
}

/** One household: its members (head first) as resident rows. */
function household(rng: Prng, g: GridPlan, w: Writer, c: Counters, householdId: number, usedIds: Set<string>): HouseholdPlan {
  const ethnicity = rng.weighted(ETHNICITY_WEIGHTS);
  const fam = familyNameFor(rng, ethnicity);
  const kind = rng.weighted<HouseholdPlan['kind']>([
    ['户籍户', 78],
    ['流动户', 18],
    ['人户分离', 4],
  ]);
  const size = rng.weighted<number>([
    [1, 22],
    [2, 32],
    [3, 28],
    [4, 12],
    [5, 4],
    [6, 2],
  ]);
  const area =
    kind === '流动户'
      ? rng.pick(MIGRANT_AREA_CODES)
      : rng.chance(0.9)
        ? g.district.areaCode
        : rng.pick(['650203', '650202', '650204', '650205']);
  const people: Person[] = [];
  const plan: { rel: string; age: number; male: boolean }[] = [];
  if (size === 1) {
    const old = rng.chance(0.45);
    plan.push({ rel: '户主', age: old ? rng.int(60, 92) : rng.int(19, 45), male: rng.chance(0.5) });
  } else {
    const headAge = size === 2 && rng.chance(0.4) ? rng.int(58, 85) : rng.int(26, 58);
    const headMale = rng.chance(0.78);
    plan.push({ rel: '户主', age: headAge, male: headMale });
    plan.push({ rel: '配偶', age: Math.max(20, headAge + rng.int(-5, 3)), male: !headMale });
    let left = size - 2;
    if (left > 0 && headAge < 50 && rng.chance(0.3)) {
      plan.push({ rel: rng.chance(0.5) ? '父亲' : '母亲', age: Math.min(95, headAge + rng.int(22, 32)), male: false });
      left--;
    }
    for (let i = 0; i < left; i++) {
      const male = rng.chance(0.51);
      const age = Math.max(0, headAge - rng.int(22, 36) - i * rng.int(1, 4));
      plan.push({ rel: male ? '子' : '女', age, male });
    }
  }
  // Names first: children carry the family surname, or (patronymic) the father's given name.
  let fatherGiven = fam.family;
  const names = plan.map((p, i) => {
    const own: FamilyName =
      p.rel === '配偶' || p.rel === '母亲' || p.rel === '父亲'
        ? familyNameFor(rng, ethnicity)
        : { family: isPatronymic(ethnicity) && i > 0 ? fatherGiven : fam.family, ethnicity };
    const n = personName(rng, own, p.male);
    if (p.male && (p.rel === '户主' || p.rel === '配偶')) fatherGiven = n.given;
    return n;
  });
  plan.forEach((p, i) => {
    const n = names[i];
    const birth = birthDateFor(rng, p.age);
    const idNumber = idNumberFor(rng, p.rel === '配偶' && rng.chance(0.2) ? rng.pick(MIGRANT_AREA_CODES) : area, birth, p.male, usedIds);
    const adult = p.age >= 16;
    const phone = adult ? phoneNumber(rng) : null;
    const health =
      p.age >= 60
        ? rng.weighted<string>([
            ['健康', 55],
            ['慢性病', 38],
            ['残疾', 4],
            ['重病', 3],
          ])
        : rng.weighted<string>([
            ['健康', 94],
            ['慢性病', 4],
            ['残疾', 1.5],
            ['重病', 0.5],
          ]);
    const [unit, jobs] = rng.pick(WORK_UNITS);
    const employment =
      p.age < 6
        ? '学龄前'
        : p.age < 18
          ? '学生'
          : p.age < 23 && rng.chance(0.5)
            ? '学生'
            : p.age >= 60 || (!p.male && p.age >= 55)
              ? '退休'
              : rng.weighted<string>([
                  ['在职', 85],
                  ['失业', 4],
                  ['无业', 6],
                  ['灵活就业', 5],
                ]);
    const working = employment === '在职' || employment === '灵活就业';
    const political =
      p.age < 14
        ? '群众'
        : p.age <= 28 && rng.chance(0.4)
          ? '共青团员'
          : p.age >= 18 && rng.chance(0.11)
            ? '中共党员'
            : rng.chance(0.005)
              ? '民主党派'
              : '群众';
    const marital =
      p.rel === '户主' && plan.length > 1
        ? '已婚'
        : p.rel === '配偶'
          ? '已婚'
          : p.age < 22
            ? '未婚'
            : size === 1 && p.age >= 60
              ? rng.pick(['丧偶', '丧偶', '离异'])
              : rng.pick(['未婚', '已婚', '离异']);
    const id = ++c.resident;
    const ec = plan.length > 1 ? plan[i === 0 ? 1 : 0] : null;
    const ecPhone = phoneNumber(rng);
    const vehicles =
      i === 0 && rng.chance(0.35)
        ? [
            {
              plate: `新J${String.fromCharCode(65 + rng.int(0, 7))}${pad(rng.int(0, 99999), 5)}`,
              type: '小型汽车',
              color: rng.pick(['白色', '黑色', '银色', '红色']),
            },
          ]
        : [];
    const pets =
      i === 0 && rng.chance(0.1)
        ? [{ kind: rng.pick(['犬', '猫']), name: rng.pick(['旺财', '小白', '豆豆', '咪咪', '球球']), vaccinated: rng.chance(0.8) }]
        : [];
    const dynamic = rng.weighted<string>([
      ['在册', 985],
      ['迁出', 8],
      ['死亡', 4],
      ['失联', 3],
    ]);
    w.add('residents', {
      ...elementBase(g),
      id,
      household_id: householdId,
      name: n.name,
      former_name: null,
      gender: p.male ? '男' : '女',
      birth_date: `${birth.y}-${pad(birth.m, 2)}-${pad(birth.d, 2)}`,
      ethnicity,
      id_number_enc: hex(encrypt(idNumber)),
      id_number_idx: blindIndex(idNumber),
      phone_enc: phone ? hex(encrypt(phone)) : null,
      phone_idx: phone ? blindIndex(phone) : null,
      relation_to_head: p.rel,
      residence_type: kind === '流动户' ? '流动人口' : '户籍人口',
      registration_status: kind === '流动户' ? '人在户不在' : kind === '人户分离' ? '户在人不在' : '人户一致',
      hukou_address: kind === '流动户' ? (MIGRANT_PLACES[area] ?? '新疆') : `新疆克拉玛依市${g.district.name}${g.streetName}`,
      native_place:
        kind === '流动户'
          ? (MIGRANT_PLACES[area] ?? '新疆')
          : rng.pick(['新疆克拉玛依', '新疆克拉玛依', '河南', '四川', '甘肃', '山东', '陕西']),
      education: educationFor(rng, p.age),
      political_status: political,
      marital_status: marital,
      religion: null,
      health_status: health,
      employment_status: employment,
      work_unit: working ? unit : null,
      occupation: working ? rng.pick(jobs) : null,
      emergency_contact_name: adult && ec ? names[plan.indexOf(ec)].name : null,
      emergency_contact_relation: adult && ec ? (ec.rel === '户主' ? '家属' : ec.rel) : null,
      emergency_contact_phone_enc: adult && ec ? hex(encrypt(ecPhone)) : null,
      vehicles,
      pets,
      dynamic_status: dynamic,
      moved_in_on: kind === '流动户' ? `${rng.int(2015, 2026)}-${pad(rng.int(1, 10), 2)}-${pad(rng.int(1, 28), 2)}` : null,
      version: 1,
      updated_by: null,
    });
    people.push({ id, name: n.name, age: p.age, male: p.male, living: plan.length === 1 ? 'alone' : 'family', health });
  });
  return { kind, collective: false, people };
}
