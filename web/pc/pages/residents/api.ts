/** 实有人口 API (G-3). ID numbers and phones arrive masked; `unmask` is audited server-side. */
import { http, type Query } from '../../../shared/http';
import type { ListParams, Page } from '../../list/usePagedList';

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

export interface ResidentDetail extends ResidentListItem {
  household?: HouseholdRef | null;
  house?: HouseRef | null;
  building?: BuildingRef | null;
  grid?: GridRef;
  tags?: unknown[];
  version?: number;
  updatedAt?: string;
  /** City → … → grid, for the breadcrumb. */
  orgChain?: { id: number | string; name: string; type: string; path: string }[];
  [key: string]: unknown;
}

export interface ResidentVersion {
  version: number;
  changedAt: string;
  changedBy: string | number | { id?: number | string; displayName?: string; username?: string } | null;
  changedByName?: string | null;
  reason?: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
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
export const fetchResidentVersions = (id: string) => http.get<ResidentVersion[]>(`/residents/${encodeURIComponent(id)}/versions`);
export const unmaskResident = (id: string) =>
  http.post<{ idNumber: string; phone: string; emergencyContactPhone?: string | null }>(`/residents/${encodeURIComponent(id)}/unmask`);
