/** 楼栋 API (G-1): buildings, and the unit × floor × room grid (楼盘表) of one building. */
import { http, type Query } from '../../../shared/http';
import type { ListParams, Page } from '../../list/usePagedList';
import type { GridRef } from '../residents/api';

export interface BuildingListItem {
  id: number | string;
  name: string;
  code?: string;
  type?: string;
  address?: string;
  floors?: number;
  units?: number;
  houseCount?: number;
  householdCount?: number;
  gridName?: string;
  grid?: GridRef;
}

export interface BuildingDetail extends BuildingListItem {
  [key: string]: unknown;
}

export interface FloorPlanHousehold {
  id: number | string;
  headName: string;
  memberCount: number;
  /** Tags of the household and of its residents. */
  tagIds: number[];
}

export interface FloorPlanRoom {
  houseId: number | string;
  room: string;
  status: string | null;
  households: FloorPlanHousehold[];
  /** Tags carried by a household of the room or by any of its residents. */
  tagIds: number[];
}

/** A household / resident tag that applies to the building, with the rooms carrying it. */
export interface FloorPlanTag {
  id: number;
  name: string;
  target: 'household' | 'resident';
  kind: string;
  color: string | null;
  rooms: number;
}

export interface FloorPlanFloor {
  floor: number | string;
  rooms: FloorPlanRoom[];
}

export interface FloorPlanUnit {
  unit: number | string;
  floors: FloorPlanFloor[];
}

/** 楼盘表 */
export interface FloorPlan {
  building: BuildingDetail;
  units: FloorPlanUnit[];
  tags: FloorPlanTag[];
}

export const fetchBuildings = (p: ListParams & Query & { tagIds?: string; tagMode?: 'all' | 'any' }) =>
  http.get<Page<BuildingListItem>>('/buildings', p);
export const fetchBuilding = (id: string) => http.get<BuildingDetail>(`/buildings/${encodeURIComponent(id)}`);
/**
 * The 楼盘表 as the API sends it. The query layer names cells `houses` with `id`/`roomNo` and
 * units `unitNo`; the route contract says `rooms` with `houseId`/`room` and `unit`. Both are
 * accepted and turned into the one shape the grid draws.
 */
interface WireRoom {
  houseId?: number | string;
  id?: number | string;
  room?: string;
  roomNo?: string;
  status?: string | null;
  households?: { id: number | string; headName?: string | null; memberCount?: number; tagIds?: number[] }[];
  tagIds?: number[];
}
interface WirePlan {
  building: BuildingDetail;
  tags?: FloorPlanTag[];
  units: {
    unit?: number | string;
    unitNo?: number | string;
    floors: { floor: number | string; rooms?: WireRoom[]; houses?: WireRoom[] }[];
  }[];
}

export function normalizeFloorPlan(w: WirePlan): FloorPlan {
  return {
    building: w.building,
    tags: w.tags ?? [],
    units: (w.units ?? []).map((u) => ({
      unit: u.unit ?? u.unitNo ?? '',
      floors: (u.floors ?? []).map((f) => ({
        floor: f.floor,
        rooms: (f.rooms ?? f.houses ?? []).map((r) => ({
          houseId: r.houseId ?? r.id ?? '',
          room: String(r.room ?? r.roomNo ?? ''),
          status: r.status ?? null,
          households: (r.households ?? []).map((h) => ({
            id: h.id,
            headName: h.headName ?? '（未登记户主）',
            memberCount: h.memberCount ?? 0,
            tagIds: h.tagIds ?? [],
          })),
          tagIds: r.tagIds ?? [],
        })),
      })),
    })),
  };
}

export const fetchFloorPlan = async (id: string) =>
  normalizeFloorPlan(await http.get<WirePlan>(`/buildings/${encodeURIComponent(id)}/floor-plan`));
