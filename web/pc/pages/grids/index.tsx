/**
 * 网格管理 (D-1, D-3, F-1): every grid in scope (narrowed by the scope tree) with its type
 * (基础网格 / 专属网格, changed here by those who may divide grids), its statistics (households,
 * population, area, elements, workers) and its forces. 力量配置 opens the grid's workers: appoint
 * the one 网格长, move a worker of the scope into the grid (专属网格员 only into exclusive grids).
 */
import { Alert, Badge, Button, Drawer, message, Select, Space, Statistic, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiRequestError, http, request } from '../../../shared/http';
import { Link } from '../../../shared/router';
import { useOrgFilter } from '../../layout/org-filter';
import { useSession } from '../../session';

interface GridStat {
  gridId: number;
  code: string;
  name: string;
  gridType: string | null;
  areaKm2: number;
  buildings: number;
  households: number;
  population: number;
  merchants: number;
  enterprises: number;
  institutions: number;
  facilities: number;
  workers: number;
  fullTime: number;
  partTime: number;
  exclusive: number;
  leaders: number;
  leaderName: string | null;
}

interface Worker {
  id: number;
  name: string;
  kind: 'full_time' | 'part_time' | 'exclusive';
  subKind: 'leader' | 'member' | 'in_system' | 'out_system';
  partTimeType: string | null;
  workUnit: string | null;
  status: string;
  gridId: number;
  gridName: string;
  coverageCount: number;
  careCount: number;
}

const KIND = { full_time: '专职网格员', part_time: '兼职网格员', exclusive: '专属网格员' } as const;
const SUB_KIND = { leader: '网格长', member: '网格员', in_system: '体制内', out_system: '体制外' } as const;
const STATUS: Record<string, string> = { active: '在岗', leave: '请假', left: '离岗' };
const TYPE_LABEL = (t: string | null) => (t === 'exclusive' ? '专属网格' : '基础网格');

const elements = (s: GridStat) => s.buildings + s.households + s.merchants + s.enterprises + s.institutions + s.facilities;

/** A write whose refusal is shown with the API's Chinese reasons (the field messages, else the message). */
async function send<T>(method: 'POST' | 'PUT' | 'PATCH', path: string, body: unknown): Promise<T | undefined> {
  try {
    return await request<T>(method, path, { body, quiet: true });
  } catch (e) {
    if (e instanceof ApiRequestError) message.error(e.fields.length ? e.fields.map((f) => f.message).join('；') : e.message);
    return undefined;
  }
}

function ForcesDrawer({
  grid,
  canManage,
  onClose,
  onChanged,
}: {
  grid: GridStat;
  canManage: boolean;
  onClose: () => void;
  onChanged: () => void;
}) {
  const [workers, setWorkers] = useState<Worker[]>([]);
  const [loading, setLoading] = useState(false);
  const [candidates, setCandidates] = useState<Worker[]>([]);
  const [moving, setMoving] = useState<number | undefined>();
  const load = useCallback(() => {
    setLoading(true);
    http
      .get<{ items: Worker[] }>('/grid-workers', { gridId: grid.gridId, pageSize: 100 })
      .then((r) => setWorkers(r.items.filter((w) => w.status !== 'left')))
      .catch(() => undefined)
      .finally(() => setLoading(false));
  }, [grid.gridId]);
  useEffect(load, [load]);

  const search = (name: string) => {
    if (!name.trim()) return setCandidates([]);
    http
      .get<{ items: Worker[] }>('/grid-workers', { name: name.trim(), pageSize: 20 })
      .then((r) => setCandidates(r.items.filter((w) => w.status !== 'left' && w.gridId !== grid.gridId)))
      .catch(() => undefined);
  };

  const appoint = async (w: Worker) => {
    if (!(await send('PUT', `/grids/${grid.gridId}/leader`, { workerId: w.id }))) return;
    message.success(`已任命${w.name}为网格长`);
    load();
    onChanged();
  };

  const moveIn = async () => {
    if (!moving) return;
    const r = await send<{ coverageToReview: number }>('POST', `/grids/${grid.gridId}/workers`, { workerId: moving });
    if (!r) return;
    message.success(
      `已调入${grid.name}${r.coverageToReview ? `；其原包户的 ${r.coverageToReview} 项要素需重新分配（见包户包联 · 包户配置）` : ''}`,
    );
    setMoving(undefined);
    setCandidates([]);
    load();
    onChanged();
  };

  const leaders = workers.filter((w) => w.subKind === 'leader');
  const exclusiveGrid = grid.gridType === 'exclusive';
  const columns: TableColumnsType<Worker> = [
    { title: '姓名', dataIndex: 'name', width: 110, render: (v: string, r) => <Link to={`/elements/grid_worker/${r.id}`}>{v}</Link> },
    { title: '类型', dataIndex: 'kind', width: 110, render: (v: Worker['kind']) => KIND[v] },
    {
      title: '岗位 / 身份',
      key: 'sub',
      width: 160,
      render: (_: unknown, r) => (
        <Space size={4}>
          {r.subKind === 'leader' ? <Tag color="gold">网格长</Tag> : SUB_KIND[r.subKind]}
          {r.partTimeType ? <Tag>{r.partTimeType}</Tag> : null}
        </Space>
      ),
    },
    { title: '状态', dataIndex: 'status', width: 70, render: (v: string) => STATUS[v] ?? v },
    { title: '包户', dataIndex: 'coverageCount', width: 70 },
    { title: '包联', dataIndex: 'careCount', width: 70 },
    {
      title: '操作',
      key: 'op',
      width: 110,
      render: (_: unknown, r) =>
        canManage && r.subKind !== 'leader' && (r.kind === 'full_time' || (r.kind === 'exclusive' && exclusiveGrid)) ? (
          <Button size="small" type="link" onClick={() => appoint(r)} data-testid={`appoint-${r.id}`}>
            设为网格长
          </Button>
        ) : null,
    },
  ];
  return (
    <Drawer open width={860} title={`力量配置 · ${grid.name}（${TYPE_LABEL(grid.gridType)}）`} onClose={onClose} destroyOnHidden>
      <Space size={32} style={{ marginBottom: 12 }}>
        <Statistic title="网格长" value={leaders.map((w) => w.name).join('、') || '未配置'} />
        <Statistic title="专职网格员" value={workers.filter((w) => w.kind === 'full_time').length} />
        <Statistic
          title="兼职（体制内 / 体制外）"
          value={`${workers.filter((w) => w.subKind === 'in_system').length} / ${workers.filter((w) => w.subKind === 'out_system').length}`}
        />
        <Statistic title="专属网格员" value={workers.filter((w) => w.kind === 'exclusive').length} />
      </Space>
      {leaders.length === 0 ? (
        <Alert type="warning" showIcon message="本网格尚未配置网格长（每个网格一名网格长）" style={{ marginBottom: 12 }} />
      ) : null}
      {leaders.length > 1 ? (
        <Alert type="error" showIcon message={`本网格有 ${leaders.length} 名网格长，请只保留一名`} style={{ marginBottom: 12 }} />
      ) : null}
      <Table<Worker>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={workers}
        columns={columns}
        pagination={false}
        data-testid="grid-forces"
      />
      {canManage ? (
        <Space style={{ marginTop: 16 }} wrap>
          <Typography.Text>调入人员：</Typography.Text>
          <Select
            showSearch
            filterOption={false}
            placeholder="输入姓名查找网格员"
            style={{ width: 320 }}
            value={moving}
            onSearch={search}
            onChange={setMoving}
            data-testid="force-candidate"
            notFoundContent={null}
            options={candidates.map((w) => ({
              value: w.id,
              label: `${w.name}（${KIND[w.kind]}·${SUB_KIND[w.subKind]}，现属${w.gridName}）`,
            }))}
          />
          <Button type="primary" disabled={!moving} onClick={moveIn}>
            调入本网格
          </Button>
          <Typography.Text type="secondary">{exclusiveGrid ? '专属网格可配置专属网格员' : '专属网格员只能配置在专属网格'}</Typography.Text>
        </Space>
      ) : null}
    </Drawer>
  );
}

export default function GridsPage() {
  const { me } = useSession();
  const perms = me?.permissions ?? [];
  const canDivide = perms.includes('org.manage');
  const canManage = perms.includes('force.manage');
  const { selected } = useOrgFilter();
  const [rows, setRows] = useState<GridStat[]>([]);
  const [loading, setLoading] = useState(false);
  const [type, setType] = useState<string | undefined>();
  const [open, setOpen] = useState<GridStat | null>(null);
  const load = useCallback(() => {
    setLoading(true);
    http
      .get<GridStat[]>('/grids/stats', { orgId: selected?.id })
      .then(setRows)
      .catch(() => undefined)
      .finally(() => setLoading(false));
  }, [selected?.id]);
  useEffect(load, [load]);

  const shown = useMemo(() => rows.filter((r) => !type || (r.gridType ?? 'basic') === type), [rows, type]);
  const total = useMemo(
    () =>
      shown.reduce(
        (s, r) => ({
          households: s.households + r.households,
          population: s.population + r.population,
          workers: s.workers + r.workers,
          area: s.area + r.areaKm2,
        }),
        { households: 0, population: 0, workers: 0, area: 0 },
      ),
    [shown],
  );

  const changeType = async (r: GridStat, gridType: string) => {
    if (!(await send('PATCH', `/grids/${r.gridId}`, { gridType }))) return;
    message.success(`${r.name}已设为${TYPE_LABEL(gridType)}`);
    load();
  };

  const columns: TableColumnsType<GridStat> = [
    { title: '网格编码', dataIndex: 'code', width: 150 },
    { title: '网格名称', dataIndex: 'name', width: 170, ellipsis: true },
    {
      title: '类型',
      dataIndex: 'gridType',
      width: 130,
      render: (v: string | null, r) =>
        canDivide ? (
          <Select
            size="small"
            value={v ?? 'basic'}
            style={{ width: 110 }}
            data-testid={`grid-type-${r.gridId}`}
            onChange={(x) => changeType(r, x)}
            options={[
              { value: 'basic', label: '基础网格' },
              { value: 'exclusive', label: '专属网格' },
            ]}
          />
        ) : (
          <Tag color={v === 'exclusive' ? 'green' : 'blue'}>{TYPE_LABEL(v)}</Tag>
        ),
    },
    { title: '面积(km²)', dataIndex: 'areaKm2', width: 95, sorter: (a, b) => a.areaKm2 - b.areaKm2 },
    { title: '户数', dataIndex: 'households', width: 75, sorter: (a, b) => a.households - b.households },
    { title: '人口', dataIndex: 'population', width: 75, sorter: (a, b) => a.population - b.population },
    {
      title: '要素（楼栋 / 居民户 / 商户 / 企业 / 驻区单位 / 设施）',
      key: 'elements',
      width: 300,
      sorter: (a, b) => elements(a) - elements(b),
      render: (_: unknown, r) => (
        <span>
          {elements(r)}
          <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
            {[r.buildings, r.households, r.merchants, r.enterprises, r.institutions, r.facilities].join(' / ')}
          </Typography.Text>
        </span>
      ),
    },
    {
      title: '网格长',
      dataIndex: 'leaderName',
      width: 110,
      render: (v: string | null, r) =>
        r.leaders === 1 ? v : r.leaders === 0 ? <Badge status="error" text="未配置" /> : <Badge status="warning" text={v ?? ''} />,
    },
    {
      title: '网格员（专职/兼职/专属）',
      key: 'workers',
      width: 170,
      sorter: (a, b) => a.workers - b.workers,
      render: (_: unknown, r) => `${r.workers}（${r.fullTime} / ${r.partTime} / ${r.exclusive}）`,
    },
    {
      title: '操作',
      key: 'op',
      width: 90,
      fixed: 'right',
      render: (_: unknown, r) => (
        <Button size="small" type="link" onClick={() => setOpen(r)} data-testid={`forces-${r.gridId}`}>
          力量配置
        </Button>
      ),
    },
  ];

  return (
    <div className="page-card" data-testid="grids-page">
      <div className="page-head">
        <Typography.Title level={4}>网格管理{selected ? <span className="page-scope"> · {selected.name}</span> : null}</Typography.Title>
        <Select
          allowClear
          placeholder="全部类型"
          style={{ width: 140 }}
          value={type}
          onChange={setType}
          options={[
            { value: 'basic', label: '基础网格' },
            { value: 'exclusive', label: '专属网格' },
          ]}
        />
      </div>
      <Space size={40} style={{ marginBottom: 16 }} data-testid="grid-totals">
        <Statistic title="网格数" value={shown.length} />
        <Statistic title="专属网格" value={shown.filter((r) => r.gridType === 'exclusive').length} />
        <Statistic title="户数" value={total.households} />
        <Statistic title="人口" value={total.population} />
        <Statistic title="面积(km²)" value={Math.round(total.area * 100) / 100} />
        <Statistic title="网格员" value={total.workers} />
        <Statistic title="缺网格长" value={shown.filter((r) => r.leaders === 0).length} />
      </Space>
      <Table<GridStat>
        rowKey="gridId"
        size="small"
        loading={loading}
        dataSource={shown}
        columns={columns}
        scroll={{ x: 1350 }}
        pagination={{ pageSize: 20, showTotal: (n) => `共 ${n} 个网格` }}
      />
      {open ? <ForcesDrawer grid={open} canManage={canManage} onClose={() => setOpen(null)} onChanged={load} /> : null}
    </div>
  );
}
