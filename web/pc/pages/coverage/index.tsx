/** 包户覆盖 (G-6, F-2): rates per district/street/community/grid, the problem list, special persons' 包联 teams. */
import {
  Alert,
  Badge,
  Button,
  Card,
  Col,
  message,
  Progress,
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
import { ApiRequestError, http } from '../../../shared/http';
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
  problem: 'uncovered' | 'double' | 'invalid';
  workerName: string | null;
}
interface Special {
  residentId: number;
  name: string;
  gridName: string;
  fullTime: number;
  partTime: number;
  volunteer: number;
  covered: boolean;
}

const PROBLEM_LABELS = { uncovered: '未包户', double: '重复包户', invalid: '包户失效（人员离岗或不在本网格）' };
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
    setLoading(true);
    http
      .get<Report>('/coverage/report', { level, orgId, elementType: type })
      .then(setData)
      .catch(() => undefined)
      .finally(() => setLoading(false));
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

function ProblemsTab({ orgId }: { orgId?: string }) {
  const { me } = useSession();
  const canAssign = (me?.permissions ?? []).includes('force.manage');
  const [problem, setProblem] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Problem[]; total: number }>({ items: [], total: 0 });
  const [selected, setSelected] = useState<Problem[]>([]);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    void reload;
    setSelected([]);
    http
      .get<{ items: Problem[]; total: number }>('/coverage/problems', { problem, orgId, page, pageSize: 20 })
      .then(setData)
      .catch(() => undefined);
  }, [problem, orgId, page, reload]);
  return (
    <>
      {canAssign ? <AssignBar rows={selected} onDone={() => setReload((n) => n + 1)} /> : null}
      <Select
        allowClear
        placeholder="全部问题"
        style={{ width: 260, marginBottom: 12 }}
        value={problem}
        onChange={(v) => {
          setProblem(v);
          setPage(1);
        }}
        options={Object.entries(PROBLEM_LABELS).map(([value, label]) => ({ value, label }))}
      />
      {data.total === 0 ? (
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
            render: (v: string) =>
              ({ household: '居民户', merchant: '商户', enterprise: '企业', institution: '驻区单位', facility: '公共设施' })[v] ?? v,
          },
          { title: '名称', dataIndex: 'name' },
          { title: '网格', dataIndex: 'gridName', width: 200 },
          {
            title: '问题',
            dataIndex: 'problem',
            width: 260,
            render: (v: Problem['problem']) => <Badge status={v === 'uncovered' ? 'error' : 'warning'} text={PROBLEM_LABELS[v]} />,
          },
          { title: '当前包户人', dataIndex: 'workerName', width: 120, render: (v: string | null) => v ?? '—' },
        ]}
      />
    </>
  );
}

function CareTab({ orgId }: { orgId?: string }) {
  const [careType, setCareType] = useState('living_alone');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Special[]; total: number; coveredCount: number }>({ items: [], total: 0, coveredCount: 0 });
  useEffect(() => {
    http
      .get<{ items: Special[]; total: number; coveredCount: number }>('/care/special-persons', { careType, orgId, page, pageSize: 20 })
      .then(setData)
      .catch(() => undefined);
  }, [careType, orgId, page]);
  return (
    <>
      <div style={{ display: 'flex', gap: 16, alignItems: 'center', marginBottom: 12 }}>
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
      </div>
      <Table<Special>
        rowKey="residentId"
        size="small"
        dataSource={data.items}
        pagination={{ current: page, total: data.total, pageSize: 20, onChange: setPage, showTotal: (n) => `共 ${n} 人` }}
        columns={[
          { title: '姓名', dataIndex: 'name', width: 120 },
          { title: '网格', dataIndex: 'gridName' },
          { title: '专职', dataIndex: 'fullTime', width: 80 },
          { title: '兼职', dataIndex: 'partTime', width: 80 },
          { title: '志愿者', dataIndex: 'volunteer', width: 80 },
          {
            title: '状态',
            dataIndex: 'covered',
            width: 120,
            render: (v: boolean) => (v ? <Badge status="success" text="已包联" /> : <Badge status="error" text="缺专职包联" />),
          },
        ]}
      />
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
          { key: 'problems', label: '问题清单', children: <ProblemsTab orgId={orgId} /> },
          { key: 'care', label: '特殊人群包联', children: <CareTab orgId={orgId} /> },
        ]}
      />
    </div>
  );
}
