/**
 * Paging and sorting conventions of every list endpoint: `?page=1&pageSize=20` (max 100),
 * `sort=field` or `sort=-field`; responses `{ items, total, page, pageSize }`.
 */
import { errors, type FieldError } from '../errors';

export const MAX_PAGE_SIZE = 100;

/** Query-string schema with the paging keys plus the route's own string filters. */
export function listQuery(filters: Record<string, Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      page: { type: 'string', title: '页码', pattern: '^[1-9][0-9]{0,6}$' },
      pageSize: { type: 'string', title: '每页条数', pattern: '^[1-9][0-9]{0,2}$' },
      sort: { type: 'string', title: '排序', pattern: '^-?[A-Za-z][A-Za-z0-9]{0,40}$' },
      ...filters,
    },
  };
}

export const idFilter = (title: string) => ({ type: 'string', title, pattern: '^[1-9][0-9]{0,9}$' });
export const textFilter = (title: string, maxLength = 50) => ({ type: 'string', title, maxLength });

export interface Paging {
  page: number;
  pageSize: number;
  sort?: { field: string; desc: boolean };
}

export function parsePaging(q: { page?: string; pageSize?: string; sort?: string }, sortFields: readonly string[]): Paging {
  const fields: FieldError[] = [];
  const page = q.page ? Number(q.page) : 1;
  const pageSize = q.pageSize ? Number(q.pageSize) : 20;
  if (pageSize > MAX_PAGE_SIZE) fields.push({ field: 'pageSize', message: `每页条数：不能超过 ${MAX_PAGE_SIZE}，请调小后重试` });
  let sort: Paging['sort'];
  if (q.sort) {
    const desc = q.sort.startsWith('-');
    const field = desc ? q.sort.slice(1) : q.sort;
    if (!sortFields.includes(field)) fields.push({ field: 'sort', message: `排序：只能按 ${sortFields.join('、')} 排序` });
    else sort = { field, desc };
  }
  if (fields.length) throw errors.validation(fields);
  return { page, pageSize, sort };
}

/** A positive integer path parameter, or a Chinese 400 naming it. */
export function idParam(params: Record<string, string>, name = 'id'): number {
  const v = params[name];
  if (!/^[1-9][0-9]{0,9}$/.test(v ?? '') || Number(v) > 2_147_483_647) throw errors.badRequest('编号格式不正确，请检查链接', name);
  return Number(v);
}

export function listResponse<T>(items: T[], total: number, p: Paging) {
  return { items, total, page: p.page, pageSize: p.pageSize };
}
