/** The members of one household; used by the household page and the 楼盘表 drawer. */
import { Table, Tag } from 'antd';
import { Link } from '../../../../shared/router';
import type { ResidentListItem } from '../../residents/api';

export default function MemberTable({ members }: { members: ResidentListItem[] }) {
  return (
    <Table<ResidentListItem>
      rowKey="id"
      size="small"
      pagination={false}
      dataSource={members}
      locale={{ emptyText: '该户暂无登记成员' }}
      scroll={{ x: 560 }}
      columns={[
        { title: '姓名', dataIndex: 'name', width: 90, render: (v: string, r) => <Link to={`/residents/${r.id}`}>{v}</Link> },
        {
          title: '与户主关系',
          dataIndex: 'relationToHead',
          width: 96,
          render: (v?: string) =>
            v ? (
              <Tag bordered={false} color={v === '户主' || v === '本人' ? 'blue' : undefined}>
                {v}
              </Tag>
            ) : (
              '—'
            ),
        },
        { title: '性别', dataIndex: 'gender', width: 56 },
        { title: '出生日期', dataIndex: 'birthDate', width: 110 },
        { title: '身份证号', dataIndex: 'idNumber', render: (v?: string) => <span className="mono">{v ?? '—'}</span> },
        { title: '电话', dataIndex: 'phone', width: 120, render: (v?: string) => <span className="mono">{v ?? '—'}</span> },
      ]}
    />
  );
}
