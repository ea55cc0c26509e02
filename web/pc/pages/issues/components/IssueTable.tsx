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
}: {
  items: IssueListItem[];
  loading?: boolean;
  pagination?: TablePaginationConfig | false;
  empty?: string;
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
          <Typography.Text type="secondary" className="is-no">
            <span className="mono">{r.issueNo}</span> · {SOURCE_LABELS[r.source] ?? r.source} ·{' '}
            {COMPLEXITY_LABELS[r.complexity] ?? r.complexity}
          </Typography.Text>
        </div>
      ),
    },
    { title: '类别', dataIndex: 'categoryName', width: 110, ellipsis: true, render: (v: string | null) => v ?? '未分类' },
    { title: '环节', dataIndex: 'step', width: 116, render: (v: string) => <StepTag step={v} /> },
    { title: '承办单位', dataIndex: 'holderName', width: 150, ellipsis: true, render: (v: string | null, r) => v ?? r.gridName },
    {
      title: '办理时限',
      dataIndex: 'handlingDeadline',
      width: 140,
      render: (v: string | null, r) => <span className={r.overdue ? 'is-over' : undefined}>{v ? fmtDateTime(v) : '—'}</span>,
    },
    {
      title: '状态',
      key: 'flags',
      width: 150,
      render: (_: unknown, r) => <IssueFlags issue={r} />,
    },
    { title: '上报时间', dataIndex: 'createdAt', width: 140, render: (v: string) => fmtDateTime(v) },
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
      scroll={{ x: 1000 }}
      data-testid="issue-table"
    />
  );
}
