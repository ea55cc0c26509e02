/** 居民户 list: search by head name / household number, paging, sort, filtered by the scope tree. */
import { Input, Space, Table, type TableColumnsType, Typography } from 'antd';
import { useState } from 'react';
import { Link } from '../../../../shared/router';
import TagFilter, { emptyTagFilter, tagQuery } from '../../../list/TagFilter';
import { usePagedList } from '../../../list/usePagedList';
import ElementTags from '../../elements/components/ElementTags';
import { fetchHouseholds, type HouseholdListItem } from '../api';

const columns: TableColumnsType<HouseholdListItem> = [
  {
    title: '户编号',
    dataIndex: 'householdNo',
    width: 200,
    sorter: true,
    render: (v: string | undefined, r) => (
      <Link to={`/households/${r.id}`} className="mono">
        {v ?? r.id}
      </Link>
    ),
  },
  { title: '户主', dataIndex: 'headName', width: 130, ellipsis: true },
  { title: '人数', dataIndex: 'memberCount', width: 76, sorter: true },
  {
    title: '住址',
    key: 'address',
    ellipsis: true,
    render: (_: unknown, r) => r.address ?? ([r.buildingName, r.room].filter(Boolean).join(' ') || '—'),
  },
  { title: '标签', dataIndex: 'tags', width: 200, render: (v: HouseholdListItem['tags']) => <ElementTags tags={v} /> },
  {
    title: '包户网格员',
    dataIndex: 'coverageWorkerName',
    width: 110,
    render: (v?: string | null) => v ?? <span className="muted">未包户</span>,
  },
  { title: '所属网格', key: 'grid', width: 150, ellipsis: true, render: (_: unknown, r) => r.gridName ?? r.grid?.name ?? '—' },
];

export default function HouseholdListPage() {
  const [tags, setTags] = useState(emptyTagFilter);
  const list = usePagedList(fetchHouseholds, tagQuery(tags));
  return (
    <div className="page-card">
      <div className="page-head">
        <Typography.Title level={4}>居民户{list.orgName ? <span className="page-scope"> · {list.orgName}</span> : null}</Typography.Title>
        <Space wrap>
          <TagFilter target="household" value={tags} onChange={setTags} />
          <Input.Search
            allowClear
            placeholder="户编号（可输入开头部分）"
            style={{ width: 300, maxWidth: '100%' }}
            onSearch={(v) => list.setQ(v.trim())}
            enterButton="查询"
          />
        </Space>
      </div>
      <Table<HouseholdListItem>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.loading}
        pagination={list.pagination}
        onChange={list.onTableChange}
        scroll={{ x: 1100 }}
        locale={{ emptyText: '没有符合条件的居民户' }}
      />
    </div>
  );
}
