/**
 * 标签查询 (T-6): pick tags from the catalogue tree or the boxes to include (且), any-of (或) and
 * exclude (非); counts per object type, paged rows, xlsx export.
 */
import { DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, message, Select, Space, Table, type TableColumnsType, Tabs, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { ApiRequestError, http } from '../../../../shared/http';
import { Link } from '../../../../shared/router';
import { useOrgFilter } from '../../../layout/org-filter';
import { useSession } from '../../../session';
import { type Catalogue, downloadPost, fetchCatalogue, type SearchResult, type SearchRow, searchTags, type TagExpr } from '../api';
import CatalogueTree from './CatalogueTree';

/** all: every tag (AND); any: at least one (OR); none: none of them (NOT). */
export function buildExpr(all: number[], any: number[], none: number[]): TagExpr | null {
  const parts: TagExpr[] = all.map((tag) => ({ tag }));
  if (any.length === 1) parts.push({ tag: any[0] });
  else if (any.length > 1) parts.push({ or: any.map((tag) => ({ tag })) });
  for (const tag of none) parts.push({ not: { tag } });
  if (!parts.length) return null;
  return parts.length === 1 ? parts[0] : { and: parts };
}

/** 手动打标签 (T-3): the selected result rows get (or lose) a manual tag of their object type. */
function ManualTagBar({ cat, type, ids, onDone }: { cat: Catalogue; type: string; ids: number[]; onDone: () => void }) {
  const [tagId, setTagId] = useState<number | undefined>();
  // 户标签 and 走访标签 both go on 居民户 (G-2).
  const manual = cat.tags.filter(
    (t) => t.kind === 'manual' && (t.target === type || (t.target === 'visit' && type === 'household')) && t.active,
  );
  if (!ids.length) return null;
  const apply = async (on: boolean) => {
    try {
      const r = await http.post<{ changed: number; refused: { reason: string }[] }>(`/tags/${tagId}/elements`, {
        elementType: type,
        elementIds: ids,
        on,
      });
      message.success(
        `已${on ? '打上' : '取消'} ${r.changed} 项${r.refused.length ? `；${r.refused.length} 项未处理：${r.refused[0].reason}` : ''}`,
      );
      onDone();
    } catch (e) {
      if (!(e instanceof ApiRequestError)) message.error('操作失败，请稍后重试');
    }
  };
  return (
    <Space style={{ marginBottom: 12 }} wrap>
      <Typography.Text>已选 {ids.length} 项</Typography.Text>
      <Select
        placeholder={manual.length ? '选择手动标签' : '没有可用的手动标签'}
        style={{ width: 220 }}
        value={tagId}
        onChange={setTagId}
        options={manual.map((t) => ({ value: t.id, label: t.target === 'visit' ? `${t.name}（走访标签）` : t.name }))}
      />
      <Button disabled={!tagId} onClick={() => apply(true)}>
        打标签
      </Button>
      <Button disabled={!tagId} onClick={() => apply(false)}>
        取消标签
      </Button>
    </Space>
  );
}

export default function TagSearchPage() {
  const { selected } = useOrgFilter();
  const { me } = useSession();
  const canAssign = (me?.permissions ?? []).includes('tag.assign');
  const [picked, setPicked] = useState<number[]>([]);
  const [reload, setReload] = useState(0);
  const [cat, setCat] = useState<Catalogue | null>(null);
  const [all, setAll] = useState<number[]>([]);
  const [any, setAny] = useState<number[]>([]);
  const [none, setNone] = useState<number[]>([]);
  const [type, setType] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [submitted, setSubmitted] = useState<TagExpr | null>(null);

  useEffect(() => {
    fetchCatalogue()
      .then(setCat)
      .catch(() => undefined);
  }, []);

  const options = useMemo(
    () =>
      (cat?.tags ?? []).map((t) => ({
        value: t.id,
        label: `${t.name}（${cat?.labels.targets[t.target] ?? t.target}·${cat?.labels.kinds[t.kind] ?? ''}）`,
      })),
    [cat],
  );

  const orgId = selected ? Number(selected.id) : undefined;
  useEffect(() => {
    if (!submitted) return;
    void reload;
    setPicked([]);
    let live = true;
    setLoading(true);
    searchTags({ expr: submitted, elementType: type, orgId, page, pageSize })
      .then((r) => {
        if (!live) return;
        setResult(r);
        setError(null);
        if (!type && r.elementType) setType(r.elementType);
      })
      .catch((e) => live && setError(e instanceof ApiRequestError ? e.message : '查询失败，请稍后重试'))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [submitted, type, orgId, page, pageSize, reload]);

  const run = () => {
    const expr = buildExpr(all, any, none);
    if (!expr) {
      setError('请至少选择一个标签');
      return;
    }
    setType(undefined);
    setPage(1);
    setSubmitted(expr);
  };

  const doExport = async () => {
    if (!submitted) return;
    setExporting(true);
    try {
      await downloadPost('/tags/search/export', { expr: submitted, orgId }, '标签查询结果.xlsx');
      message.success('已导出');
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setExporting(false);
    }
  };

  const columns: TableColumnsType<SearchRow> = [
    { title: '编号', dataIndex: 'elementId', width: 90 },
    {
      title: '名称',
      dataIndex: 'name',
      width: 220,
      ellipsis: true,
      render: (v: string, r) => (
        <Link to={`/tags/element/${r.elementType}/${r.elementId}`} title="标签档案：标签与变更记录">
          {v}
        </Link>
      ),
    },
    { title: '所属网格', dataIndex: 'gridName', width: 200, ellipsis: true },
    {
      title: '标签',
      dataIndex: 'tags',
      render: (tags: string[]) => (
        <Space size={[4, 4]} wrap>
          {tags.map((t) => (
            <Tag key={t} variant="filled" color="blue">
              {t}
            </Tag>
          ))}
        </Space>
      ),
    },
  ];

  return (
    <div className="page-card">
      <div className="page-head">
        <Typography.Title level={4}>标签查询{selected ? <span className="page-scope"> · {selected.name}</span> : null}</Typography.Title>
      </div>
      <Card size="small" style={{ marginBottom: 16 }}>
        <div style={{ display: 'flex', gap: 24, alignItems: 'flex-start' }}>
          {cat ? (
            <div style={{ width: 280, flex: 'none' }}>
              <CatalogueTree
                cat={cat}
                onPick={(id, bucket) => {
                  // A tag sits in one part of the expression only: picking it again moves it.
                  const put = (xs: number[], mine: boolean) => (mine ? [...xs.filter((x) => x !== id), id] : xs.filter((x) => x !== id));
                  setAll((xs) => put(xs, bucket === 'all'));
                  setAny((xs) => put(xs, bucket === 'any'));
                  setNone((xs) => put(xs, bucket === 'none'));
                }}
              />
            </div>
          ) : null}
          <Form layout="vertical" style={{ flex: 1, minWidth: 0 }}>
            {(
              [
                ['同时具有（且）', all, setAll, 'tags-all'],
                ['具有其一（或）', any, setAny, 'tags-any'],
                ['不具有（非）', none, setNone, 'tags-none'],
              ] as const
            ).map(([label, value, onChange, testId]) => (
              <Form.Item key={testId} label={label} style={{ marginBottom: 8 }}>
                <Select
                  mode="multiple"
                  allowClear
                  showSearch
                  optionFilterProp="label"
                  options={options}
                  value={value}
                  onChange={onChange}
                  placeholder="选择标签"
                  data-testid={testId}
                />
              </Form.Item>
            ))}
            <Space>
              <Button type="primary" icon={<SearchOutlined />} onClick={run} loading={loading}>
                查询
              </Button>
              <Button icon={<DownloadOutlined />} onClick={doExport} disabled={!submitted || !result} loading={exporting}>
                导出 Excel
              </Button>
            </Space>
          </Form>
        </div>
      </Card>
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} /> : null}
      {result ? (
        <>
          <Tabs
            activeKey={type ?? result.elementType ?? undefined}
            onChange={(k) => {
              setType(k);
              setPage(1);
            }}
            items={result.counts.map((c) => ({
              key: c.elementType,
              label: <span data-testid={`count-${c.elementType}`}>{`${c.label}（${c.count}）`}</span>,
            }))}
          />
          {canAssign && cat && result.elementType ? (
            <ManualTagBar cat={cat} type={type ?? result.elementType} ids={picked} onDone={() => setReload((n) => n + 1)} />
          ) : null}
          <Table<SearchRow>
            rowKey={(r) => `${r.elementType}-${r.elementId}`}
            rowSelection={
              canAssign
                ? {
                    selectedRowKeys: picked.map((id) => `${type ?? result.elementType}-${id}`),
                    onChange: (_k, rows) => setPicked(rows.map((r) => r.elementId)),
                  }
                : undefined
            }
            size="middle"
            columns={columns}
            dataSource={result.rows}
            loading={loading}
            pagination={{
              current: page,
              pageSize,
              total: result.total,
              showSizeChanger: true,
              showTotal: (n) => `共 ${n} 条`,
              onChange: (p, s) => {
                setPage(p);
                setPageSize(s);
              },
            }}
            locale={{ emptyText: '没有符合条件的对象' }}
          />
        </>
      ) : null}
    </div>
  );
}
