/**
 * 居民户 (G-2): scoped list and detail with house, building, grid, members and the 包户 worker.
 */
import type { Db } from '../../connection';
import type { Actor } from '../../scope';
import { cappedCount, type GridRef, orderOf, type Page, type PageParams, pageWindow, scopeAndNarrow } from './common';
import { type ListTag, likePrefix, type TagMode, tagsSql, whereTagged } from './records';

export const HOUSEHOLD_SORTS = {
  path: ['hh.org_path', 'hh.id'],
  id: ['hh.id'],
  householdNo: ['hh.household_no'],
  memberCount: ['hh.member_count', 'hh.id'],
} as const;

export interface HouseholdListParams extends PageParams {
  sort?: keyof typeof HOUSEHOLD_SORTS;
  /** Exact id (detail). */
  id?: number;
  orgPath?: string;
  gridId?: number;
  houseId?: number;
  buildingId?: number;
  /** 户编号 prefix (the household picker types part of a number); matched as typed and upper-cased. */
  householdNo?: string;
  type?: string;
  /** Only households without a 包户 worker (the coverage report's list). */
  uncovered?: boolean;
  /** Only households carrying these tags (element_tags): all of them (default) or any. */
  tagIds?: number[];
  tagMode?: TagMode;
}

export interface HouseholdListRow {
  id: number;
  householdNo: string;
  type: string;
  memberCount: number;
  residenceKind: string | null;
  headResidentId: number | null;
  headName: string | null;
  houseId: number;
  address: string;
  gridId: number;
  gridName: string;
  orgPath: string;
  coverageWorkerId: number | null;
  coverageWorkerName: string | null;
  tags: ListTag[];
}

function filtered(db: Db, actor: Actor, p: HouseholdListParams) {
  const q = db('households as hh');
  scopeAndNarrow(q, actor, 'hh.org_path', 'read', p.orgPath);
  if (p.id !== undefined) q.where('hh.id', p.id);
  if (p.gridId !== undefined) q.where('hh.grid_id', p.gridId);
  if (p.houseId !== undefined) q.where('hh.house_id', p.houseId);
  if (p.buildingId !== undefined) q.whereIn('hh.house_id', db('houses').select('id').where('building_id', p.buildingId));
  const no = p.householdNo?.trim();
  if (no) {
    // LIKE 'prefix%' walks households_household_no_prefix_idx (text_pattern_ops) under any collation.
    const forms = [...new Set([no, no.toUpperCase()])];
    q.where((w) => {
      for (const f of forms) w.orWhereRaw('hh.household_no LIKE ?', [likePrefix(f)]);
    });
  }
  if (p.type) q.where('hh.type', p.type);
  if (p.uncovered) q.whereNotExists(db('coverage_relations as c').whereRaw(`c.element_type = 'household' AND c.element_id = hh.id`));
  if (p.tagIds?.length) whereTagged(q, 'household', 'hh.id', p.tagIds, p.tagMode);
  return q;
}

export async function listHouseholds(db: Db, actor: Actor, params: HouseholdListParams = {}): Promise<Page<HouseholdListRow>> {
  const { page, pageSize, offset } = pageWindow(params);
  const sortCols = HOUSEHOLD_SORTS[params.sort ?? 'path'] ?? HOUSEHOLD_SORTS.path;
  const order = orderOf(params);
  const rowsQ = filtered(db, actor, params)
    .join('org_units as g', 'g.id', 'hh.grid_id')
    .join('houses as h', 'h.id', 'hh.house_id')
    .join('buildings as b', 'b.id', 'h.building_id')
    .leftJoin('residents as head', 'head.id', 'hh.head_resident_id')
    .leftJoin('coverage_relations as cv', (j) => {
      j.on('cv.element_id', 'hh.id').andOnVal('cv.element_type', 'household');
    })
    .leftJoin('grid_workers as w', 'w.id', 'cv.worker_id')
    .select(
      'hh.id',
      'hh.household_no as householdNo',
      'hh.type',
      'hh.member_count as memberCount',
      'hh.residence_kind as residenceKind',
      'hh.head_resident_id as headResidentId',
      'head.name as headName',
      'hh.house_id as houseId',
      db.raw(`b.address || ' ' || h.unit_no || '单元' || h.room_no || '室' AS address`),
      'hh.grid_id as gridId',
      'g.name as gridName',
      db.raw('hh.org_path::text AS "orgPath"'),
      'w.id as coverageWorkerId',
      'w.name as coverageWorkerName',
      db.raw(tagsSql('household', 'hh.id')),
    )
    .orderBy(sortCols.map((c) => ({ column: c, order })))
    .limit(pageSize)
    .offset(offset);
  const [rows, counted] = await Promise.all([rowsQ as Promise<HouseholdListRow[]>, cappedCount(db, filtered(db, actor, params))]);
  return { rows, ...counted, page, pageSize };
}

export interface HouseholdDetail extends HouseholdListRow {
  house: { id: number; unitNo: number; floor: number; roomNo: string; type: string; area: number | null; use: string; status: string };
  building: { id: number; code: string; name: string; number: string; address: string; type: string };
  grid: GridRef;
  members: {
    id: number;
    name: string;
    gender: string;
    age: number;
    relationToHead: string | null;
    residenceType: string;
    dynamicStatus: string;
  }[];
}

/** One household with its house, building, grid, members and 包户 worker; undefined when absent or out of scope. */
export async function getHousehold(db: Db, actor: Actor, id: number): Promise<HouseholdDetail | undefined> {
  const base = await listHouseholdRow(db, actor, id);
  if (!base) return undefined;
  const [extra, members] = await Promise.all([
    db('households as hh')
      .join('houses as h', 'h.id', 'hh.house_id')
      .join('buildings as b', 'b.id', 'h.building_id')
      .join('org_units as g', 'g.id', 'hh.grid_id')
      .where('hh.id', id)
      .select(
        'h.id as h_id',
        'h.unit_no',
        'h.floor',
        'h.room_no',
        'h.type as h_type',
        'h.area',
        'h.use',
        'h.status',
        'b.id as b_id',
        'b.code as b_code',
        'b.name as b_name',
        'b.number as b_number',
        'b.address as b_address',
        'b.type as b_type',
        'g.code as g_code',
        'g.name as g_name',
        db.raw('g.path::text AS g_path'),
        'g.grid_type',
      )
      .first(),
    db('residents')
      .where('household_id', id)
      .select(
        'id',
        'name',
        'gender',
        db.raw(`date_part('year', age(birth_date))::int AS age`),
        'relation_to_head as relationToHead',
        'residence_type as residenceType',
        'dynamic_status as dynamicStatus',
      )
      .orderBy('id'),
  ]);
  return {
    ...base,
    house: {
      id: extra.h_id,
      unitNo: extra.unit_no,
      floor: extra.floor,
      roomNo: extra.room_no,
      type: extra.h_type,
      area: extra.area === null ? null : Number(extra.area),
      use: extra.use,
      status: extra.status,
    },
    building: {
      id: extra.b_id,
      code: extra.b_code,
      name: extra.b_name,
      number: extra.b_number,
      address: extra.b_address,
      type: extra.b_type,
    },
    grid: { id: base.gridId, code: extra.g_code, name: extra.g_name, path: extra.g_path, gridType: extra.grid_type },
    members,
  };
}

async function listHouseholdRow(db: Db, actor: Actor, id: number): Promise<HouseholdListRow | undefined> {
  const { rows } = await listHouseholds(db, actor, { id, pageSize: 1 });
  return rows[0];
}
