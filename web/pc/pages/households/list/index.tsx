/** 居民户 list: search by head name / household number, paging, sort, filtered by the scope tree. */
import { Input, Table, type TableColumnsType, Typography } from 'antd';
import { Link } from '../../../../shared/router';
import { usePagedList } from '../../../list/usePagedList';
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
  {
    title: '包户网格员',
    dataIndex: 'coverageWorkerName',
    width: 110,
    render: (v?: string | null) => v ?? <span className="muted">未包户</span>,
  },
  { title: '所属网格', key: 'grid', width: 150, ellipsis: true, render: (_: unknown, r) => r.gridName ?? r.grid?.name ?? '—' },
];

export default function HouseholdListPage() {
  const list = usePagedList(fetchHouseholds);
  return (
    <div className="page-card">
      <div className="page-head">
        <Typography.Title level={4}>居民户{list.orgName ? <span className="page-scope"> · {list.orgName}</span> : null}</Typography.Title>
        <Input.Search
          allowClear
          placeholder="户编号"
          style={{ width: 300, maxWidth: '100%' }}
          onSearch={(v) => list.setQ(v.trim())}
          enterButton="查询"
        />
      </div>
      <Table<HouseholdListItem>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.loading}
        pagination={list.pagination}
        onChange={list.onTableChange}
        scroll={{ x: 900 }}
        locale={{ emptyText: '没有符合条件的居民户' }}
      />
    </div>
  );
}
