/**
 * 网格要素 API (G-1, G-4, G-5) for the element types beyond residents, households and buildings:
 * one contract for every type (`/elements/:type`). Phones arrive masked.
 */
import { http, type Query, request } from '../../../shared/http';
import type { ListParams, Page } from '../../list/usePagedList';
import type { VersionEntry } from '../residents/detail/components/VersionHistory';

/** The element types these pages serve; the API names them the same way. */
export type ElementType = 'house' | 'merchant' | 'enterprise' | 'institution' | 'facility' | 'grid_worker';

export interface ElementTag {
  id: number;
  name: string;
  color?: string | null;
}

export interface ElementListItem {
  id: number;
  name: string;
  gridId?: number;
  gridName?: string;
  tags?: ElementTag[];
  [field: string]: unknown;
}

export interface LonLat {
  lon: number;
  lat: number;
}

/** A related element: a house's building and households, a merchant's building … */
export interface ElementLink {
  type: string;
  id: number | string;
  name: string;
  relation?: string | null;
}

export interface ElementDetail {
  id: number;
  type: ElementType;
  /** Display name (a house: 友谊小区3号楼 2单元302室). */
  name: string;
  version: number;
  fields: Record<string, unknown>;
  grid: { id: number; name: string } | null;
  /** City → … → grid, for the line under the title. */
  orgChain?: { id: number; name: string; type: string }[];
  location: LonLat | null;
  tags: ElementTag[];
  /** 包户: the one full-time worker responsible for the element (G-6). */
  coverage: { workerId: number; workerName: string } | null;
  links: ElementLink[];
}

const base = (type: ElementType) => `/elements/${encodeURIComponent(type)}`;

export const fetchElements = (type: ElementType, p: ListParams & Query) => http.get<Page<ElementListItem>>(base(type), p);
export const fetchElement = (type: ElementType, id: string) => http.get<ElementDetail>(`${base(type)}/${encodeURIComponent(id)}`);
export const fetchElementVersions = async (type: ElementType, id: string) =>
  (await http.get<{ items: VersionEntry[] }>(`${base(type)}/${encodeURIComponent(id)}/versions`)).items;
/** quiet: the form shows the errors at the fields itself. */
export const createElement = (type: ElementType, body: Record<string, unknown>) =>
  request<{ id: number }>('POST', base(type), { body, quiet: true });
export const updateElement = (type: ElementType, id: string, body: Record<string, unknown>) =>
  request<ElementDetail>('PATCH', `${base(type)}/${encodeURIComponent(id)}`, { body, quiet: true });
