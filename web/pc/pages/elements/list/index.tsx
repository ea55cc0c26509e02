/**
 * The list of one element type (房屋, 商户, 企业, 驻区单位, 公共设施, 网格员): search, status and
 * tag filters, paging, sort, filtered by the scope tree; each row opens the detail page.
 */
import { PlusOutlined } from '@ant-design/icons';
import { Button, Input, Select, Space, Table, type TableColumnsType, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import type { Query } from '../../../../shared/http';
import { Link, navigate } from '../../../../shared/router';
import TagFilter, { emptyTagFilter, tagQuery } from '../../../list/TagFilter';
import { type ListParams, usePagedList } from '../../../list/usePagedList';
import { useSession } from '../../../session';
import { type ElementListItem, type ElementType, fetchElements } from '../api';
import ElementTags from '../components/ElementTags';
import { cellOf, elementTypes, valueText } from '../config';

export default function ElementListPage({ type }: { type: ElementType }) {
  const cfg = elementTypes[type];
  const { access } = useSession();
  const [status, setStatus] = useState<string | undefined>();
  const [tags, setTags] = useState(emptyTagFilter);
  const fetchPage = useCallback((p: ListParams & Query) => fetchElements(type, p), [type]);
  const list = usePagedList(fetchPage, { status, ...(cfg.tagTarget ? tagQuery(tags) : {}) });

  const columns = useMemo<TableColumnsType<ElementListItem>>(
    () => [
      {
        title: type === 'grid_worker' ? '姓名' : `${cfg.label}名称`,
        dataIndex: 'name',
        sorter: true,
        width: 200,
        ellipsis: true,
        fixed: 'left',
        render: (v: string, r) => <Link to={`/elements/${type}/${r.id}`}>{v || `${cfg.label} ${r.id}`}</Link>,
      },
      ...cfg.columns.map((c) => ({
        key: c.key,
        title: c.title,
        width: c.width,
        ellipsis: true,
        render: (_: unknown, r: ElementListItem) => cellOf(cfg, c, r),
      })),
      ...(cfg.tagTarget
        ? [{ key: 'tags', title: '标签', width: 180, render: (_: unknown, r: ElementListItem) => <ElementTags tags={r.tags} /> }]
        : []),
      { key: 'grid', title: '所属网格', width: 150, ellipsis: true, render: (_: unknown, r: ElementListItem) => r.gridName ?? '—' },
    ],
    [cfg, type],
  );

  return (
    <div className="page-card" data-testid={`element-list-${type}`}>
      <div className="page-head">
        <Typography.Title level={4}>
          {cfg.label}
          {list.orgName ? <span className="page-scope"> · {list.orgName}</span> : null}
        </Typography.Title>
        <Space wrap>
          {cfg.statuses ? (
            <Select
              allowClear
              placeholder="状态"
              style={{ width: 110 }}
              value={status}
              onChange={setStatus}
              options={cfg.statuses.map((s) => ({ value: s, label: valueText(cfg, 'status', s) }))}
              data-testid="status-filter"
            />
          ) : null}
          {cfg.tagTarget ? <TagFilter target={cfg.tagTarget} value={tags} onChange={setTags} /> : null}
          <Input.Search
            allowClear
            placeholder={cfg.searchPlaceholder}
            style={{ width: 260, maxWidth: '100%' }}
            onSearch={(v) => list.setQ(v.trim())}
            enterButton="查询"
          />
          {access.canEditElements ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`/elements/${type}/new`)}>
              新增{cfg.label}
            </Button>
          ) : null}
        </Space>
      </div>
      <Table<ElementListItem>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.loading}
        pagination={list.pagination}
        onChange={list.onTableChange}
        scroll={{ x: 1000 }}
        locale={{ emptyText: `没有符合条件的${cfg.label}` }}
      />
    </div>
  );
}
