/**
 * 标签管理 (T-1, T-2, T-4, T-7): the catalogue tree with the tags the user can see, definition
 * form (every T-1 field; a computed tag's rule in the visual rule editor with 试算), the tag log and
 * daily change counts by update type.
 */
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Badge,
  Button,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  message,
  Select,
  Space,
  Switch,
  Table,
  type TableColumnsType,
  Tabs,
  Tag,
  Tree,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { describeRule, isRuleTarget, problemText, type Rule, validateRule } from '../../../../../forms/tags/rule';
import { ApiRequestError, fieldErrors } from '../../../../shared/http';
import { Link } from '../../../../shared/router';
import { useSession } from '../../../session';
import {
  type Catalogue,
  createTag,
  type DailyStat,
  fetchCatalogue,
  fetchDaily,
  fetchTagLog,
  recomputeTag,
  type TagDef,
  type TagLogRow,
  updateTag,
} from '../api';
import DailyChart from './components/DailyChart';
import LineFeedModal from './components/LineFeedModal';
import RuleEditor from './components/RuleEditor';

const KIND_COLORS: Record<string, string> = { manual: 'green', computed: 'blue', line: 'purple' };

interface FormValues {
  code: string;
  name: string;
  description?: string;
  definition?: string;
  categoryId?: number;
  target: string;
  kind: string;
  tagType?: string;
  reminderDays?: number;
  definingOrgId: number;
  departmentId?: number;
  rule?: unknown;
  feedUrl?: string;
  active: boolean;
  effective?: [Dayjs | null, Dayjs | null];
}

function TagForm({ cat, editing, onDone }: { cat: Catalogue; editing: TagDef | null | 'new'; onDone: (changed: boolean) => void }) {
  const { me } = useSession();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const kind = Form.useWatch('kind', form);
  const target = Form.useWatch('target', form);
  const definingOrgId = Form.useWatch('definingOrgId', form);
  const open = editing !== null;
  const myOrgId = me?.org.id;

  // Filled when the dialog opens, not on every session refresh (that would wipe what the user typed).
  useEffect(() => {
    if (!open) return;
    setError(null);
    if (editing === 'new')
      form.setFieldsValue({ kind: 'manual', target: 'resident', active: true, definingOrgId: myOrgId as number, code: '', name: '' });
    else if (editing)
      form.setFieldsValue({
        ...editing,
        description: editing.description ?? undefined,
        definition: editing.definition ?? undefined,
        categoryId: editing.categoryId ?? undefined,
        tagType: editing.tagType ?? undefined,
        reminderDays: editing.reminderDays ?? undefined,
        departmentId: editing.departmentId ?? undefined,
        feedUrl: editing.feedUrl ?? undefined,
        rule: editing.rule ?? undefined,
        effective: [editing.effectiveFrom ? dayjs(editing.effectiveFrom) : null, editing.effectiveTo ? dayjs(editing.effectiveTo) : null],
      });
  }, [open, editing, form, myOrgId]);

  const submit = async () => {
    const v = await form.validateFields();
    const rule: unknown = v.kind === 'computed' ? (v.rule ?? null) : null;
    const body = {
      code: v.code,
      name: v.name,
      description: v.description || null,
      definition: v.definition || null,
      categoryId: v.categoryId ?? null,
      target: v.target,
      kind: v.kind,
      tagType: v.tagType || null,
      reminderDays: v.reminderDays ?? null,
      definingOrgId: v.definingOrgId,
      departmentId: v.kind === 'line' ? (v.departmentId ?? null) : null,
      rule,
      feedUrl: v.kind === 'line' ? v.feedUrl || null : null,
      active: v.active,
      effectiveFrom: v.effective?.[0]?.format('YYYY-MM-DD') ?? null,
      effectiveTo: v.effective?.[1]?.format('YYYY-MM-DD') ?? null,
    };
    setSaving(true);
    try {
      if (editing === 'new') await createTag(body);
      else if (editing) await updateTag(editing.id, body);
      message.success('标签已保存');
      onDone(true);
    } catch (e) {
      const fe = fieldErrors(e);
      form.setFields(Object.entries(fe).map(([name, msg]) => ({ name: name as keyof FormValues, errors: [msg] })));
      setError(e instanceof ApiRequestError ? e.message : '保存失败，请稍后重试');
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      title={editing === 'new' ? '新建标签' : '修改标签'}
      open={open}
      onCancel={() => onDone(false)}
      onOk={submit}
      confirmLoading={saving}
      width={860}
      okText="保存"
    >
      {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} /> : null}
      <Form
        form={form}
        layout="vertical"
        requiredMark
        onValuesChange={(changed) => {
          // Fields differ per target: a new target starts a new rule.
          if ('target' in changed) form.setFieldValue('rule', undefined);
        }}
      >
        <Space.Compact block>
          <Form.Item
            name="code"
            label="标签编码"
            rules={[{ required: true, pattern: /^[A-Za-z0-9_]{2,40}$/, message: '2～40 位字母、数字或下划线' }]}
            style={{ width: '40%' }}
          >
            <Input placeholder="如 C01_KEY_HOUSEHOLD" />
          </Form.Item>
          <Form.Item name="name" label="标签名称" rules={[{ required: true, message: '请填写标签名称' }]} style={{ width: '60%' }}>
            <Input maxLength={50} />
          </Form.Item>
        </Space.Compact>
        <Space.Compact block>
          <Form.Item name="target" label="标签对象" rules={[{ required: true }]} style={{ width: '34%' }}>
            <Select options={Object.entries(cat.labels.targets).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="kind" label="标签类型" rules={[{ required: true }]} style={{ width: '33%' }}>
            <Select options={Object.entries(cat.labels.kinds).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="categoryId" label="所属目录" style={{ width: '33%' }}>
            <Select allowClear options={cat.categories.map((c) => ({ value: c.id, label: c.name }))} />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="definition" label="标签定义">
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Form.Item name="description" label="标签说明">
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Space.Compact block>
          <Form.Item
            name="definingOrgId"
            label="定义单位（编号）"
            rules={[{ required: true }]}
            extra={`默认本单位：${me?.org.name ?? ''}`}
            style={{ width: '34%' }}
          >
            <InputNumber min={1} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="tagType" label="标签分类" style={{ width: '33%' }}>
            <Input placeholder="基础标签 / 走访标签 / 重点人群" />
          </Form.Item>
          <Form.Item name="reminderDays" label="提醒周期（天）" style={{ width: '33%' }}>
            <InputNumber min={1} max={3650} style={{ width: '100%' }} />
          </Form.Item>
        </Space.Compact>
        <Space>
          <Form.Item name="effective" label="有效期">
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item name="active" label="启用" valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        {kind === 'computed' && typeof target === 'string' && isRuleTarget(target) ? (
          <Form.Item
            name="rule"
            label="计算规则"
            rules={[
              {
                validator: async (_, value) => {
                  const problems = validateRule(target, value);
                  if (problems.length) throw new Error(problemText(problems[0]));
                },
              },
            ]}
            extra="条件可组合为“全部满足 / 任一满足”的条件组，可嵌套、可取反；保存前可先试算"
          >
            <RuleEditor target={target} definingOrgId={typeof definingOrgId === 'number' ? definingOrgId : undefined} />
          </Form.Item>
        ) : null}
        {kind === 'computed' && target === 'visit' ? (
          <Alert type="warning" showIcon message="走访标签不能设为计算标签，请选择其他标签对象" />
        ) : null}
        {kind === 'line' ? (
          <Space.Compact block>
            <Form.Item
              name="departmentId"
              label="所属部门"
              rules={[{ required: true, message: '条线标签须指定部门' }]}
              style={{ width: '34%' }}
            >
              <Select
                showSearch
                optionFilterProp="label"
                placeholder="选择职能部门"
                options={cat.departments.map((d) => ({ value: d.id, label: d.name }))}
                data-testid="tag-department"
              />
            </Form.Item>
            <Form.Item name="feedUrl" label="部门数据接口地址（可选）" style={{ width: '66%' }}>
              <Input placeholder="https://…" />
            </Form.Item>
          </Space.Compact>
        ) : null}
      </Form>
    </Modal>
  );
}

function TagLog({ cat }: { cat: Catalogue }) {
  const [page, setPage] = useState(1);
  const [updateType, setUpdateType] = useState<string | undefined>();
  const [data, setData] = useState<{ items: TagLogRow[]; total: number }>({ items: [], total: 0 });
  const [daily, setDaily] = useState<DailyStat[]>([]);
  useEffect(() => {
    fetchTagLog({ page, pageSize: 20, updateType })
      .then(setData)
      .catch(() => undefined);
  }, [page, updateType]);
  const range = useMemo(() => ({ from: dayjs().subtract(29, 'day').format('YYYY-MM-DD'), to: dayjs().format('YYYY-MM-DD') }), []);
  useEffect(() => {
    fetchDaily(range.from, range.to)
      .then(setDaily)
      .catch(() => undefined);
  }, [range]);
  return (
    <>
      <Typography.Title level={5}>近 30 天每日变更（按更新方式）</Typography.Title>
      <DailyChart daily={daily} from={range.from} to={range.to} />
      <Table<DailyStat>
        rowKey="day"
        size="small"
        pagination={false}
        dataSource={[...daily].reverse()}
        columns={[
          { title: '日期', dataIndex: 'day' },
          { title: '手动', dataIndex: 'manual' },
          { title: '自动计算', dataIndex: 'auto' },
          { title: '条线推送', dataIndex: 'line' },
          { title: '新增', dataIndex: 'added' },
          { title: '移除', dataIndex: 'removed' },
        ]}
        style={{ marginBottom: 24 }}
      />
      <Space style={{ marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          标签日志
        </Typography.Title>
        <Select
          allowClear
          placeholder="更新方式"
          style={{ width: 140 }}
          value={updateType}
          onChange={(v) => {
            setUpdateType(v);
            setPage(1);
          }}
          options={Object.entries(cat.labels.updateTypes).map(([value, label]) => ({ value, label }))}
        />
      </Space>
      <Table<TagLogRow>
        rowKey="id"
        size="small"
        dataSource={data.items}
        pagination={{ current: page, total: data.total, pageSize: 20, onChange: setPage, showTotal: (n) => `共 ${n} 条` }}
        columns={[
          { title: '时间', dataIndex: 'at', width: 170 },
          { title: '标签', dataIndex: 'tagName', width: 120 },
          {
            title: '对象',
            key: 'el',
            width: 200,
            render: (_: unknown, r) => (
              <Link to={`/tags/element/${r.elementType}/${r.elementId}`}>
                {cat.labels.targets[r.elementType] ?? r.elementType} {r.elementName ?? `#${r.elementId}`}
              </Link>
            ),
          },
          { title: '方式', dataIndex: 'updateType', width: 100, render: (v: string) => cat.labels.updateTypes[v] ?? v },
          { title: '变更前', dataIndex: 'before', width: 80, render: (v: boolean) => (v ? '有' : '无') },
          { title: '变更后', dataIndex: 'after', width: 80, render: (v: boolean) => (v ? '有' : '无') },
          { title: '操作人', dataIndex: 'operatorName', width: 120 },
          { title: '备注', dataIndex: 'note', ellipsis: true },
        ]}
      />
    </>
  );
}

export default function TagDefinitionsPage() {
  const { me } = useSession();
  const canDefine = (me?.permissions ?? []).includes('tag.define');
  const canFeed = (me?.permissions ?? []).includes('tag.feed');
  const [feeding, setFeeding] = useState<TagDef | null>(null);
  const [cat, setCat] = useState<Catalogue | null>(null);
  const [categoryId, setCategoryId] = useState<number | null>(null);
  const [editing, setEditing] = useState<TagDef | null | 'new'>(null);
  const load = useCallback(() => {
    fetchCatalogue()
      .then(setCat)
      .catch(() => undefined);
  }, []);
  useEffect(load, [load]);

  const tags = useMemo(() => (cat?.tags ?? []).filter((t) => categoryId === null || t.categoryId === categoryId), [cat, categoryId]);
  const columns: TableColumnsType<TagDef> = [
    {
      title: '标签名称',
      dataIndex: 'name',
      width: 140,
      render: (v: string, r) => <Typography.Text strong={r.active}>{v}</Typography.Text>,
    },
    { title: '对象', dataIndex: 'target', width: 90, render: (v: string) => cat?.labels.targets[v] ?? v },
    { title: '类型', dataIndex: 'kind', width: 100, render: (v: string) => <Tag color={KIND_COLORS[v]}>{cat?.labels.kinds[v] ?? v}</Tag> },
    { title: '层级', dataIndex: 'level', width: 80, render: (v: string) => cat?.labels.levels[v] ?? v },
    { title: '定义单位', dataIndex: 'definingOrgName', width: 160, ellipsis: true },
    { title: '提醒周期', dataIndex: 'reminderDays', width: 90, render: (v: number | null) => (v ? `${v} 天` : '—') },
    { title: '辖区内数量', dataIndex: 'count', width: 100 },
    {
      title: '状态',
      dataIndex: 'active',
      width: 80,
      render: (v: boolean) => (v ? <Badge status="success" text="启用" /> : <Badge status="default" text="停用" />),
    },
    {
      title: '说明 / 计算规则',
      key: 'description',
      ellipsis: true,
      render: (_: unknown, r) =>
        r.kind === 'computed' && r.rule && isRuleTarget(r.target) && validateRule(r.target, r.rule).length === 0 ? (
          <span title={r.description ?? undefined}>规则：{describeRule(r.target, r.rule as Rule)}</span>
        ) : (
          r.description
        ),
    },
    {
      title: '操作',
      key: 'op',
      width: 150,
      render: (_: unknown, r) =>
        canDefine || (canFeed && r.kind === 'line') ? (
          <Space size={4}>
            {canDefine ? (
              <Button type="link" size="small" onClick={() => setEditing(r)}>
                修改
              </Button>
            ) : null}
            {canFeed && r.kind === 'line' ? (
              <Button type="link" size="small" onClick={() => setFeeding(r)} data-testid={`feed-${r.code}`}>
                数据更新
              </Button>
            ) : null}
            {r.kind === 'computed' ? (
              <Button
                type="link"
                size="small"
                icon={<ReloadOutlined />}
                onClick={async () => {
                  const x = await recomputeTag(r.id);
                  message.success(`已重新计算：新增 ${x.added}，移除 ${x.removed}`);
                  load();
                }}
              >
                计算
              </Button>
            ) : null}
          </Space>
        ) : null,
    },
  ];

  return (
    <div className="page-card">
      <div className="page-head">
        <Typography.Title level={4}>标签管理</Typography.Title>
        {canDefine ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            新建标签
          </Button>
        ) : null}
      </div>
      <Tabs
        items={[
          {
            key: 'defs',
            label: '标签目录',
            children: (
              <div style={{ display: 'flex', gap: 16 }}>
                <div style={{ width: 180, flex: 'none' }}>
                  <Tree
                    blockNode
                    defaultExpandAll
                    selectedKeys={[categoryId === null ? 'all' : String(categoryId)]}
                    onSelect={(keys) => setCategoryId(keys[0] === 'all' || keys.length === 0 ? null : Number(keys[0]))}
                    treeData={[
                      {
                        key: 'all',
                        title: `全部标签（${cat?.tags.length ?? 0}）`,
                        children: (cat?.categories ?? []).map((c) => ({
                          key: String(c.id),
                          title: `${c.name}（${cat?.tags.filter((t) => t.categoryId === c.id).length ?? 0}）`,
                        })),
                      },
                    ]}
                  />
                </div>
                <Table<TagDef>
                  style={{ flex: 1, minWidth: 0 }}
                  rowKey="id"
                  size="middle"
                  columns={columns}
                  dataSource={tags}
                  pagination={{ pageSize: 20 }}
                  scroll={{ x: 1100 }}
                />
              </div>
            ),
          },
          { key: 'log', label: '标签日志与统计', children: cat ? <TagLog cat={cat} /> : null },
        ]}
      />
      {cat ? (
        <TagForm
          cat={cat}
          editing={editing}
          onDone={(changed) => {
            setEditing(null);
            if (changed) load();
          }}
        />
      ) : null}
      {feeding ? <LineFeedModal tag={feeding} onClose={() => setFeeding(null)} onDone={load} /> : null}
    </div>
  );
}
