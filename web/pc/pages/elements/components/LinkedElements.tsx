/** 关联要素: what the element is linked to (building → houses → households → residents, 包户 …), each opening its page. */
import { Empty, Table, Tag } from 'antd';
import { Link } from '../../../../shared/router';
import type { ElementLink } from '../api';
import { linkPath } from '../form-data';

const TYPE_LABELS: Record<string, string> = {
  building: '楼栋',
  house: '房屋',
  household: '居民户',
  resident: '居民',
  merchant: '商户',
  enterprise: '企业',
  institution: '驻区单位',
  facility: '公共设施',
  grid_worker: '网格员',
  grid: '网格',
  user: '登录账号',
};

export default function LinkedElements({ links }: { links: ElementLink[] }) {
  if (!links.length) return <Empty description="暂无关联要素" />;
  return (
    <Table<ElementLink>
      data-testid="element-links"
      rowKey={(l) => `${l.type}-${l.id}-${l.relation ?? ''}`}
      size="small"
      pagination={links.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      dataSource={links}
      columns={[
        {
          title: '类型',
          dataIndex: 'type',
          width: 100,
          render: (t: string) => <Tag variant="filled">{TYPE_LABELS[t] ?? t}</Tag>,
        },
        {
          title: '名称',
          dataIndex: 'name',
          render: (n: string, l) => {
            const text = n || `${TYPE_LABELS[l.type] ?? l.type} ${l.id}`;
            const to = linkPath(l);
            return to ? <Link to={to}>{text}</Link> : text;
          },
        },
        { title: '关系', dataIndex: 'relation', width: 160, render: (r?: string | null) => r ?? '—' },
      ]}
    />
  );
}
