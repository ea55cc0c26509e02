/**
 * The list-page contract of the API (`?q=&orgId=&page=&pageSize=&sort=` → `{items,total,page,pageSize}`)
 * as one hook: search text, paging and sort live here, the scope-tree filter is applied, and a
 * newer request always wins over a slower older one.
 */
import type { TablePaginationConfig, TableProps } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Query } from '../../shared/http';
import { useOrgFilter } from '../layout/org-filter';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ListParams {
  q?: string;
  orgId?: string;
  page: number;
  pageSize: number;
  sort?: string;
}

/** `name` ascending, `-name` descending: the API's sort convention. */
export function sortParam(field: string | undefined, order: 'ascend' | 'descend' | null | undefined): string | undefined {
  if (!field || !order) return undefined;
  return order === 'descend' ? `-${field}` : field;
}

/**
 * `filters`: the page's own filters (status, tags …), sent with every request; a change starts
 * again at page 1. Compared by value, so callers may pass a fresh object each render.
 */
export function usePagedList<T>(fetchPage: (p: ListParams & Query) => Promise<Page<T>>, filters: Query = {}) {
  const { selected } = useOrgFilter();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [sort, setSort] = useState<string | undefined>();
  const [data, setData] = useState<Page<T> | null>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  const orgId = selected?.id;
  const filterKey = JSON.stringify(filters);

  // A new org, search or filter starts again at page 1.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on filter change only
  useEffect(() => setPage(1), [orgId, q, filterKey]);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const r = await fetchPage({ ...(JSON.parse(filterKey) as Query), q: q || undefined, orgId, page, pageSize, sort });
      if (mine === seq.current) setData(r);
    } catch {
      if (mine === seq.current) setData((d) => d ?? { items: [], total: 0, page, pageSize });
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [fetchPage, filterKey, q, orgId, page, pageSize, sort]);

  useEffect(() => {
    void load();
  }, [load]);

  const onTableChange: TableProps<T>['onChange'] = (pg: TablePaginationConfig, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const field = s && typeof s.field === 'string' ? s.field : Array.isArray(s?.field) ? s.field.join('.') : undefined;
    setSort(sortParam(field, s?.order));
    if (pg.pageSize && pg.pageSize !== pageSize) {
      setPageSize(pg.pageSize);
      setPage(1);
    } else setPage(pg.current ?? 1);
  };

  const pagination: TablePaginationConfig = {
    current: page,
    pageSize,
    total: data?.total ?? 0,
    showSizeChanger: true,
    pageSizeOptions: [10, 20, 50, 100],
    showTotal: (t) => `共 ${t} 条`,
  };

  return { q, setQ, data, loading, pagination, onTableChange, reload: load, orgName: selected?.name };
}
