/** 实有人口 list: search by name / ID number / phone, paging, sort, filtered by the scope tree. */
import { PlusOutlined } from '@ant-design/icons';
import { Button, Input, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, navigate } from '../../../../shared/router';
import TagFilter, { emptyTagFilter, tagQuery } from '../../../list/TagFilter';
import { usePagedList } from '../../../list/usePagedList';
import { useSession } from '../../../session';
import ElementTags from '../../elements/components/ElementTags';
import { fetchResidents, type ResidentListItem } from '../api';

const columns: TableColumnsType<ResidentListItem> = [
  {
    title: '姓名',
    dataIndex: 'name',
    sorter: true,
    width: 120,
    ellipsis: true,
    fixed: 'left',
    render: (v: string, r) => <Link to={`/residents/${r.id}`}>{v}</Link>,
  },
  { title: '性别', dataIndex: 'gender', width: 60 },
  { title: '出生日期', dataIndex: 'birthDate', sorter: true, width: 116 },
  { title: '民族', dataIndex: 'ethnicity', width: 84, ellipsis: true },
  { title: '公民身份号码', dataIndex: 'idNumber', width: 176, render: (v?: string) => <span className="mono">{v ?? '—'}</span> },
  { title: '联系电话', dataIndex: 'phone', width: 130, render: (v?: string) => <span className="mono">{v ?? '—'}</span> },
  {
    title: '人户状态',
    dataIndex: 'registrationStatus',
    width: 96,
    render: (v?: string) => (v ? <Tag variant="filled">{v}</Tag> : '—'),
  },
  { title: '标签', dataIndex: 'tags', width: 200, render: (v: ResidentListItem['tags']) => <ElementTags tags={v} /> },
  { title: '所属网格', key: 'grid', ellipsis: true, render: (_: unknown, r) => r.gridName ?? r.grid?.name ?? '—' },
];

export default function ResidentListPage() {
  const { access } = useSession();
  const [tags, setTags] = useState(emptyTagFilter);
  const list = usePagedList(fetchResidents, tagQuery(tags));
  return (
    <div className="page-card">
      <div className="page-head">
        <Typography.Title level={4}>实有人口{list.orgName ? <span className="page-scope"> · {list.orgName}</span> : null}</Typography.Title>
        <Space wrap>
          <TagFilter target="resident" value={tags} onChange={setTags} />
          <Input.Search
            allowClear
            placeholder="姓名 / 完整身份证号 / 手机号"
            style={{ width: 300, maxWidth: '100%' }}
            onSearch={(v) => list.setQ(v.trim())}
            enterButton="查询"
          />
          {access.canEditElements ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/residents/new')}>
              新增居民
            </Button>
          ) : null}
        </Space>
      </div>
      <Table<ResidentListItem>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.loading}
        pagination={list.pagination}
        onChange={list.onTableChange}
        scroll={{ x: 1100 }}
        locale={{ emptyText: '没有符合条件的居民' }}
      />
    </div>
  );
}
