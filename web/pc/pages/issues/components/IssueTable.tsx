/** The issue table used by the list, the joint-meeting list and the analysis lists. */
import { Table, type TableColumnsType, type TablePaginationConfig, Typography } from 'antd';
import { Link } from '../../../../shared/router';
import { COMPLEXITY_LABELS, fmtDateTime, type IssueListItem, SOURCE_LABELS } from '../api';
import { IssueFlags, StepTag } from './StepTag';

export default function IssueTable({
  items,
  loading,
  pagination,
  empty = '暂无问题',
  compact,
}: {
  items: IssueListItem[];
  loading?: boolean;
  pagination?: TablePaginationConfig | false;
  empty?: string;
  compact?: boolean;
}) {
  const columns: TableColumnsType<IssueListItem> = [
    {
      title: '问题',
      dataIndex: 'title',
      ellipsis: true,
      render: (v: string, r) => (
        <div className="is-title-cell">
          <Link to={`/issues/${r.issueNo}`} data-testid="issue-link">
            {v}
          </Link>
          <Typography.Text type="secondary" className="mono is-no">
            {r.issueNo}
          </Typography.Text>
        </div>
      ),
    },
    { title: '类别', dataIndex: 'categoryName', width: 120, ellipsis: true, render: (v: string | null) => v ?? '未分类' },
    ...(compact
      ? []
      : [
          { title: '来源', dataIndex: 'source', width: 100, render: (v: string) => SOURCE_LABELS[v] ?? v },
          { title: '类型', dataIndex: 'complexity', width: 90, render: (v: string) => COMPLEXITY_LABELS[v] ?? v },
        ]),
    { title: '环节', dataIndex: 'step', width: 120, render: (v: string) => <StepTag step={v} /> },
    { title: '承办单位', dataIndex: 'holderName', width: 170, ellipsis: true, render: (v: string | null, r) => v ?? r.gridName },
    {
      title: '办理时限',
      dataIndex: 'handlingDeadline',
      width: 150,
      render: (v: string | null, r) => <span className={r.overdue ? 'is-over' : undefined}>{v ? fmtDateTime(v) : '—'}</span>,
    },
    {
      title: '状态',
      key: 'flags',
      width: 170,
      render: (_: unknown, r) => <IssueFlags issue={r} />,
    },
    { title: '上报时间', dataIndex: 'createdAt', width: 150, render: (v: string) => fmtDateTime(v) },
  ];
  return (
    <Table<IssueListItem>
      rowKey="issueNo"
      size="middle"
      loading={loading}
      columns={columns}
      dataSource={items}
      pagination={pagination}
      locale={{ emptyText: empty }}
      scroll={{ x: compact ? 900 : 1100 }}
      data-testid="issue-table"
    />
  );
}
