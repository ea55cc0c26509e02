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
}

export interface FloorPlanRoom {
  houseId: number | string;
  room: string;
  status: string | null;
  households: FloorPlanHousehold[];
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
}

export const fetchBuildings = (p: ListParams & Query) => http.get<Page<BuildingListItem>>('/buildings', p);
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
  households?: { id: number | string; headName?: string | null; memberCount?: number }[];
}
interface WirePlan {
  building: BuildingDetail;
  units: {
    unit?: number | string;
    unitNo?: number | string;
    floors: { floor: number | string; rooms?: WireRoom[]; houses?: WireRoom[] }[];
  }[];
}

export function normalizeFloorPlan(w: WirePlan): FloorPlan {
  return {
    building: w.building,
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
          })),
        })),
      })),
    })),
  };
}

export const fetchFloorPlan = async (id: string) =>
  normalizeFloorPlan(await http.get<WirePlan>(`/buildings/${encodeURIComponent(id)}/floor-plan`));
