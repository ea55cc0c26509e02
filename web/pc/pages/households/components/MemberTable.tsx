/** The members of one household; used by the household page and the 楼盘表 drawer. */
import { Table, type TableColumnsType, Tag } from 'antd';
import { Link } from '../../../../shared/router';
import type { ResidentListItem } from '../../residents/api';

export default function MemberTable({ members }: { members: ResidentListItem[] }) {
  // Household views list members without ID numbers and phones; show those columns only when sent.
  const has = (k: keyof ResidentListItem) => members.some((m) => m[k] !== undefined && m[k] !== null);
  const columns: TableColumnsType<ResidentListItem> = [
    { title: '姓名', dataIndex: 'name', width: 140, render: (v: string, r) => <Link to={`/residents/${r.id}`}>{v}</Link> },
    {
      title: '与户主关系',
      dataIndex: 'relationToHead',
      width: 100,
      render: (v?: string) =>
        v ? (
          <Tag variant="filled" color={v === '户主' || v === '本人' ? 'blue' : undefined}>
            {v}
          </Tag>
        ) : (
          '—'
        ),
    },
    { title: '性别', dataIndex: 'gender', width: 60 },
    has('age') ? { title: '年龄', dataIndex: 'age', width: 60 } : { title: '出生日期', dataIndex: 'birthDate', width: 110 },
    ...(has('residenceType') ? [{ title: '人口类型', dataIndex: 'residenceType', width: 96 }] : []),
    ...(has('dynamicStatus') ? [{ title: '状态', dataIndex: 'dynamicStatus', width: 72 }] : []),
    ...(has('idNumber')
      ? [{ title: '身份证号', dataIndex: 'idNumber', render: (v?: string) => <span className="mono">{v ?? '—'}</span> }]
      : []),
    ...(has('phone')
      ? [{ title: '电话', dataIndex: 'phone', width: 120, render: (v?: string) => <span className="mono">{v ?? '—'}</span> }]
      : []),
  ];
  return (
    <Table<ResidentListItem>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={members}
      locale={{ emptyText: '该户暂无登记成员' }}
      scroll={{ x: 480 }}
      columns={columns}
    />
  );
}
