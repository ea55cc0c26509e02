/** 包户覆盖 (G-6, F-2): rates per district/street/community/grid, the problem list, special persons' 包联 teams. */
import {
  Alert,
  Badge,
  Button,
  Card,
  Col,
  Modal,
  message,
  Progress,
  Radio,
  Row,
  Segmented,
  Select,
  Space,
  Statistic,
  Table,
  Tabs,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { ApiRequestError, http, request } from '../../../shared/http';
import { useOrgFilter } from '../../layout/org-filter';
import { useSession } from '../../session';

interface RateRow {
  orgId: number;
  orgName: string;
  orgPath: string;
  total: number;
  covered: number;
  uncovered: number;
  double: number;
  invalid: number;
  rate: number;
}
interface Report {
  rows: RateRow[];
  summary: { total: number; covered: number; uncovered: number; double: number; invalid: number; rate: number };
  labels: Record<string, string>;
}
interface Problem {
  elementType: string;
  elementId: number;
  name: string;
  gridId: number;
  gridName: string;
  problem: 'uncovered' | 'double' | 'invalid' | 'ok';
  workerName: string | null;
}
interface Special {
  residentId: number;
  name: string;
  gridId: number;
  gridName: string;
  healthColor: string | null;
  fullTime: number;
  partTime: number;
  volunteer: number;
  covered: boolean;
}

const PROBLEM_LABELS = { uncovered: '未包户', double: '重复包户', invalid: '包户失效（人员离岗或不在本网格）' };
const ROW_LABELS = { ...PROBLEM_LABELS, ok: '已包户' };
const ELEMENT_LABELS: Record<string, string> = {
  household: '居民户',
  merchant: '商户',
  enterprise: '企业',
  institution: '驻区单位',
  facility: '公共设施',
};
const CARE_TYPES = [
  { value: 'living_alone', label: '独居老人' },
  { value: 'solitary_elderly', label: '孤寡老人' },
  { value: 'disabled', label: '残疾人' },
  { value: 'health_color', label: '居民健康分色' },
];
const pct = (r: number) => Math.round(r * 1000) / 10;

function RatesTab({ orgId }: { orgId?: string }) {
  const [level, setLevel] = useState<string>('grid');
  const [type, setType] = useState<string | undefined>();
  const [data, setData] = useState<Report | null>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    let current = true; // an answer to an older choice that arrives late is dropped
    setLoading(true);
    http
      .get<Report>('/coverage/report', { level, orgId, elementType: type })
      .then((r) => current && setData(r))
      .catch(() => undefined)
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [level, orgId, type]);
  const s = data?.summary;
  return (
    <>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        <Col span={6}>
          <Card size="small">
            <Statistic title="包户覆盖率" value={s ? pct(s.rate) : 0} suffix="%" />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic title="要素总数" value={s?.total ?? 0} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic title="未包户" value={s?.uncovered ?? 0} valueStyle={{ color: s?.uncovered ? '#cf1322' : undefined }} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small">
            <Statistic title="重复 / 失效" value={`${s?.double ?? 0} / ${s?.invalid ?? 0}`} />
          </Card>
        </Col>
      </Row>
      <div style={{ display: 'flex', gap: 12, marginBottom: 12 }}>
        <Segmented
          value={level}
          onChange={(v) => setLevel(String(v))}
          options={[
            { value: 'district', label: '按区' },
            { value: 'street', label: '按街道' },
            { value: 'community', label: '按社区' },
            { value: 'grid', label: '按网格' },
          ]}
        />
        <Select
          allowClear
          placeholder="全部要素类型"
          style={{ width: 160 }}
          value={type}
          onChange={setType}
          options={Object.entries(data?.labels ?? {}).map(([value, label]) => ({ value, label }))}
        />
      </div>
      <Table<RateRow>
        rowKey="orgId"
        size="small"
        loading={loading}
        dataSource={data?.rows ?? []}
        pagination={{ pageSize: 20, showTotal: (n) => `共 ${n} 个单位` }}
        columns={[
          { title: '单位', dataIndex: 'orgName' },
          { title: '要素', dataIndex: 'total', width: 90, sorter: (a, b) => a.total - b.total },
          { title: '已包户', dataIndex: 'covered', width: 90 },
          { title: '未包户', dataIndex: 'uncovered', width: 90, sorter: (a, b) => a.uncovered - b.uncovered },
          { title: '重复', dataIndex: 'double', width: 70 },
          { title: '失效', dataIndex: 'invalid', width: 70 },
          {
            title: '覆盖率',
            dataIndex: 'rate',
            width: 200,
            sorter: (a, b) => a.rate - b.rate,
            render: (v: number) => <Progress percent={pct(v)} size="small" status={v < 1 ? 'exception' : 'success'} />,
          },
        ]}
      />
    </>
  );
}

interface Worker {
  id: number;
  name: string;
  kind: string;
  status: string;
}

/** 批量包户 (F-2): the selected elements of one grid and type go to one worker of that grid. */
function AssignBar({ rows, onDone }: { rows: Problem[]; onDone: () => void }) {
  const [workers, setWorkers] = useState<Worker[]>([]);
  const [workerId, setWorkerId] = useState<number | undefined>();
  const grids = new Set(rows.map((r) => r.gridId));
  const types = new Set(rows.map((r) => r.elementType));
  const gridId = grids.size === 1 ? rows[0]?.gridId : undefined;
  useEffect(() => {
    setWorkerId(undefined);
    if (!gridId) return setWorkers([]);
    http
      .get<{ items: Worker[] }>('/grid-workers', { gridId, pageSize: 100 })
      .then((r) => setWorkers(r.items.filter((w) => w.status !== 'left')))
      .catch(() => undefined);
  }, [gridId]);
  if (!rows.length) return null;
  const mixed = grids.size > 1 || types.size > 1;
  return (
    <Space style={{ marginBottom: 12 }} wrap>
      <Typography.Text>已选 {rows.length} 项</Typography.Text>
      {mixed ? (
        <Typography.Text type="warning">批量包户须选择同一网格、同一类型的要素</Typography.Text>
      ) : (
        <>
          <Select
            placeholder="选择包户网格员"
            data-testid="assign-worker"
            style={{ width: 220 }}
            value={workerId}
            onChange={setWorkerId}
            options={workers.map((w) => ({
              value: w.id,
              label: `${w.name}（${{ full_time: '专职', part_time: '兼职', exclusive: '专属' }[w.kind] ?? w.kind}）`,
            }))}
          />
          <Button
            type="primary"
            disabled={!workerId}
            onClick={async () => {
              try {
                const r = await http.post<{ assigned: number; refused: { reason: string }[] }>('/coverage/assign', {
                  workerId,
                  elementType: rows[0].elementType,
                  elementIds: rows.map((x) => x.elementId),
                });
                message.success(
                  `已包户 ${r.assigned} 项${r.refused.length ? `，${r.refused.length} 项未处理：${r.refused[0].reason}` : ''}`,
                );
                onDone();
              } catch (e) {
                if (!(e instanceof ApiRequestError)) message.error('包户失败，请稍后重试');
              }
            }}
          >
            批量包户
          </Button>
        </>
      )}
    </Space>
  );
}

/** 按楼栋包户 (F-2): every household, merchant and enterprise of a building to one full-time worker of its grid. */
function BuildingAssign({ onDone }: { onDone: () => void }) {
  const [found, setFound] = useState<{ id: number; name: string; gridId: number; gridName: string }[]>([]);
  const [building, setBuilding] = useState<{ id: number; name: string; gridId: number } | undefined>();
  const [workers, setWorkers] = useState<Worker[]>([]);
  const [workerId, setWorkerId] = useState<number | undefined>();
  useEffect(() => {
    setWorkerId(undefined);
    if (!building) return setWorkers([]);
    http
      .get<{ items: Worker[] }>('/grid-workers', { gridId: building.gridId, pageSize: 100 })
      .then((r) => setWorkers(r.items.filter((w) => w.status !== 'left' && w.kind !== 'part_time')))
      .catch(() => undefined);
  }, [building]);
  const find = (q: string) => {
    if (!q.trim()) return setFound([]);
    http
      .get<{ items: { id: number; name: string; gridId: number; gridName: string }[] }>('/buildings', { q: q.trim(), pageSize: 20 })
      .then((r) => setFound(r.items))
      .catch(() => undefined);
  };
  const assign = async () => {
    if (!building || !workerId) return;
    try {
      const r = await request<{ assigned: number; byType: Record<string, number> }>('POST', '/coverage/assign', {
        body: { buildingId: building.id, workerId },
        quiet: true,
      });
      const b = r.byType;
      message.success(
        `${building.name}：居民户 ${b.household ?? 0}、商户 ${b.merchant ?? 0}、企业 ${b.enterprise ?? 0} 已由所选网格员包户（变更 ${r.assigned} 项）`,
      );
      onDone();
    } catch (e) {
      if (e instanceof ApiRequestError) message.error(e.fields.length ? e.fields.map((f) => f.message).join('；') : e.message);
    }
  };
  return (
    <Space style={{ marginBottom: 12 }} wrap data-testid="building-assign">
      <Typography.Text>按楼栋包户：</Typography.Text>
      <Select
        showSearch
        filterOption={false}
        onSearch={find}
        placeholder="输入楼栋名称或地址"
        style={{ width: 260 }}
        notFoundContent={null}
        value={building?.id}
        onChange={(id) => {
          const b = found.find((x) => x.id === id);
          setBuilding(b ? { id: b.id, name: b.name, gridId: b.gridId } : undefined);
        }}
        options={found.map((b) => ({ value: b.id, label: `${b.name}（${b.gridName}）` }))}
      />
      <Select
        placeholder="本网格专职网格员"
        style={{ width: 200 }}
        value={workerId}
        onChange={setWorkerId}
        disabled={!building}
        options={workers.map((w) => ({ value: w.id, label: `${w.name}（${w.kind === 'exclusive' ? '专属' : '专职'}）` }))}
      />
      <Button disabled={!workerId} onClick={assign}>
        整栋包户
      </Button>
    </Space>
  );
}

function ProblemsTab({ orgId }: { orgId?: string }) {
  const { me } = useSession();
  const canAssign = (me?.permissions ?? []).includes('force.manage');
  const [problem, setProblem] = useState<string | undefined>();
  const [elementType, setElementType] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Problem[]; total: number }>({ items: [], total: 0 });
  const [selected, setSelected] = useState<Problem[]>([]);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    void reload;
    let current = true; // an answer to an older filter that arrives late is dropped
    setSelected([]);
    http
      .get<{ items: Problem[]; total: number }>('/coverage/problems', { problem, elementType, orgId, page, pageSize: 20 })
      .then((r) => current && setData(r))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [problem, elementType, orgId, page, reload]);
  return (
    <>
      {canAssign ? <BuildingAssign onDone={() => setReload((n) => n + 1)} /> : null}
      {canAssign ? <AssignBar rows={selected} onDone={() => setReload((n) => n + 1)} /> : null}
      <Space style={{ marginBottom: 12 }} wrap>
        <Select
          allowClear
          placeholder="全部问题"
          style={{ width: 260 }}
          value={problem}
          data-testid="coverage-problem"
          onChange={(v) => {
            setProblem(v);
            setPage(1);
          }}
          options={[
            ...Object.entries(PROBLEM_LABELS).map(([value, label]) => ({ value, label })),
            { value: 'all', label: '全部要素（含已包户，可调整包户人）' },
          ]}
        />
        <Select
          allowClear
          placeholder="全部要素类型"
          style={{ width: 160 }}
          value={elementType}
          data-testid="coverage-element-type"
          onChange={(v) => {
            setElementType(v);
            setPage(1);
          }}
          options={Object.entries(ELEMENT_LABELS).map(([value, label]) => ({ value, label }))}
        />
      </Space>
      {data.total === 0 && problem !== 'all' ? (
        <Alert type="success" showIcon message="全覆盖、不交叉、无死角：没有需要处理的要素" style={{ marginBottom: 12 }} />
      ) : null}
      <Table<Problem>
        rowKey={(r) => `${r.elementType}-${r.elementId}`}
        size="small"
        rowSelection={
          canAssign
            ? { selectedRowKeys: selected.map((r) => `${r.elementType}-${r.elementId}`), onChange: (_k, rows) => setSelected(rows) }
            : undefined
        }
        dataSource={data.items}
        pagination={{ current: page, total: data.total, pageSize: 20, onChange: setPage, showTotal: (n) => `共 ${n} 条` }}
        columns={[
          {
            title: '类型',
            dataIndex: 'elementType',
            width: 100,
            render: (v: string) => ELEMENT_LABELS[v] ?? v,
          },
          { title: '名称', dataIndex: 'name' },
          { title: '网格', dataIndex: 'gridName', width: 200 },
          {
            title: '问题',
            dataIndex: 'problem',
            width: 260,
            render: (v: Problem['problem']) => (
              <Badge status={v === 'ok' ? 'success' : v === 'uncovered' ? 'error' : 'warning'} text={ROW_LABELS[v]} />
            ),
          },
          { title: '当前包户人', dataIndex: 'workerName', width: 120, render: (v: string | null) => v ?? '—' },
        ]}
      />
    </>
  );
}

type CareRole = 'full_time' | 'part_time' | 'volunteer';
interface TeamWorker {
  id: number;
  name: string;
  kind: 'full_time' | 'part_time' | 'exclusive';
  partTimeType: string | null;
  gridName: string;
  status: string;
}
interface TeamMember {
  workerId: number;
  name: string;
  role: CareRole;
  detail: string;
}
const ROLE_LABELS: Record<CareRole, string> = { full_time: '专职', part_time: '兼职', volunteer: '志愿者' };
const HEALTH_COLORS = [
  { value: '红', label: '红色', color: '#dc2626' },
  { value: '黄', label: '黄色', color: '#ca8a04' },
  { value: '绿', label: '绿色', color: '#16a34a' },
];
/** The role a force takes in a team: 专职/专属 → 专职, 兼职 志愿者 → 志愿者, other 兼职 → 兼职. */
const roleOf = (w: TeamWorker): CareRole =>
  w.kind !== 'part_time' ? 'full_time' : w.partTimeType === '志愿者' ? 'volunteer' : 'part_time';
const workerDetail = (w: { kind: string; partTimeType: string | null; gridName: string }) =>
  `${{ full_time: '专职', part_time: '兼职', exclusive: '专属' }[w.kind] ?? w.kind}${w.partTimeType ? `·${w.partTimeType}` : ''}，${w.gridName}`;

/** 包联小组 (F-2): full-time + part-time + volunteer members of one person for one care type. */
function CareTeamModal({
  person,
  careType,
  onClose,
  onSaved,
}: {
  person: { residentId: number; name: string; gridId: number };
  careType: string;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [members, setMembers] = useState<TeamMember[]>([]);
  const [healthColor, setHealthColor] = useState<string | null>(null);
  const [options, setOptions] = useState<TeamWorker[]>([]);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    http
      .get<{
        healthColor: string | null;
        members: { workerId: number; name: string; role: CareRole; kind: string; partTimeType: string | null; gridName: string }[];
      }>('/care/team', { residentId: person.residentId, careType })
      .then((t) => {
        setHealthColor(t.healthColor);
        setMembers(t.members.map((m) => ({ workerId: m.workerId, name: m.name, role: m.role, detail: workerDetail(m) })));
      })
      .catch(() => undefined);
    // The person's own grid first; other forces of the scope by name.
    http
      .get<{ items: TeamWorker[] }>('/grid-workers', { gridId: person.gridId, pageSize: 100 })
      .then((r) => setOptions(r.items.filter((w) => w.status !== 'left')))
      .catch(() => undefined);
  }, [person, careType]);
  const search = (name: string) => {
    const q = name.trim();
    http
      .get<{ items: TeamWorker[] }>('/grid-workers', q ? { name: q, pageSize: 30 } : { gridId: person.gridId, pageSize: 100 })
      .then((r) => setOptions(r.items.filter((w) => w.status !== 'left')))
      .catch(() => undefined);
  };
  const add = (id: number) => {
    const w = options.find((x) => x.id === id);
    if (!w || members.some((m) => m.workerId === id)) return;
    setMembers([...members, { workerId: w.id, name: w.name, role: roleOf(w), detail: workerDetail(w) }]);
  };
  const save = async () => {
    setSaving(true);
    try {
      await request('PUT', '/care/team', {
        body: {
          residentId: person.residentId,
          careType,
          ...(careType === 'health_color' ? { healthColor } : {}),
          members: members.map((m) => ({ workerId: m.workerId, role: m.role })),
        },
        quiet: true,
      });
      message.success('包联小组已保存');
      onSaved();
    } catch (e) {
      if (e instanceof ApiRequestError) message.error(e.fields.length ? e.fields.map((f) => f.message).join('；') : e.message);
    } finally {
      setSaving(false);
    }
  };
  const typeLabel = CARE_TYPES.find((c) => c.value === careType)?.label ?? careType;
  return (
    <Modal
      open
      width={720}
      title={`包联小组 · ${person.name}（${typeLabel}）`}
      onCancel={onClose}
      onOk={save}
      okText="保存"
      confirmLoading={saving}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">至少一名专职网格员，兼职力量和志愿者可多名（1+1+N）。</Typography.Paragraph>
      {careType === 'health_color' ? (
        <Space style={{ marginBottom: 12 }}>
          <Typography.Text>健康分色：</Typography.Text>
          <Radio.Group value={healthColor} onChange={(e) => setHealthColor(e.target.value)} data-testid="health-color">
            {HEALTH_COLORS.map((c) => (
              <Radio key={c.value} value={c.value}>
                <span style={{ color: c.color }}>{c.label}</span>
              </Radio>
            ))}
          </Radio.Group>
        </Space>
      ) : null}
      <Table<TeamMember>
        rowKey="workerId"
        size="small"
        pagination={false}
        dataSource={members}
        data-testid="care-members"
        locale={{ emptyText: '尚无包联成员' }}
        columns={[
          { title: '成员', dataIndex: 'name', width: 110 },
          { title: '力量', dataIndex: 'detail' },
          { title: '角色', dataIndex: 'role', width: 90, render: (v: CareRole) => ROLE_LABELS[v] },
          {
            title: '',
            key: 'op',
            width: 70,
            render: (_: unknown, m) => (
              <Button type="link" size="small" danger onClick={() => setMembers(members.filter((x) => x.workerId !== m.workerId))}>
                移除
              </Button>
            ),
          },
        ]}
      />
      <Select
        showSearch
        filterOption={false}
        onSearch={search}
        key={`add-${members.length}`}
        onChange={(v) => add(Number(v))}
        placeholder="添加成员：本网格人员，或输入姓名查找"
        style={{ width: '100%', marginTop: 12 }}
        data-testid="care-add-member"
        options={options
          .filter((w) => !members.some((m) => m.workerId === w.id))
          .map((w) => ({ value: w.id, label: `${w.name}（${workerDetail(w)}）` }))}
      />
    </Modal>
  );
}

function CareTab({ orgId }: { orgId?: string }) {
  const { me } = useSession();
  const canManage = (me?.permissions ?? []).includes('force.manage');
  const [careType, setCareType] = useState('living_alone');
  const [page, setPage] = useState(1);
  const [reload, setReload] = useState(0);
  const [editing, setEditing] = useState<{ residentId: number; name: string; gridId: number } | null>(null);
  const [found, setFound] = useState<{ id: number; name: string; gridId: number; gridName: string; age: number | null }[]>([]);
  const [data, setData] = useState<{ items: Special[]; total: number; coveredCount: number }>({ items: [], total: 0, coveredCount: 0 });
  useEffect(() => {
    void reload;
    let current = true; // an answer to an older filter that arrives late is dropped
    http
      .get<{ items: Special[]; total: number; coveredCount: number }>('/care/special-persons', { careType, orgId, page, pageSize: 20 })
      .then((r) => current && setData(r))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [careType, orgId, page, reload]);
  const findPerson = (q: string) => {
    if (!q.trim()) return setFound([]);
    http
      .get<{ items: { id: number; name: string; gridId: number; gridName: string; age: number | null }[] }>('/residents', {
        q: q.trim(),
        pageSize: 20,
      })
      .then((r) => setFound(r.items))
      .catch(() => undefined);
  };
  return (
    <>
      <div style={{ display: 'flex', gap: 16, alignItems: 'center', marginBottom: 12, flexWrap: 'wrap' }}>
        <Segmented
          value={careType}
          onChange={(v) => {
            setCareType(String(v));
            setPage(1);
          }}
          options={CARE_TYPES}
        />
        <Typography.Text type="secondary">
          已有专职包联 {data.coveredCount} / {data.total} 人
        </Typography.Text>
        {canManage ? (
          <Select
            showSearch
            filterOption={false}
            onSearch={findPerson}
            key={`find-${editing?.residentId ?? 0}`}
            placeholder="添加包联对象：输入居民姓名"
            style={{ width: 260 }}
            data-testid="care-add-person"
            notFoundContent={null}
            onChange={(id) => {
              const p = found.find((x) => x.id === id);
              if (p) setEditing({ residentId: p.id, name: p.name, gridId: p.gridId });
            }}
            options={found.map((p) => ({ value: p.id, label: `${p.name}（${p.age ?? '—'} 岁，${p.gridName}）` }))}
          />
        ) : null}
      </div>
      <Table<Special>
        rowKey="residentId"
        size="small"
        dataSource={data.items}
        pagination={{ current: page, total: data.total, pageSize: 20, onChange: setPage, showTotal: (n) => `共 ${n} 人` }}
        columns={[
          { title: '姓名', dataIndex: 'name', width: 120 },
          { title: '网格', dataIndex: 'gridName' },
          ...(careType === 'health_color'
            ? [
                {
                  title: '分色',
                  dataIndex: 'healthColor',
                  width: 80,
                  render: (v: string | null) => {
                    const c = HEALTH_COLORS.find((x) => x.value === v);
                    return c ? <Badge color={c.color} text={c.label} /> : '—';
                  },
                },
              ]
            : []),
          { title: '专职', dataIndex: 'fullTime', width: 80 },
          { title: '兼职', dataIndex: 'partTime', width: 80 },
          { title: '志愿者', dataIndex: 'volunteer', width: 80 },
          {
            title: '状态',
            dataIndex: 'covered',
            width: 120,
            render: (v: boolean) => (v ? <Badge status="success" text="已包联" /> : <Badge status="error" text="缺专职包联" />),
          },
          ...(canManage
            ? [
                {
                  title: '操作',
                  key: 'op',
                  width: 100,
                  render: (_: unknown, r: Special) => (
                    <Button
                      type="link"
                      size="small"
                      data-testid={`care-edit-${r.residentId}`}
                      onClick={() => setEditing({ residentId: r.residentId, name: r.name, gridId: r.gridId })}
                    >
                      配置小组
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing ? (
        <CareTeamModal
          person={editing}
          careType={careType}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setReload((n) => n + 1);
          }}
        />
      ) : null}
    </>
  );
}

export default function CoveragePage() {
  const { selected } = useOrgFilter();
  const orgId = selected?.id;
  return (
    <div className="page-card">
      <div className="page-head">
        <Typography.Title level={4}>包户包联{selected ? <span className="page-scope"> · {selected.name}</span> : null}</Typography.Title>
      </div>
      <Tabs
        items={[
          { key: 'rates', label: '覆盖率', children: <RatesTab orgId={orgId} /> },
          { key: 'problems', label: '包户配置', children: <ProblemsTab orgId={orgId} /> },
          { key: 'care', label: '特殊人群包联', children: <CareTab orgId={orgId} /> },
        ]}
      />
    </div>
  );
}
