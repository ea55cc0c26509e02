/** 标签 API (T-1..T-7) as the tag pages use it. */
import { http, request } from '../../../shared/http';

export type TagTarget = 'resident' | 'household' | 'visit' | 'building' | 'merchant' | 'enterprise' | 'institution' | 'facility';
export type TagKind = 'manual' | 'computed' | 'line';

export interface TagDef {
  id: number;
  code: string;
  name: string;
  description: string | null;
  definition: string | null;
  categoryId: number | null;
  categoryName: string | null;
  target: TagTarget;
  level: string;
  kind: TagKind;
  tagType: string | null;
  reminderDays: number | null;
  definingOrgId: number;
  definingOrgName: string;
  orgPath: string;
  departmentId: number | null;
  departmentName: string | null;
  rule: unknown;
  feedUrl: string | null;
  active: boolean;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  definedAt: string;
  count?: number;
}

export interface CategoryNode {
  id: number;
  name: string;
  parentId: number | null;
  children: CategoryNode[];
}

export interface RuleField {
  key: string;
  label: string;
  kind: string;
  options: string[] | null;
}

export interface Catalogue {
  categories: CategoryNode[];
  tags: TagDef[];
  /** 职能部门 a line tag can belong to. */
  departments: { id: number; name: string }[];
  labels: {
    targets: Record<string, string>;
    kinds: Record<string, string>;
    levels: Record<string, string>;
    updateTypes: Record<string, string>;
  };
  ruleFields: Record<string, RuleField[]>;
}

export type TagExpr = { tag: number } | { and: TagExpr[] } | { or: TagExpr[] } | { not: TagExpr };

export interface SearchRow {
  elementType: string;
  elementId: number;
  name: string;
  gridName: string;
  orgPath: string;
  tags: string[];
}

export interface SearchResult {
  counts: { elementType: string; label: string; count: number }[];
  elementType: string | null;
  total: number;
  page: number;
  pageSize: number;
  rows: SearchRow[];
}

export interface TagLogRow {
  id: number;
  at: string;
  tagName: string;
  elementType: string;
  elementId: number;
  elementName: string | null;
  updateType: string;
  action: string;
  before: boolean;
  after: boolean;
  operatorName: string | null;
  note: string | null;
}

export interface DailyStat {
  day: string;
  manual: number;
  auto: number;
  line: number;
  added: number;
  removed: number;
}

export interface RulePreview {
  count: number;
  sample: { id: number; name: string; gridName: string }[];
}

export const fetchCatalogue = () => http.get<Catalogue>('/tags/catalogue');
export const createTag = (body: Record<string, unknown>) => request<TagDef>('POST', '/tags', { body, quiet: true });
export const updateTag = (id: number, body: Record<string, unknown>) => request<TagDef>('PUT', `/tags/${id}`, { body, quiet: true });
/** 试算: matches of a rule in the caller's scope (and the defining unit); read-only. */
export const previewRule = (body: { target: string; rule: unknown; definingOrgId: number | null }) =>
  request<RulePreview>('POST', '/tags/rules/preview', { body, quiet: true });
export const recomputeTag = (id: number) => http.post<{ added: number; removed: number }>(`/tags/${id}/recompute`);
export const searchTags = (body: { expr: TagExpr; elementType?: string; orgId?: number; page: number; pageSize: number }) =>
  request<SearchResult>('POST', '/tags/search', { body, quiet: true });
export const fetchTagLog = (q: {
  page: number;
  pageSize: number;
  tagId?: number;
  updateType?: string;
  elementType?: string;
  elementId?: number;
}) => http.get<{ items: TagLogRow[]; total: number }>('/tags/log', q);
export const fetchDaily = (from: string, to: string) => http.get<DailyStat[]>('/tags/log/daily', { from, to });

/** POSTs JSON and saves the xlsx the server answers with. */
export async function downloadPost(path: string, body: unknown, fileName: string): Promise<void> {
  const res = await fetch(`/api${path}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error('导出失败，请稍后重试');
  saveBlob(await res.blob(), fileName);
}

export async function downloadGet(path: string, fileName: string): Promise<void> {
  const res = await fetch(`/api${path}`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error('下载失败，请稍后重试');
  saveBlob(await res.blob(), fileName);
}

export function saveBlob(blob: Blob, fileName: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

export interface ElementTag {
  tagId: number;
  name: string;
  kind: TagKind;
  target: TagTarget;
  source: string;
  color: string | null;
  taggedAt: string;
}
export const fetchElementTags = (type: string, id: number) =>
  http.get<{ name: string; tags: ElementTag[] }>(`/elements/${type}/${id}/tags`);
/** 手动打标签 / 取消 (T-3) on one element; refusals come back in `refused` with a Chinese reason. */
export const setElementTag = (tagId: number, elementType: string, elementId: number, on: boolean, note?: string) =>
  request<{ changed: number; refused: { reason: string }[] }>('POST', `/tags/${tagId}/elements`, {
    body: { elementType, elementIds: [elementId], on, ...(note ? { note } : {}) },
    quiet: true,
  });
