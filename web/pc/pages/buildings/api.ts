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
export const fetchFloorPlan = (id: string) => http.get<FloorPlan>(`/buildings/${encodeURIComponent(id)}/floor-plan`);
