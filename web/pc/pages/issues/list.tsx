/**
 * 问题列表: the issues of my level by tab — 待办 (a task I can take), 办理中, 已超期, 督办中,
 * 已归档, 全部 — with counts, search, category and source filters, paging.
 */
import { Badge, Card, Input, Select, Space, Tabs, TreeSelect } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type CategoryNode, type IssuePage, type IssueTab, issuesApi } from './api';
import IssuesNav from './components/IssuesNav';
import IssueTable from './components/IssueTable';
import './issues.css';

const TABS: { key: IssueTab; label: string }[] = [
  { key: 'todo', label: '待办' },
  { key: 'in_progress', label: '办理中' },
  { key: 'overdue', label: '已超期' },
  { key: 'supervised', label: '督办中' },
  { key: 'archived', label: '已归档' },
  { key: 'all', label: '全部' },
];

interface CategoryOption {
  value: string;
  title: string;
  children?: CategoryOption[];
}

export const categoryOptions = (nodes: CategoryNode[]): CategoryOption[] =>
  nodes.map((n) => ({ value: n.code, title: n.name, children: n.children.length ? categoryOptions(n.children) : undefined }));

export default function IssueListPage() {
  const initialTab = (new URLSearchParams(window.location.search).get('tab') as IssueTab | null) ?? 'todo';
  const [tab, setTab] = useState<IssueTab>(TABS.some((t) => t.key === initialTab) ? initialTab : 'todo');
  const [q, setQ] = useState('');
  const [categoryCode, setCategoryCode] = useState<string | undefined>();
  const [source, setSource] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [data, setData] = useState<IssuePage | null>(null);
  const [counts, setCounts] = useState<Partial<Record<IssueTab, number>>>({});
  const [categories, setCategories] = useState<CategoryNode[]>([]);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    const filter = { q: q || undefined, categoryCode, source };
    try {
      const [r, ...c] = await Promise.all([
        issuesApi.list({ ...filter, tab, page, pageSize }),
        ...TABS.map((t) => issuesApi.list({ ...filter, tab: t.key, page: 1, pageSize: 1 })),
      ]);
      if (mine !== seq.current) return;
      setData(r);
      setCounts(Object.fromEntries(TABS.map((t, i) => [t.key, c[i].total])));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [tab, q, categoryCode, source, page, pageSize]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    issuesApi.categories().then(setCategories, () => undefined);
  }, []);

  return (
    <div className="is-page">
      <div className="page-head">
        <IssuesNav active="/issues" />
      </div>
      <Card className="is-card" title="问题处置" data-testid="issue-list">
        <Tabs
          activeKey={tab}
          onChange={(k) => {
            setTab(k as IssueTab);
            setPage(1);
            window.history.replaceState(null, '', `/issues?tab=${k}`);
          }}
          items={TABS.map((t) => ({
            key: t.key,
            label: (
              <span className="is-tab" data-testid={`tab-${t.key}`}>
                {t.label}
                <Badge
                  count={counts[t.key] ?? 0}
                  showZero
                  overflowCount={9999}
                  size="small"
                  color={t.key === 'overdue' && counts.overdue ? '#a8554f' : counts[t.key] ? '#3b5f86' : '#3a424d'}
                />
              </span>
            ),
          }))}
        />
        <Space wrap size={12} className="is-filters">
          <Input.Search
            allowClear
            placeholder="标题或编号"
            style={{ width: 240 }}
            onSearch={(v) => {
              setQ(v.trim());
              setPage(1);
            }}
          />
          <TreeSelect
            allowClear
            placeholder="问题类别"
            style={{ width: 200 }}
            treeData={categoryOptions(categories)}
            value={categoryCode}
            onChange={(v) => {
              setCategoryCode(v);
              setPage(1);
            }}
          />
          <Select
            allowClear
            placeholder="来源"
            style={{ width: 150 }}
            value={source}
            onChange={(v) => {
              setSource(v);
              setPage(1);
            }}
            options={[
              { value: 'grid', label: '网格员发现' },
              { value: 'resident', label: '居民反映' },
              { value: 'lead', label: '巡查微线索' },
            ]}
          />
        </Space>
        <IssueTable
          items={data?.items ?? []}
          loading={loading}
          empty={tab === 'todo' ? '暂无待办问题' : '暂无问题'}
          pagination={{
            current: page,
            pageSize,
            total: data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (n) => `共 ${n} 件`,
            onChange: (p, s) => {
              setPage(p);
              setPageSize(s);
            },
          }}
        />
      </Card>
    </div>
  );
}
