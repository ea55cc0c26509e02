/** 居民户 API (G-2): a household on a house, with its members. */
import { http, type Query } from '../../../shared/http';
import type { ListParams, Page } from '../../list/usePagedList';
import type { ElementTag } from '../elements/api';
import type { BuildingRef, GridRef, HouseRef, ResidentListItem } from '../residents/api';

export { houseLabel } from '../residents/api';

export interface HouseholdListItem {
  id: number | string;
  householdNo?: string;
  headName?: string;
  memberCount?: number;
  address?: string;
  type?: string;
  tags?: ElementTag[];
  gridName?: string;
  grid?: GridRef;
  residenceKind?: string | null;
  coverageWorkerName?: string | null;
  buildingName?: string;
  room?: string;
}

export interface HouseholdDetail extends HouseholdListItem {
  members: ResidentListItem[];
  house?: HouseRef | null;
  building?: BuildingRef | null;
  [key: string]: unknown;
}

export const fetchHouseholds = (p: ListParams & Query) => http.get<Page<HouseholdListItem>>('/households', p);
export const fetchHousehold = (id: string) => http.get<HouseholdDetail>(`/households/${encodeURIComponent(id)}`);
