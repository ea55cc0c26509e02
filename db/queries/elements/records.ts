/**
 * The element types without a module of their own — 房屋 (G-1), 商户 / 企业 / 驻区单位 / 公共设施
 * (G-4), 网格员 (G-5) — read and written through one set of functions driven by the descriptors of
 * ./registry.ts: scoped list with tag filter, detail with linked elements, create, update with a
 * version row (element_versions), version history.
 * Scope: every read and write goes through db/scope.ts on `e.org_path`; an id outside the scope
 * behaves like an absent id (undefined). Phones are SM4 ciphertext + blind index at rest, masked in
 * every answer unless `reveal`; version rows hold them only as `{enc, idx}`.
 */
import type { Knex } from 'knex';
import type { Db } from '../../connection';
import { type Actor, OutOfScopeError, scoped } from '../../scope';
import { blindIndex, encrypt } from '../../sensitive';
import { gridPostProblems } from '../forces';
import {
  cappedCount,
  ElementValidationError,
  orderOf,
  type Page,
  type PageParams,
  pageWindow,
  type RevealOptions,
  scopeAndNarrow,
  showPhone,
  VersionConflictError,
} from './common';
import { type FieldDef, RECORDS, type RecordDescriptor, type RecordType } from './registry';

export { isRecordType, RECORD_TYPES, RECORDS, type RecordType } from './registry';

type Q = Db | Knex.Transaction;
type Row = Record<string, unknown>;

/** A unique natural key is taken (the API answers 409 naming the field). */
export class ElementConflictError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The map position lies outside the element's grid (the API answers 422 naming `location`). */
export class LocationOutsideGridError extends Error {
  constructor() {
    super('地图位置不在所属网格范围内，请在网格内重新选点');
  }
}

export type TagMode = 'all' | 'any';

/**
 * Only elements carrying the tags: `all` every one (one EXISTS probe per tag), `any` at least one.
 * The probes are index-only on element_tags (element_type, element_id, tag_id).
 */
export function whereTagged(q: Knex.QueryBuilder, tagType: string, idColumn: string, tagIds: readonly number[], mode: TagMode = 'all') {
  if (!tagIds.length) return q;
  const probe = `EXISTS (SELECT 1 FROM element_tags et WHERE et.element_type = ? AND et.element_id = ${idColumn} AND et.tag_id`;
  if (mode === 'any') q.whereRaw(`${probe} = ANY(?::int[]))`, [tagType, [...tagIds]]);
  else for (const id of tagIds) q.whereRaw(`${probe} = ?)`, [tagType, id]);
  return q;
}

/**
 * `[{id, name, color}]` of an element's tags as a select column `tags`: a correlated subquery on
 * the element id column (`e.id` here, `r.id` / `hh.id` in the resident and household lists), run
 * only for the rows of the page, index-only on element_tags (element_type, element_id, tag_id).
 * `tagType` and `idColumn` are code constants, never user input.
 */
export function tagsSql(tagType: string, idColumn = 'e.id'): string {
  return `(SELECT coalesce(json_agg(json_build_object('id', t.id, 'name', t.name, 'color', t.color) ORDER BY t.id), '[]'::json)
           FROM element_tags et JOIN tag_definitions t ON t.id = et.tag_id
           WHERE et.element_type = '${tagType}' AND et.element_id = ${idColumn}) AS tags`;
}

/** An element's tags as the lists show them. */
export type ListTag = { id: number; name: string; color: string | null };

function columnSelect(db: Q, fd: FieldDef): Knex.Raw | string {
  if (fd.kind === 'date') return db.raw(`to_char(e.??, 'YYYY-MM-DD') AS ??`, [fd.column, fd.column]);
  return `e.${fd.column}`;
}

function fieldValue(fd: FieldDef, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (fd.kind === 'number') return Number(v);
  return v;
}

/** The row's plain and sensitive columns as camelCase fields (phones masked unless reveal). */
function fieldsOf(d: RecordDescriptor, r: Row, reveal: boolean | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const fd of d.fields) out[fd.field] = fieldValue(fd, r[fd.column]);
  for (const p of d.phones) out[p.field] = showPhone((r[p.enc] ?? null) as Buffer | null, reveal);
  return out;
}

function baseSelect(db: Q, d: RecordDescriptor) {
  const q = db(`${d.table} as e`)
    .join('org_units as g', 'g.id', 'e.grid_id')
    .select(
      'e.id',
      db.raw(`${d.nameSql} AS display_name`),
      ...d.fields.map((fd) => columnSelect(db, fd)),
      ...d.phones.map((p) => `e.${p.enc}`),
      'e.grid_id',
      'g.name as grid_name',
      db.raw('e.org_path::text AS org_path_text'),
      'e.version',
      db.raw(`to_char(e.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS updated_at_text`),
    );
  if (d.hasGeom) q.select(db.raw('ST_X(e.geom) AS lon'), db.raw('ST_Y(e.geom) AS lat'));
  if (d.tagType) q.select(db.raw(tagsSql(d.tagType)));
  if (d.type === 'grid_worker') {
    q.select(
      db.raw('(SELECT count(*) FROM coverage_relations c WHERE c.worker_id = e.id)::int AS coverage_count'),
      db.raw('(SELECT count(*) FROM care_relations c WHERE c.worker_id = e.id)::int AS care_count'),
    );
  }
  return q;
}

function locationOf(r: Row): { lon: number; lat: number } | null {
  return r.lon === null || r.lon === undefined ? null : { lon: Number(r.lon), lat: Number(r.lat) };
}

// ---------------------------------------------------------------------------------------------
// List

export interface RecordListParams extends PageParams {
  orgPath?: string;
  gridId?: number;
  status?: string;
  /** Name prefix, exact natural key (credit code, code, licence), or a full mobile number. */
  q?: string;
  tagIds?: number[];
  tagMode?: TagMode;
}

export interface RecordListRow {
  id: number;
  name: string;
  gridId: number;
  gridName: string;
  orgPath: string;
  version: number;
  updatedAt: string;
  tags: { id: number; name: string; color: string | null }[];
  location?: { lon: number; lat: number } | null;
  [field: string]: unknown;
}

/** `s%` for LIKE with s's own %, _ and \\ escaped (an index-friendly prefix match). */
export const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function filtered(db: Q, actor: Actor, d: RecordDescriptor, p: RecordListParams) {
  const q = db(`${d.table} as e`);
  scopeAndNarrow(q, actor, 'e.org_path', 'read', p.orgPath);
  if (p.gridId !== undefined) q.where('e.grid_id', p.gridId);
  if (p.status) {
    if (!d.hasStatus) throw new ElementValidationError([{ field: 'status', message: `${d.label}没有状态字段，不能按状态筛选` }]);
    q.where('e.status', p.status);
  }
  const s = p.q?.trim();
  if (s) {
    q.where((w) => {
      if (d.nameColumn) w.orWhereRaw(`${d.nameColumn} LIKE ?`, [likePrefix(s)]);
      for (const col of d.keyColumns) w.orWhereIn(col, [...new Set([s, s.toUpperCase()])]);
      if (/^1\d{10}$/.test(s)) for (const ph of d.phones) w.orWhere(`e.${ph.idx}`, blindIndex(s));
      if (d.type === 'house') {
        w.orWhere('e.room_no', s).orWhereIn(
          'e.building_id',
          db('buildings')
            .select('id')
            .whereRaw('name LIKE ?', [likePrefix(s)]),
        );
      }
    });
  }
  if (p.tagIds?.length) {
    if (!d.tagType) throw new ElementValidationError([{ field: 'tagIds', message: `${d.label}不支持标签，不能按标签筛选` }]);
    whereTagged(q, d.tagType, 'e.id', p.tagIds, p.tagMode);
  }
  return q;
}

function toListRow(d: RecordDescriptor, r: Row, reveal: boolean | undefined): RecordListRow {
  const row: RecordListRow = {
    id: r.id as number,
    name: r.display_name as string,
    ...fieldsOf(d, r, reveal),
    gridId: r.grid_id as number,
    gridName: r.grid_name as string,
    orgPath: r.org_path_text as string,
    version: r.version as number,
    updatedAt: r.updated_at_text as string,
    tags: (r.tags ?? []) as RecordListRow['tags'],
  };
  if (d.hasGeom) row.location = locationOf(r);
  if (d.type === 'grid_worker') {
    row.coverageCount = r.coverage_count;
    row.careCount = r.care_count;
  }
  return row;
}

/** A page of one element type inside the actor's scope (phones masked unless `reveal`). */
export async function listRecords(
  db: Q,
  actor: Actor,
  type: RecordType,
  params: RecordListParams = {},
  opts: RevealOptions = {},
): Promise<Page<RecordListRow>> {
  const d = RECORDS[type];
  const { page, pageSize, offset } = pageWindow(params);
  const sortCols = d.sorts[params.sort ?? 'path'] ?? d.sorts.path;
  const order = orderOf(params);
  // Page ids first (scope range + filters + top-N on the sort), then the page's rows with joins.
  const ids = filtered(db, actor, d, params)
    .select('e.id')
    .orderBy(sortCols.map((c) => ({ column: c, order })))
    .limit(pageSize)
    .offset(offset);
  const rowsQ = baseSelect(db, d)
    .whereIn('e.id', ids)
    .orderBy(sortCols.map((c) => ({ column: c, order })));
  const [rows, counted] = await Promise.all([rowsQ as Promise<Row[]>, cappedCount(db as Db, filtered(db, actor, d, params))]);
  return { rows: rows.map((r) => toListRow(d, r, opts.reveal)), ...counted, page, pageSize };
}

// ---------------------------------------------------------------------------------------------
// Detail

export interface RecordLink {
  type: string;
  id: number;
  name: string;
  relation: string;
}

export interface RecordDetail {
  id: number;
  type: RecordType;
  name: string;
  version: number;
  updatedAt: string;
  fields: Record<string, unknown>;
  grid: { id: number; name: string };
  orgPath: string;
  /** City → … → grid names, for breadcrumbs. */
  orgChain: { id: number; name: string; type: string; path: string }[];
  location: { lon: number; lat: number } | null;
  tags: { id: number; name: string; color: string | null }[];
  /** 包户: the one worker responsible for the element (types that have coverage). */
  coverage: { workerId: number; workerName: string } | null;
  /** Related elements for click-through. */
  links: RecordLink[];
}

async function linksOf(db: Q, actor: Actor, d: RecordDescriptor, r: Row): Promise<RecordLink[]> {
  const links: RecordLink[] = [];
  const buildingId = r.building_id as number | null | undefined;
  if (buildingId) {
    const b = await scoped(db('buildings as b').where('b.id', buildingId), actor, 'b.org_path', 'read').select('b.id', 'b.name').first();
    if (b) links.push({ type: 'building', id: b.id, name: b.name, relation: d.type === 'house' ? '所在楼栋' : '所在楼宇' });
  }
  if (d.type === 'house') {
    const members = (await scoped(
      db('households as hh')
        .leftJoin('residents as r', 'r.household_id', 'hh.id')
        .where('hh.house_id', r.id as number)
        .select('hh.id as hh_id', 'hh.household_no', 'r.id as r_id', 'r.name as r_name', 'r.relation_to_head')
        .orderBy([{ column: 'hh.id' }, { column: 'r.id' }]),
      actor,
      'hh.org_path',
      'read',
    )) as Row[];
    const seen = new Set<number>();
    for (const m of members) {
      if (!seen.has(m.hh_id as number)) {
        seen.add(m.hh_id as number);
        links.push({ type: 'household', id: m.hh_id as number, name: m.household_no as string, relation: '居住户' });
      }
      if (m.r_id)
        links.push({
          type: 'resident',
          id: m.r_id as number,
          name: m.r_name as string,
          relation: `${m.household_no}${m.relation_to_head ? ` ${m.relation_to_head}` : ''}`,
        });
    }
  }
  if (d.type === 'grid_worker') {
    links.push({ type: 'grid', id: r.grid_id as number, name: r.grid_name as string, relation: '所在网格' });
    if (r.user_id) {
      const u = await db('users')
        .where('id', r.user_id as number)
        .select('id', 'display_name')
        .first();
      if (u) links.push({ type: 'user', id: u.id, name: u.display_name, relation: '登录账号' });
    }
  }
  return links;
}

/** One element with grid, location, tags, 包户 worker and links; undefined when absent or out of scope. */
export async function getRecord(
  db: Q,
  actor: Actor,
  type: RecordType,
  id: number,
  opts: RevealOptions = {},
): Promise<RecordDetail | undefined> {
  const d = RECORDS[type];
  const q = baseSelect(db, d)
    .select(
      db.raw(`(SELECT json_agg(json_build_object('id', o.id, 'name', o.name, 'type', o.type, 'path', o.path::text) ORDER BY o.level)
               FROM org_units o WHERE o.path @> e.org_path) AS org_chain`),
    )
    .where('e.id', id);
  if (d.coverageType) {
    q.leftJoin('coverage_relations as cv', (j) => {
      j.on('cv.element_id', 'e.id').andOnVal('cv.element_type', d.coverageType as string);
    })
      .leftJoin('grid_workers as w', 'w.id', 'cv.worker_id')
      .select('w.id as w_id', 'w.name as w_name');
  }
  const r = (await scoped(q, actor, 'e.org_path', 'read').first()) as Row | undefined;
  if (!r) return undefined;
  const fields = fieldsOf(d, r, opts.reveal);
  if (d.type === 'grid_worker') {
    fields.coverageCount = r.coverage_count;
    fields.careCount = r.care_count;
  }
  return {
    id: r.id as number,
    type,
    name: r.display_name as string,
    version: r.version as number,
    updatedAt: r.updated_at_text as string,
    fields,
    grid: { id: r.grid_id as number, name: r.grid_name as string },
    orgPath: r.org_path_text as string,
    orgChain: (r.org_chain ?? []) as RecordDetail['orgChain'],
    location: d.hasGeom ? locationOf(r) : null,
    tags: (r.tags ?? []) as RecordDetail['tags'],
    coverage: r.w_id ? { workerId: r.w_id as number, workerName: r.w_name as string } : null,
    links: await linksOf(db, actor, d, r),
  };
}

// ---------------------------------------------------------------------------------------------
// Writes

export interface RecordWriteOptions {
  /** Optimistic locking (update): refuse when the stored version differs. */
  expectedVersion?: number;
  /** Why the data changed (shown in the version history). */
  reason?: string;
  /** Display name of the user, kept in the version row. */
  changedByName?: string;
}

/** Input of create / update: the form's camelCase fields plus `gridId` and `location`. */
export type RecordInput = Record<string, unknown> & { gridId?: number; location?: { lon: number; lat: number } | null };

// PGlite returns bytea as Uint8Array (pg returns Buffer): Buffer.from covers both.
const hex = (b: unknown) => (b ? `\\x${Buffer.from(b as Uint8Array).toString('hex')}` : null);

/** Domain rules a JSON Schema cannot say (the table's CHECK constraints), on the merged row. */
function validateDomain(d: RecordDescriptor, merged: Record<string, unknown>): void {
  if (d.type !== 'grid_worker') return;
  const kind = merged.kind as string;
  const subKind = merged.subKind as string;
  const allowed: Record<string, string[]> = {
    full_time: ['leader', 'member'],
    exclusive: ['leader', 'member'],
    part_time: ['in_system', 'out_system'],
  };
  if (allowed[kind] && !allowed[kind].includes(subKind)) {
    throw new ElementValidationError([
      {
        field: 'subKind',
        message: kind === 'part_time' ? '兼职网格员的身份只能是“体制内”或“体制外”' : '专职、专属网格员的岗位只能是“网格长”或“网格员”',
      },
    ]);
  }
  if (kind !== 'part_time' && merged.partTimeType)
    throw new ElementValidationError([{ field: 'partTimeType', message: '只有兼职网格员填写兼职类型，请清空后重试' }]);
}

/**
 * F-1 for a grid worker written through the element form: one 网格长 per grid (409 on subKind), a
 * 专属网格员 only in an exclusive grid (400 on gridId). The rules live in ../forces.ts (力量配置).
 */
async function assertGridPost(trx: Knex.Transaction, workerId: number | null, fields: Record<string, unknown>, gridId: number) {
  const [p] = await gridPostProblems(
    trx,
    [
      {
        key: 0,
        workerId,
        name: String(fields.name ?? ''),
        kind: fields.kind as string,
        subKind: fields.subKind as string,
        status: (fields.status as string | null | undefined) ?? 'active',
        gridId,
      },
    ],
    { lock: true },
  );
  if (p?.conflict) throw new ElementConflictError(p.field, p.message);
  if (p) throw new ElementValidationError([{ field: p.field, message: p.message }]);
}

/** The grid an element is written into: a grid inside the actor's write scope. */
async function gridForWrite(db: Q, actor: Actor, gridId: unknown): Promise<{ id: number; path: string }> {
  if (typeof gridId !== 'number') throw new ElementValidationError([{ field: 'gridId', message: '请选择所属网格' }]);
  const g = (await db('org_units').where({ id: gridId }).select('id', 'type', db.raw('path::text AS path')).first()) as
    | { id: number; type: string; path: string }
    | undefined;
  if (g?.type !== 'grid') throw new ElementValidationError([{ field: 'gridId', message: '所属网格不存在，请重新选择' }]);
  const inScope = await scoped(db('org_units as o').where('o.id', gridId), actor, 'o.path', 'write').first('o.id');
  if (!inScope) throw new OutOfScopeError();
  return { id: g.id, path: g.path };
}

async function assertLocationInGrid(db: Q, gridId: number, loc: { lon: number; lat: number }): Promise<void> {
  const r = (await db('org_units')
    .where({ id: gridId })
    .select(db.raw('geom IS NULL OR ST_Covers(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326)) AS inside', [loc.lon, loc.lat]))
    .first()) as { inside: boolean };
  if (!r.inside) throw new LocationOutsideGridError();
}

/** A referenced building must exist inside the actor's read scope. */
async function assertBuilding(db: Q, actor: Actor, buildingId: unknown): Promise<{ grid_id: number } | undefined> {
  if (buildingId === null || buildingId === undefined) return undefined;
  const b = (await scoped(db('buildings as b').where('b.id', buildingId as number), actor, 'b.org_path', 'read').first('b.grid_id')) as
    | { grid_id: number }
    | undefined;
  if (!b) throw new ElementValidationError([{ field: 'buildingId', message: '所在楼栋不存在或不在您的管辖范围内，请重新选择' }]);
  return b;
}

function uniqueViolation(d: RecordDescriptor, err: unknown): never {
  const e = err as { code?: string; constraint?: string };
  if (e.code === '23505') {
    const u = d.uniques.find((x) => x.constraint === e.constraint) ?? d.uniques[0];
    if (u) throw new ElementConflictError(u.field, u.message);
  }
  throw err;
}

function columnValue(fd: FieldDef, v: unknown): unknown {
  if (v === undefined) return undefined;
  if (v === null || v === '') return null;
  return typeof v === 'string' && fd.kind === 'text' ? v.trim() : v;
}

async function writeVersion(
  db: Q,
  actor: Actor,
  type: RecordType,
  id: number,
  version: number,
  before: Row,
  after: Row,
  opts: RecordWriteOptions,
): Promise<void> {
  await db('element_versions').insert({
    element_type: type,
    element_id: id,
    version,
    changed_by: actor.userId,
    changed_by_name: opts.changedByName ?? actor.username,
    reason: opts.reason ?? null,
    before: JSON.stringify(before),
    after: JSON.stringify(after),
  });
}

/**
 * Creates an element in a grid of the actor's write scope (org path = the grid's path) and writes
 * version 1 (every set field in `after`, phones as `{enc, idx}`). Refuses a location outside the
 * grid polygon and a taken natural key.
 */
export async function createRecord(
  db: Q,
  actor: Actor,
  type: RecordType,
  input: RecordInput,
  opts: RecordWriteOptions = {},
): Promise<{ id: number; orgPath: string; version: number }> {
  const d = RECORDS[type];
  validateDomain(d, input);
  return db.transaction(async (trx) => {
    const grid = await gridForWrite(trx, actor, input.gridId);
    const building = await assertBuilding(trx, actor, input.buildingId);
    if (d.type === 'house' && building && building.grid_id !== grid.id)
      throw new ElementValidationError([{ field: 'gridId', message: '房屋的所属网格应与所在楼栋一致，请重新选择' }]);
    if (d.type === 'grid_worker') await assertGridPost(trx, null, input, grid.id);
    const set: Row = { grid_id: grid.id, org_path: grid.path, version: 1, updated_by: actor.userId };
    const after: Row = { gridId: grid.id };
    for (const fd of d.fields) {
      const v = columnValue(fd, input[fd.field]);
      if (v === undefined) continue;
      set[fd.column] = v;
      if (v !== null) after[fd.field] = v;
    }
    for (const p of d.phones) {
      const v = input[p.field];
      if (typeof v !== 'string' || !v) continue;
      const enc = encrypt(v);
      set[p.enc] = enc;
      set[p.idx] = blindIndex(v);
      after[p.field] = { enc: hex(enc), idx: set[p.idx] };
    }
    if (d.hasGeom && input.location) {
      await assertLocationInGrid(trx, grid.id, input.location);
      set.geom = trx.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [input.location.lon, input.location.lat]);
      after.location = input.location;
    }
    let id: number;
    try {
      [{ id }] = (await trx(d.table).insert(set).returning('id')) as { id: number }[];
    } catch (err) {
      uniqueViolation(d, err);
    }
    await writeVersion(trx, actor, type, id, 1, {}, after, opts);
    return { id, orgPath: grid.path, version: 1 };
  });
}

/**
 * Changes an element inside the actor's write scope and records the changed fields before and
 * after (phones only as `{enc, idx}`). Moving it to another grid moves its org path, and the
 * paths copied into its tags and 包户 relation, in the same transaction. Returns undefined when
 * the element is absent or out of scope.
 */
export async function updateRecord(
  db: Q,
  actor: Actor,
  type: RecordType,
  id: number,
  patch: RecordInput,
  opts: RecordWriteOptions = {},
): Promise<RecordDetail | undefined> {
  const d = RECORDS[type];
  const found = await db.transaction(async (trx) => {
    const cur = (await scoped(trx(`${d.table} as e`).where('e.id', id), actor, 'e.org_path', 'write')
      .select(
        'e.*',
        ...d.fields.filter((fd) => fd.kind === 'date').map((fd) => columnSelect(trx, fd)),
        ...(d.hasGeom ? [trx.raw('ST_X(e.geom) AS lon'), trx.raw('ST_Y(e.geom) AS lat')] : []),
      )
      .forUpdate()
      .first()) as Row | undefined;
    if (!cur) return false;
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== cur.version) throw new VersionConflictError(cur.version as number);
    const curFields = fieldsOf(d, cur, true);
    validateDomain(d, { ...curFields, ...patch });

    const before: Row = {};
    const after: Row = {};
    const set: Row = {};
    for (const fd of d.fields) {
      const v = columnValue(fd, patch[fd.field]);
      if (v === undefined) continue;
      const old = fieldValue(fd, cur[fd.column]);
      if (JSON.stringify(old) === JSON.stringify(v)) continue;
      before[fd.field] = old;
      after[fd.field] = v;
      set[fd.column] = v;
    }
    for (const p of d.phones) {
      const v = patch[p.field];
      if (v === undefined) continue;
      const plain = typeof v === 'string' && v ? v : null;
      const idx = plain === null ? null : blindIndex(plain);
      if (idx === (cur[p.idx] ?? null)) continue;
      const enc = plain === null ? null : encrypt(plain);
      before[p.field] = { enc: hex(cur[p.enc]), idx: cur[p.idx] ?? null };
      after[p.field] = { enc: hex(enc), idx };
      set[p.enc] = enc;
      set[p.idx] = idx;
    }
    let gridId = cur.grid_id as number;
    let orgPath = String(cur.org_path);
    if (patch.gridId !== undefined && patch.gridId !== gridId) {
      const grid = await gridForWrite(trx, actor, patch.gridId);
      before.gridId = gridId;
      after.gridId = grid.id;
      gridId = grid.id;
      orgPath = grid.path;
      set.grid_id = grid.id;
      set.org_path = grid.path;
    }
    if (d.type === 'grid_worker' && ['grid_id', 'kind', 'sub_kind', 'status'].some((c) => c in set))
      await assertGridPost(trx, id, { ...curFields, ...patch }, gridId);
    if ('building_id' in set || ('grid_id' in set && d.type === 'house')) {
      const b = await assertBuilding(trx, actor, 'building_id' in set ? set.building_id : cur.building_id);
      if (d.type === 'house' && b && b.grid_id !== gridId)
        throw new ElementValidationError([{ field: 'buildingId', message: '房屋的所在楼栋应在所属网格内，请重新选择' }]);
    }
    if (d.hasGeom) {
      const old = locationOf(cur);
      const next = patch.location === undefined ? old : patch.location;
      if (patch.location !== undefined && JSON.stringify(old) !== JSON.stringify(next)) {
        before.location = old;
        after.location = next;
        set.geom = next ? trx.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [next.lon, next.lat]) : null;
      }
      if (next && ('geom' in set || 'grid_id' in set)) await assertLocationInGrid(trx, gridId, next);
    }
    if (Object.keys(set).length === 0) return true;

    const version = (cur.version as number) + 1;
    try {
      await trx(d.table)
        .where({ id })
        .update({ ...set, version, updated_by: actor.userId, updated_at: trx.fn.now() });
    } catch (err) {
      uniqueViolation(d, err);
    }
    if ('org_path' in set) {
      if (d.tagType) await trx('element_tags').where({ element_type: d.tagType, element_id: id }).update({ org_path: orgPath });
      if (d.coverageType)
        await trx('coverage_relations').where({ element_type: d.coverageType, element_id: id }).update({ org_path: orgPath });
    }
    await writeVersion(trx, actor, type, id, version, before, after, opts);
    return true;
  });
  if (!found) return undefined;
  return getRecord(db, actor, type, id);
}

export interface RecordVersionRow {
  version: number;
  changedAt: string;
  changedBy: number | null;
  changedByName: string | null;
  reason: string | null;
  /** Changed fields only; phones as `{enc, idx}` (never plain). */
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** Columns of a version-history row (`v` = element_versions or resident_versions), as the 变更记录 tab reads them. */
export function versionColumns(db: Q) {
  return [
    'v.version',
    db.raw(`to_char(v.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "changedAt"`),
    'v.changed_by as changedBy',
    'v.changed_by_name as changedByName',
    'v.reason',
    'v.before',
    'v.after',
  ];
}

/** Version history of an element, newest first; empty when the element is out of scope. */
export async function listRecordVersions(db: Q, actor: Actor, type: RecordType, id: number): Promise<RecordVersionRow[]> {
  const d = RECORDS[type];
  const q = db('element_versions as v')
    .join(`${d.table} as e`, 'e.id', 'v.element_id')
    .where({ 'v.element_type': type, 'v.element_id': id })
    .select(versionColumns(db))
    .orderBy('v.version', 'desc');
  return (await scoped(q, actor, 'e.org_path', 'read')) as RecordVersionRow[];
}
