/** 楼栋 list: search, tag filter, paging, sort, filtered by the scope tree; each row opens the 楼盘表. */
import { Input, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from '../../../../shared/router';
import TagFilter, { emptyTagFilter, tagQuery } from '../../../list/TagFilter';
import { usePagedList } from '../../../list/usePagedList';
import { type BuildingListItem, fetchBuildings } from '../api';

const columns: TableColumnsType<BuildingListItem> = [
  { title: '楼栋名称', dataIndex: 'name', sorter: true, width: 180, render: (v: string, r) => <Link to={`/buildings/${r.id}`}>{v}</Link> },
  { title: '类型', dataIndex: 'type', width: 100, render: (v?: string) => (v ? <Tag variant="filled">{v}</Tag> : '—') },
  { title: '地址', dataIndex: 'address', ellipsis: true },
  { title: '单元', dataIndex: 'units', width: 70 },
  { title: '层数', dataIndex: 'floors', width: 70 },
  { title: '房屋', dataIndex: 'houseCount', width: 80 },
  { title: '所属网格', key: 'grid', width: 160, ellipsis: true, render: (_: unknown, r) => r.gridName ?? r.grid?.name ?? '—' },
  { title: '操作', key: 'op', width: 90, render: (_: unknown, r) => <Link to={`/buildings/${r.id}`}>楼盘表</Link> },
];

export default function BuildingListPage() {
  const [tags, setTags] = useState(emptyTagFilter);
  const list = usePagedList(fetchBuildings, tagQuery(tags));
  return (
    <div className="page-card">
      <div className="page-head">
        <Typography.Title level={4}>楼栋房屋{list.orgName ? <span className="page-scope"> · {list.orgName}</span> : null}</Typography.Title>
        <Space wrap>
          <TagFilter target="building" value={tags} onChange={setTags} />
          <Input.Search
            allowClear
            placeholder="楼栋名称 / 地址"
            style={{ width: 300, maxWidth: '100%' }}
            onSearch={(v) => list.setQ(v.trim())}
            enterButton="查询"
          />
        </Space>
      </div>
      <Table<BuildingListItem>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.loading}
        pagination={list.pagination}
        onChange={list.onTableChange}
        scroll={{ x: 900 }}
        locale={{ emptyText: '没有符合条件的楼栋' }}
      />
    </div>
  );
}
