/**
 * 我的待办 (PC): tasks assigned to me, claimed by me, or claimable by my role in my scope. Tabs by
 * type with counts, filters (到期 / 超期 / the scope tree's org), paging; a task opens in a drawer
 * with its form. After claim, submit or delegate the list and counts reload in place.
 */
import { Badge, Button, Card, Checkbox, Select, Space, Table, type TableColumnsType, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  bizTypeLabel,
  claimTask,
  dueText,
  fetchCounts,
  fetchInbox,
  fmtTime,
  type InboxCounts,
  type InboxPage as InboxResult,
  STATUS_TEXT,
  type TaskView,
} from '../../../shared/forms/tasks-api';
import { useOrgFilter } from '../../layout/org-filter';
import { useSession } from '../../session';
import TaskDrawer from './TaskDrawer';
import './inbox.css';

export default function InboxPage() {
  const { me } = useSession();
  const { selected } = useOrgFilter();
  const [type, setType] = useState('all');
  const [due, setDue] = useState<'today' | 'week' | undefined>();
  const [overdue, setOverdue] = useState(false);
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [data, setData] = useState<InboxResult | null>(null);
  const [counts, setCounts] = useState<InboxCounts | null>(null);
  const [loading, setLoading] = useState(false);
  const [openId, setOpenId] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const seq = useRef(0);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const [r, c] = await Promise.all([
        fetchInbox({
          type: type === 'all' ? undefined : type,
          due,
          overdue: overdue ? 'true' : undefined,
          org: selected?.path,
          page,
          pageSize,
        }),
        fetchCounts(),
      ]);
      if (mine !== seq.current) return;
      setData(r);
      setCounts(c);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [type, due, overdue, selected?.path, page, pageSize]);

  useEffect(() => {
    void load();
  }, [load]);

  async function claim(t: TaskView) {
    try {
      await claimTask(t.id);
      setMessage(null);
      setOpenId(t.id);
    } catch (err) {
      setMessage((err as Error).message);
    }
    void load();
  }

  const columns: TableColumnsType<TaskView> = [
    {
      title: '任务',
      dataIndex: 'title',
      ellipsis: true,
      render: (v: string, t) => (
        <Space size={6}>
          <Typography.Link onClick={() => setOpenId(t.id)}>{v}</Typography.Link>
          {t.overdue ? <Tag color="error">超期</Tag> : null}
        </Space>
      ),
    },
    { title: '类型', dataIndex: 'bizType', width: 90, render: (v: string) => bizTypeLabel(v) },
    { title: '业务编号', dataIndex: 'bizId', width: 150, ellipsis: true, render: (v: string | null) => v ?? '—' },
    {
      title: '办理时限',
      dataIndex: 'dueAt',
      width: 200,
      render: (v: string | null, t) =>
        v ? (
          <span className={t.overdue ? 'ib-over' : undefined}>
            {fmtTime(v)}
            <span className="ib-due">{dueText(v)}</span>
          </span>
        ) : (
          '无时限'
        ),
    },
    {
      title: '状态',
      dataIndex: 'status',
      width: 110,
      render: (_: string, t) =>
        t.assigneeUserId === me?.id ? (
          <Tag color="processing">指派给我</Tag>
        ) : t.status === 'claimed' ? (
          <Tag color="blue">{t.claimedByName ? `${t.claimedByName} 办理中` : '办理中'}</Tag>
        ) : (
          <Tag>{STATUS_TEXT[t.status]}</Tag>
        ),
    },
    {
      title: '操作',
      key: 'op',
      width: 130,
      render: (_: unknown, t) => (
        <Space size={4}>
          {t.status === 'open' && t.assigneeUserId === null ? (
            <Button size="small" type="link" onClick={() => void claim(t)}>
              认领
            </Button>
          ) : null}
          <Button size="small" type="link" onClick={() => setOpenId(t.id)}>
            办理
          </Button>
        </Space>
      ),
    },
  ];

  const tabItems = [{ key: 'all', label: '全部', count: counts?.total ?? 0 }]
    .concat((counts?.byType ?? []).map((b) => ({ key: b.bizType, label: bizTypeLabel(b.bizType), count: b.count })))
    .map((t) => ({
      key: t.key,
      label: (
        <span className="ib-tab">
          {t.label}
          <Badge count={t.count} overflowCount={999} size="small" color={t.count ? '#3b5f86' : '#3a424d'} showZero />
        </span>
      ),
    }));

  return (
    <Card
      className="ib-card"
      title={
        <Space size={12}>
          <span>我的待办</span>
          {counts?.overdue ? <Tag color="error">超期 {counts.overdue} 件</Tag> : null}
        </Space>
      }
      extra={selected ? <Typography.Text type="secondary">范围：{selected.name}</Typography.Text> : null}
    >
      <Tabs
        activeKey={type}
        items={tabItems}
        onChange={(k) => {
          setType(k);
          setPage(1);
        }}
      />
      <Space className="ib-filters" wrap size={12}>
        <Select
          style={{ width: 150 }}
          placeholder="到期时间"
          allowClear
          value={due}
          onChange={(v) => {
            setDue(v);
            setPage(1);
          }}
          options={[
            { value: 'today', label: '今日到期' },
            { value: 'week', label: '7 日内到期' },
          ]}
        />
        <Checkbox
          checked={overdue}
          onChange={(e) => {
            setOverdue(e.target.checked);
            setPage(1);
          }}
        >
          只看超期
        </Checkbox>
        {message ? <Typography.Text type="danger">{message}</Typography.Text> : null}
      </Space>
      <Table<TaskView>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        locale={{ emptyText: '暂无待办任务' }}
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (n) => `共 ${n} 件`,
          onChange: (p, s) => {
            setPage(p);
            setPageSize(s);
          },
        }}
        onRow={(t) => ({ onDoubleClick: () => setOpenId(t.id) })}
      />
      <TaskDrawer
        taskId={openId}
        onClose={() => setOpenId(null)}
        onChanged={() => {
          void load();
        }}
      />
    </Card>
  );
}
