/**
 * 楼栋 and 房屋 (G-1): scoped lists, building detail, and the building grid (楼盘表: unit → floor
 * → room, each house with its households and resident count) that links house → households →
 * residents.
 */
import type { Db } from '../../connection';
import type { Actor } from '../../scope';
import { ltreeArray, scoped, scopePaths } from '../../scope';
import { visibleTags } from '../tags/definitions';
import { type GridRef, orderOf, type Page, type PageParams, pageWindow, scopeAndNarrow } from './common';

export const BUILDING_SORTS = {
  path: ['b.org_path', 'b.id'],
  id: ['b.id'],
  code: ['b.code'],
  name: ['b.name', 'b.id'],
} as const;

export interface BuildingListParams extends PageParams {
  sort?: keyof typeof BUILDING_SORTS;
  id?: number;
  orgPath?: string;
  gridId?: number;
  type?: string;
  /** Name or address contains. */
  q?: string;
  /** Only buildings carrying these tags (element_tags, element_type 'building'). */
  tagIds?: number[];
  /** all: every listed tag (default); any: at least one. */
  tagMode?: 'all' | 'any';
}

export interface BuildingListRow {
  id: number;
  code: string;
  name: string;
  number: string;
  address: string;
  type: string;
  structure: string | null;
  floors: number;
  undergroundFloors: number;
  units: number;
  roomsPerFloor: number;
  builtYear: number | null;
  propertyCompany: string | null;
  buildingManager: string | null;
  gridId: number;
  gridName: string;
  orgPath: string;
  /** [longitude, latitude] */
  location: [number, number] | null;
  houseCount: number;
}

function filtered(db: Db, actor: Actor, p: BuildingListParams) {
  const q = db('buildings as b');
  scopeAndNarrow(q, actor, 'b.org_path', 'read', p.orgPath);
  if (p.id !== undefined) q.where('b.id', p.id);
  if (p.gridId !== undefined) q.where('b.grid_id', p.gridId);
  if (p.type) q.where('b.type', p.type);
  if (p.q) {
    const like = `%${p.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q.where((w) => w.where('b.name', 'like', like).orWhere('b.address', 'like', like));
  }
  if (p.tagIds?.length) {
    const probe = `EXISTS (SELECT 1 FROM element_tags et WHERE et.element_type = 'building' AND et.element_id = b.id AND et.tag_id`;
    if (p.tagMode === 'any') q.whereRaw(`${probe} = ANY(?::int[]))`, [p.tagIds]);
    else for (const id of p.tagIds) q.whereRaw(`${probe} = ?)`, [id]);
  }
  return q;
}

interface BuildingDbRow extends Omit<BuildingListRow, 'location'> {
  lon: number | null;
  lat: number | null;
}

export async function listBuildings(db: Db, actor: Actor, params: BuildingListParams = {}): Promise<Page<BuildingListRow>> {
  const { page, pageSize, offset } = pageWindow(params);
  const sortCols = BUILDING_SORTS[params.sort ?? 'path'] ?? BUILDING_SORTS.path;
  const rowsQ = filtered(db, actor, params)
    .join('org_units as g', 'g.id', 'b.grid_id')
    .select(
      'b.id',
      'b.code',
      'b.name',
      'b.number',
      'b.address',
      'b.type',
      'b.structure',
      'b.floors',
      'b.underground_floors as undergroundFloors',
      'b.units',
      'b.rooms_per_floor as roomsPerFloor',
      'b.built_year as builtYear',
      'b.property_company as propertyCompany',
      'b.building_manager as buildingManager',
      'b.grid_id as gridId',
      'g.name as gridName',
      db.raw('b.org_path::text AS "orgPath"'),
      db.raw('ST_X(b.geom) AS lon'),
      db.raw('ST_Y(b.geom) AS lat'),
      db.raw('(SELECT count(*) FROM houses h WHERE h.building_id = b.id)::int AS "houseCount"'),
    )
    .orderBy(sortCols.map((c) => ({ column: c, order: orderOf(params) })))
    .limit(pageSize)
    .offset(offset);
  const [rows, counted] = await Promise.all([
    rowsQ as Promise<BuildingDbRow[]>,
    filtered(db, actor, params).count<{ n: number }[]>({ n: '*' }),
  ]);
  return {
    rows: rows.map(({ lon, lat, ...r }) => ({ ...r, location: lon === null || lat === null ? null : [lon, lat] })),
    total: Number(counted[0]?.n ?? 0),
    page,
    pageSize,
  };
}

export interface BuildingDetail extends BuildingListRow {
  grid: GridRef;
  householdCount: number;
  residentCount: number;
}

/** One building; undefined when absent or out of scope. */
export async function getBuilding(db: Db, actor: Actor, id: number): Promise<BuildingDetail | undefined> {
  const { rows } = await listBuildings(db, actor, { id, pageSize: 1 });
  const b = rows[0];
  if (!b) return undefined;
  const [g, counts] = await Promise.all([
    db('org_units').where('id', b.gridId).select('id', 'code', 'name', db.raw('path::text AS path'), 'grid_type as gridType').first(),
    db('households as hh')
      .join('houses as h', 'h.id', 'hh.house_id')
      .where('h.building_id', id)
      .select(db.raw('count(*)::int AS households'), db.raw('coalesce(sum(hh.member_count),0)::int AS residents'))
      .first(),
  ]);
  return { ...b, grid: g as GridRef, householdCount: counts?.households ?? 0, residentCount: counts?.residents ?? 0 };
}

/** One cell of the 楼盘表. */
export interface FloorPlanHouse {
  id: number;
  roomNo: string;
  type: string;
  area: number | null;
  use: string;
  status: string;
  households: { id: number; householdNo: string; headName: string | null; memberCount: number; tagIds: number[] }[];
  residentCount: number;
  /** Tags carried by a household of the room or by any of their residents (在册), among `FloorPlan.tags`. */
  tagIds: number[];
}

/** A household or resident tag that applies to the building, with the number of rooms carrying it. */
export interface FloorPlanTag {
  id: number;
  name: string;
  target: 'household' | 'resident';
  kind: string;
  color: string | null;
  rooms: number;
}

export interface FloorPlan {
  building: BuildingListRow;
  /** units[u].floors sorted top floor first (as the building is drawn). */
  units: { unitNo: number; floors: { floor: number; houses: FloorPlanHouse[] }[] }[];
  /** Household and resident tags the actor can see whose area covers the building (the 按标签 picker). */
  tags: FloorPlanTag[];
}

/**
 * Tags of the building's households and of their residents, one row per (household, tag): one
 * statement for the whole building (no query per room). Tag rows are scoped like the elements.
 */
async function floorPlanTagRows(db: Db, actor: Actor, buildingId: number): Promise<{ household_id: number; tag_id: number }[]> {
  const paths = ltreeArray(scopePaths(actor, 'read'));
  const own = db('households as hh')
    .join('houses as h', 'h.id', 'hh.house_id')
    .join('element_tags as et', (j) => j.on('et.element_id', 'hh.id').andOnVal('et.element_type', 'household'))
    .where('h.building_id', buildingId)
    .whereRaw('et.org_path <@ ANY(?::ltree[])', [paths])
    .select('hh.id as household_id', 'et.tag_id');
  const members = db('residents as r')
    .join('households as hh', 'hh.id', 'r.household_id')
    .join('houses as h', 'h.id', 'hh.house_id')
    .join('element_tags as et', (j) => j.on('et.element_id', 'r.id').andOnVal('et.element_type', 'resident'))
    .where('h.building_id', buildingId)
    .where('r.dynamic_status', '在册')
    .whereRaw('et.org_path <@ ANY(?::ltree[])', [paths])
    .select('r.household_id', 'et.tag_id');
  return (await own.union(members)) as { household_id: number; tag_id: number }[];
}

/** 楼盘表 (G-1): the building's houses by unit and floor with households and tags; undefined when out of scope. */
export async function getBuildingFloorPlan(db: Db, actor: Actor, buildingId: number): Promise<FloorPlan | undefined> {
  const { rows } = await listBuildings(db, actor, { id: buildingId, pageSize: 1 });
  const building = rows[0];
  if (!building) return undefined;
  const [houses, hhs, tagDefs, tagRows] = await Promise.all([
    scoped(db('houses as h').where('h.building_id', buildingId), actor, 'h.org_path', 'read')
      .select('h.id', 'h.unit_no', 'h.floor', 'h.room_no', 'h.type', 'h.area', 'h.use', 'h.status')
      .orderBy([{ column: 'h.unit_no' }, { column: 'h.floor', order: 'desc' }, { column: 'h.room_no' }]) as Promise<
      {
        id: number;
        unit_no: number;
        floor: number;
        room_no: string;
        type: string;
        area: string | null;
        use: string;
        status: string;
      }[]
    >,
    db('households as hh')
      .join('houses as h', 'h.id', 'hh.house_id')
      .leftJoin('residents as r', 'r.id', 'hh.head_resident_id')
      .where('h.building_id', buildingId)
      .select('hh.id', 'hh.house_id', 'hh.household_no', 'hh.member_count', 'r.name as head_name')
      .orderBy('hh.id') as Promise<
      { id: number; house_id: number; household_no: string; member_count: number; head_name: string | null }[]
    >,
    // A tag applies under its defining unit (T-2): only tags defined at or above the building's grid.
    visibleTags(db('tag_definitions as t'), actor)
      .whereIn('t.target', ['household', 'resident'])
      .where('t.active', true)
      .whereRaw('t.org_path @> ?::ltree', [building.orgPath])
      .select('t.id', 't.name', 't.target', 't.kind', 't.color')
      .orderBy([{ column: 't.target' }, { column: 't.org_path' }, { column: 't.id' }]) as Promise<Omit<FloorPlanTag, 'rooms'>[]>,
    floorPlanTagRows(db, actor, buildingId),
  ]);
  const known = new Set(tagDefs.map((t) => t.id));
  const tagsOfHousehold = new Map<number, Set<number>>();
  for (const r of tagRows) {
    if (!known.has(r.tag_id)) continue;
    const set = tagsOfHousehold.get(r.household_id) ?? new Set<number>();
    set.add(r.tag_id);
    tagsOfHousehold.set(r.household_id, set);
  }
  const byHouse = new Map<number, FloorPlanHouse['households']>();
  for (const hh of hhs) {
    const list = byHouse.get(hh.house_id) ?? [];
    list.push({
      id: hh.id,
      householdNo: hh.household_no,
      headName: hh.head_name,
      memberCount: hh.member_count,
      tagIds: [...(tagsOfHousehold.get(hh.id) ?? [])].sort((a, b) => a - b),
    });
    byHouse.set(hh.house_id, list);
  }
  const roomsWithTag = new Map<number, number>();
  const units = new Map<number, Map<number, FloorPlanHouse[]>>();
  for (const h of houses) {
    const floors = units.get(h.unit_no) ?? new Map<number, FloorPlanHouse[]>();
    units.set(h.unit_no, floors);
    const cells = floors.get(h.floor) ?? [];
    floors.set(h.floor, cells);
    const households = byHouse.get(h.id) ?? [];
    const tagIds = [...new Set(households.flatMap((x) => x.tagIds))].sort((a, b) => a - b);
    for (const id of tagIds) roomsWithTag.set(id, (roomsWithTag.get(id) ?? 0) + 1);
    cells.push({
      id: h.id,
      roomNo: h.room_no,
      type: h.type,
      area: h.area === null ? null : Number(h.area),
      use: h.use,
      status: h.status,
      households,
      residentCount: households.reduce((s, x) => s + x.memberCount, 0),
      tagIds,
    });
  }
  return {
    building,
    units: [...units.entries()].map(([unitNo, floors]) => ({
      unitNo,
      floors: [...floors.entries()].map(([floor, cells]) => ({ floor, houses: cells })),
    })),
    tags: tagDefs.map((t) => ({ ...t, rooms: roomsWithTag.get(t.id) ?? 0 })),
  };
}

export const HOUSE_SORTS = {
  path: ['h.org_path', 'h.id'],
  id: ['h.id'],
  room: ['h.building_id', 'h.unit_no', 'h.floor', 'h.room_no'],
} as const;

export interface HouseListParams extends PageParams {
  sort?: keyof typeof HOUSE_SORTS;
  id?: number;
  orgPath?: string;
  gridId?: number;
  buildingId?: number;
  type?: string;
  status?: string;
}

export interface HouseListRow {
  id: number;
  buildingId: number;
  buildingName: string;
  unitNo: number;
  floor: number;
  roomNo: string;
  type: string;
  area: number | null;
  use: string;
  status: string;
  propertyRight: string | null;
  ownerName: string | null;
  gridId: number;
  orgPath: string;
  householdCount: number;
}

function housesFiltered(db: Db, actor: Actor, p: HouseListParams) {
  const q = db('houses as h');
  scopeAndNarrow(q, actor, 'h.org_path', 'read', p.orgPath);
  if (p.id !== undefined) q.where('h.id', p.id);
  if (p.gridId !== undefined) q.where('h.grid_id', p.gridId);
  if (p.buildingId !== undefined) q.where('h.building_id', p.buildingId);
  if (p.type) q.where('h.type', p.type);
  if (p.status) q.where('h.status', p.status);
  return q;
}

export async function listHouses(db: Db, actor: Actor, params: HouseListParams = {}): Promise<Page<HouseListRow>> {
  const { page, pageSize, offset } = pageWindow(params);
  const sortCols = HOUSE_SORTS[params.sort ?? 'path'] ?? HOUSE_SORTS.path;
  const rowsQ = housesFiltered(db, actor, params)
    .join('buildings as b', 'b.id', 'h.building_id')
    .select(
      'h.id',
      'h.building_id as buildingId',
      'b.name as buildingName',
      'h.unit_no as unitNo',
      'h.floor',
      'h.room_no as roomNo',
      'h.type',
      db.raw('h.area::float8 AS area'),
      'h.use',
      'h.status',
      'h.property_right as propertyRight',
      'h.owner_name as ownerName',
      'h.grid_id as gridId',
      db.raw('h.org_path::text AS "orgPath"'),
      db.raw('(SELECT count(*) FROM households hh WHERE hh.house_id = h.id)::int AS "householdCount"'),
    )
    .orderBy(sortCols.map((c) => ({ column: c, order: orderOf(params) })))
    .limit(pageSize)
    .offset(offset);
  const [rows, counted] = await Promise.all([
    rowsQ as Promise<HouseListRow[]>,
    housesFiltered(db, actor, params).count<{ n: number }[]>({ n: '*' }),
  ]);
  return { rows, total: Number(counted[0]?.n ?? 0), page, pageSize };
}

/** One house; undefined when absent or out of scope. */
export async function getHouse(db: Db, actor: Actor, id: number): Promise<HouseListRow | undefined> {
  const { rows } = await listHouses(db, actor, { id, pageSize: 1 });
  return rows[0];
}
