/** 实有人口 API (G-3). ID numbers and phones arrive masked; `unmask` is audited server-side. */
import { http, type Query } from '../../../shared/http';
import type { ListParams, Page } from '../../list/usePagedList';
import type { ElementTag } from '../elements/api';
import type { VersionEntry } from './detail/components/VersionHistory';

export interface GridRef {
  id: number | string;
  code?: string;
  name: string;
}

export interface ResidentListItem {
  id: number | string;
  name: string;
  gender?: string;
  birthDate?: string;
  age?: number;
  ethnicity?: string;
  idNumber?: string;
  phone?: string;
  relationToHead?: string;
  residenceType?: string;
  registrationStatus?: string;
  dynamicStatus?: string;
  householdId?: number | string;
  /** The resident's tags (list rows). */
  tags?: ElementTag[];
  gridName?: string;
  grid?: GridRef;
  address?: string;
}

export interface HouseholdRef {
  id: number | string;
  headName?: string;
  householdNo?: string;
  memberCount?: number;
  tags?: string[];
}

export interface HouseRef {
  id: number | string;
  unit?: string | number;
  unitNo?: string | number;
  floor?: string | number;
  room?: string;
  roomNo?: string;
  type?: string;
  use?: string;
  usage?: string;
  area?: number;
  status?: string;
  address?: string;
}

export interface BuildingRef {
  id: number | string;
  name: string;
  number?: string;
  address?: string;
  type?: string;
}

/** The detail's tags live in the 标签 card (GET /elements/resident/:id/tags), not here. */
export interface ResidentDetail extends Omit<ResidentListItem, 'tags'> {
  household?: HouseholdRef | null;
  house?: HouseRef | null;
  building?: BuildingRef | null;
  grid?: GridRef;
  version?: number;
  updatedAt?: string;
  /** City → … → grid, for the breadcrumb. */
  orgChain?: { id: number | string; name: string; type: string; path: string }[];
  [key: string]: unknown;
}

/** "3单元 502室" from whatever parts the house has. */
export function houseLabel(h: HouseRef | null | undefined): string {
  if (!h) return '—';
  const unit = h.unitNo ?? h.unit;
  const room = h.roomNo ?? h.room;
  const parts = [unit !== undefined && unit !== null ? `${unit}单元` : '', room ? `${room}室` : ''].filter(Boolean);
  return parts.join(' ') || h.address || '—';
}

export const fetchResidents = (p: ListParams & Query) => http.get<Page<ResidentListItem>>('/residents', p);
export const fetchResident = (id: string) => http.get<ResidentDetail>(`/residents/${encodeURIComponent(id)}`);
export const fetchResidentVersions = (id: string) => http.get<VersionEntry[]>(`/residents/${encodeURIComponent(id)}/versions`);
export const unmaskResident = (id: string) =>
  http.post<{ idNumber: string; phone: string; emergencyContactPhone?: string | null }>(`/residents/${encodeURIComponent(id)}/unmask`);
