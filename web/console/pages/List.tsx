/**
 * 流程实例列表: filters (type, status, org, overdue, deadline range, search attributes), sortable
 * columns, counts by type and status, and the user's saved filters (常用筛选).
 */
import {
  App,
  Badge,
  Button,
  Card,
  DatePicker,
  Dropdown,
  Form,
  Input,
  Modal,
  Segmented,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { http } from '../../shared/http';
import { Link } from '../../shared/router';
import {
  deleteFilter,
  fetchProcesses,
  fetchSavedFilters,
  fmt,
  type ListFilter,
  type ProcessList,
  type ProcessRow,
  type SavedFilter,
  STAGES,
  saveFilter,
} from '../api';

interface OrgNode {
  id: number | string;
  name: string;
  path: string;
  childCount: number;
}
interface TreeNode {
  id: string;
  pId?: string;
  value: string;
  title: string;
  isLeaf: boolean;
}

const toNode =
  (pId?: string) =>
  (o: OrgNode): TreeNode => ({ id: String(o.id), pId, value: o.path, title: o.name, isLeaf: o.childCount === 0 });

const STATUS_COLORS: Record<string, string> = {
  RUNNING: 'processing',
  COMPLETED: 'success',
  FAILED: 'error',
  CANCELLED: 'warning',
  TERMINATED: 'error',
  TIMED_OUT: 'error',
};

export default function ListPage() {
  const { message } = App.useApp();
  const [filter, setFilter] = useState<ListFilter>({ status: 'running', page: '1', pageSize: '20' });
  const [data, setData] = useState<ProcessList | null>(null);
  const [loading, setLoading] = useState(false);
  const [saved, setSaved] = useState<SavedFilter[]>([]);
  const [saving, setSaving] = useState(false);
  const [saveName, setSaveName] = useState('');
  const [orgTree, setOrgTree] = useState<TreeNode[]>([]);
  const [form] = Form.useForm();

  // Only the answer to the newest request is shown: an older filter's answer that arrives late is dropped.
  const requestSeq = useRef(0);
  const load = useCallback(async () => {
    const mine = ++requestSeq.current;
    setLoading(true);
    try {
      const page = await fetchProcesses(filter);
      if (mine === requestSeq.current) setData(page);
    } catch {
      // the HTTP wrapper has shown the message
    } finally {
      if (mine === requestSeq.current) setLoading(false);
    }
  }, [filter]);

  useEffect(() => {
    void load();
  }, [load]);

  const loadSaved = useCallback(async () => setSaved((await fetchSavedFilters()).items), []);
  useEffect(() => {
    void loadSaved();
    http
      .get<OrgNode[]>('/orgs/tree')
      .then((roots) => setOrgTree(roots.map(toNode())))
      .catch(() => undefined);
  }, [loadSaved]);

  async function loadOrgChildren(node: object) {
    const raw = (node as { id?: unknown }).id;
    const pid = raw === undefined ? undefined : String(raw);
    if (!pid) return;
    const kids = await http.get<OrgNode[]>('/orgs/tree', { parentId: pid });
    setOrgTree((t) => [...t, ...kids.map(toNode(pid)).filter((k) => !t.some((x) => x.id === k.id))]);
  }

  /** Form fields → query (dates as YYYY-MM-DD). */
  function apply(values: Record<string, unknown>) {
    const range = values.deadline as [Dayjs, Dayjs] | undefined;
    const next: ListFilter = {
      type: filter.type,
      status: filter.status,
      sort: filter.sort,
      order: filter.order,
      pageSize: filter.pageSize,
      page: '1',
    };
    for (const k of ['org', 'overdue', 'stage', 'bizId', 'escalation', 'q'] as const) {
      const v = values[k];
      if (v !== undefined && v !== null && v !== '') next[k] = String(v);
    }
    if (range?.[0]) next.deadlineFrom = range[0].format('YYYY-MM-DD');
    if (range?.[1]) next.deadlineTo = range[1].format('YYYY-MM-DD');
    setFilter(next);
  }

  function applySaved(s: SavedFilter) {
    const f = s.filter;
    form.setFieldsValue({
      org: f.org,
      overdue: f.overdue,
      stage: f.stage,
      bizId: f.bizId,
      escalation: f.escalation,
      q: f.q,
      deadline:
        f.deadlineFrom || f.deadlineTo
          ? [f.deadlineFrom ? dayjs(f.deadlineFrom) : null, f.deadlineTo ? dayjs(f.deadlineTo) : null]
          : undefined,
    });
    setFilter({ ...f, page: '1', pageSize: filter.pageSize ?? '20' });
    message.success(`已应用筛选“${s.name}”`);
  }

  async function doSave() {
    const { page: _p, pageSize: _s, ...rest } = filter;
    const clean = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
    try {
      await saveFilter(saveName.trim(), clean);
      message.success('已保存为常用筛选');
      setSaving(false);
      setSaveName('');
      await loadSaved();
    } catch (err) {
      message.error((err as Error).message);
    }
  }

  const sortOrder = (key: string) => (filter.sort === key ? (filter.order === 'asc' ? 'ascend' : 'descend') : null);

  const columns: TableColumnsType<ProcessRow> = [
    {
      title: '流程编号',
      dataIndex: 'workflowId',
      ellipsis: true,
      render: (v: string) => <Link to={`/console/workflows/${encodeURIComponent(v)}`}>{v}</Link>,
    },
    { title: '类型', dataIndex: 'typeLabel', key: 'type', width: 100, sorter: true, sortOrder: sortOrder('type') },
    { title: '业务编号', dataIndex: 'bizId', width: 140, ellipsis: true, render: (v: string | null) => v ?? '—' },
    { title: '所属区域', dataIndex: 'orgName', width: 160, ellipsis: true, render: (v: string | null, r) => v ?? r.orgPath ?? '—' },
    {
      title: '当前环节',
      dataIndex: 'stageLabel',
      key: 'stage',
      width: 140,
      ellipsis: true,
      sorter: true,
      sortOrder: sortOrder('stage'),
      render: (v: string | null, r) => (r.status === 'RUNNING' ? (v ?? '—') : (v ?? '—')),
    },
    {
      title: '办理时限',
      dataIndex: 'deadlineAt',
      key: 'deadline',
      width: 210,
      sorter: true,
      sortOrder: sortOrder('deadline'),
      render: (v: string | null, r) => (
        <Space size={4}>
          <span>{fmt(v)}</span>
          {r.overdue ? <Tag color="error">超期</Tag> : null}
          {r.escalationLevel > 0 ? <Tag color="warning">督办{r.escalationLevel}级</Tag> : null}
        </Space>
      ),
    },
    {
      title: '状态',
      dataIndex: 'statusLabel',
      key: 'status',
      width: 90,
      sorter: true,
      sortOrder: sortOrder('status'),
      render: (v: string, r) => <Tag color={STATUS_COLORS[r.status] ?? 'default'}>{v}</Tag>,
    },
    {
      title: '启动时间',
      dataIndex: 'startTime',
      key: 'startTime',
      width: 150,
      sorter: true,
      sortOrder: filter.sort === undefined ? 'descend' : sortOrder('startTime'),
      render: fmt,
    },
    {
      title: '结束时间',
      dataIndex: 'closeTime',
      key: 'closeTime',
      width: 150,
      sorter: true,
      sortOrder: sortOrder('closeTime'),
      render: fmt,
    },
  ];

  /** The list holds one status choice at a time, so only the chosen segment carries a count. */
  const shown = (data?.counts.byStatus ?? []).reduce((n, x) => n + x.count, 0);
  const badge = (v: string) =>
    (filter.status ?? 'all') === v ? <Badge count={shown} showZero size="small" color="#3b5f86" overflowCount={9999} /> : null;
  const typeTotal = (data?.counts.byType ?? []).reduce((n, x) => n + x.count, 0);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="console-list">
      <Card size="small" className="wc-filters">
        <Form form={form} layout="inline" onFinish={apply} className="wc-filter-form">
          <Form.Item name="org" label="所属区域">
            <TreeSelect
              style={{ width: 200 }}
              treeDataSimpleMode
              treeData={orgTree}
              loadData={loadOrgChildren}
              allowClear
              placeholder="全部（本人范围）"
            />
          </Form.Item>
          <Form.Item name="overdue" label="是否超期">
            <Select
              style={{ width: 120 }}
              allowClear
              placeholder="全部"
              data-testid="filter-overdue"
              options={[
                { value: 'true', label: '超期' },
                { value: 'false', label: '未超期' },
              ]}
            />
          </Form.Item>
          <Form.Item name="deadline" label="办理时限">
            <DatePicker.RangePicker style={{ width: 240 }} allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item name="stage" label="当前环节">
            <Select
              style={{ width: 130 }}
              allowClear
              placeholder="全部"
              options={Object.entries(STAGES).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          <Form.Item name="escalation" label="督办层级">
            <Select
              style={{ width: 100 }}
              allowClear
              placeholder="全部"
              options={[0, 1, 2, 3].map((n) => ({ value: String(n), label: n === 0 ? '未督办' : `${n} 级` }))}
            />
          </Form.Item>
          <Form.Item name="bizId" label="业务编号">
            <Input style={{ width: 150 }} allowClear />
          </Form.Item>
          <Form.Item name="q" label="关键词">
            <Input style={{ width: 170 }} placeholder="流程编号 / 任务名称" allowClear />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" data-testid="filter-submit">
                查询
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  setFilter({ status: 'running', page: '1', pageSize: filter.pageSize ?? '20' });
                }}
              >
                重置
              </Button>
              <Dropdown
                menu={{
                  items: saved.length
                    ? saved.map((s) => ({
                        key: String(s.id),
                        label: (
                          <Space style={{ width: 200, justifyContent: 'space-between' }}>
                            <span>{s.name}</span>
                            <Typography.Link
                              type="danger"
                              onClick={(e) => {
                                e.stopPropagation();
                                void deleteFilter(s.id).then(loadSaved);
                              }}
                            >
                              删除
                            </Typography.Link>
                          </Space>
                        ),
                        onClick: () => applySaved(s),
                      }))
                    : [{ key: 'none', label: '还没有常用筛选', disabled: true }],
                }}
              >
                <Button>常用筛选</Button>
              </Dropdown>
              <Button onClick={() => setSaving(true)}>保存筛选</Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <Card
        size="small"
        title={
          <Segmented
            value={filter.status ?? 'all'}
            onChange={(v) => setFilter({ ...filter, status: v === 'all' ? undefined : String(v), page: '1' })}
            options={[
              {
                value: 'running',
                label: <span>运行中 {badge('running')}</span>,
              },
              {
                value: 'closed',
                label: <span>已结束 {badge('closed')}</span>,
              },
              {
                value: 'all',
                label: <span>全部 {badge('all')}</span>,
              },
            ]}
          />
        }
        extra={
          <Space size={6} wrap>
            <Tag.CheckableTag checked={!filter.type} onChange={() => setFilter({ ...filter, type: undefined, page: '1' })}>
              全部类型 {typeTotal}
            </Tag.CheckableTag>
            {(data?.counts.byType ?? []).map((t) => (
              <Tag.CheckableTag
                key={t.type}
                checked={filter.type === t.type}
                onChange={() => setFilter({ ...filter, type: t.type, page: '1' })}
              >
                {t.label} {t.count}
              </Tag.CheckableTag>
            ))}
          </Space>
        }
      >
        {data?.truncated ? (
          <Typography.Paragraph type="warning" style={{ marginBottom: 8 }}>
            仅在最近启动的 {data.window} 个流程实例中筛选，请缩小启动时间或检索属性范围以查看更早的流程。
          </Typography.Paragraph>
        ) : null}
        <Table<ProcessRow>
          rowKey="workflowId"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          locale={{ emptyText: '没有符合条件的流程实例' }}
          scroll={{ x: 1180 }}
          onChange={(p, _f, sorter) => {
            const s = Array.isArray(sorter) ? sorter[0] : sorter;
            const key = s?.order ? String(s.columnKey ?? '') : undefined;
            setFilter({
              ...filter,
              page: String(p.current ?? 1),
              pageSize: String(p.pageSize ?? 20),
              sort: key || undefined,
              order: key ? (s.order === 'ascend' ? 'asc' : 'desc') : undefined,
            });
          }}
          pagination={{
            current: Number(filter.page ?? 1),
            pageSize: Number(filter.pageSize ?? 20),
            total: data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (n) => `共 ${n} 个流程实例`,
          }}
          rowClassName={(r) => (r.overdue && r.status === 'RUNNING' ? 'wc-row-over' : '')}
        />
        {data ? (
          <Typography.Text type="secondary" className="wc-now">
            统计时间 {fmt(data.now)}，超期与剩余时限按此时间计算
          </Typography.Text>
        ) : null}
      </Card>
      <Modal
        open={saving}
        title="保存为常用筛选"
        okText="保存"
        cancelText="取消"
        okButtonProps={{ disabled: !saveName.trim() }}
        onOk={() => void doSave()}
        onCancel={() => setSaving(false)}
      >
        <Input placeholder="例如：本区超期事件" maxLength={50} value={saveName} onChange={(e) => setSaveName(e.target.value)} />
      </Modal>
    </Space>
  );
}
