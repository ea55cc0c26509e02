/**
 * 楼栋详情: building facts and its 楼盘表, coloured by house status or by a household / resident
 * tag; a room opens its households and residents; the building's own 标签 card (T-3, T-7).
 */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Descriptions, Result, Segmented, Select, Skeleton, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiRequestError } from '../../../../shared/http';
import { Link } from '../../../../shared/router';
import { useSession } from '../../../session';
import ElementTagPanel from '../../tags/ElementTagPanel';
import { type FloorPlan, type FloorPlanRoom, fetchFloorPlan } from '../api';
import FloorPlanGrid, { type ColorBy } from './components/FloorPlanGrid';
import HouseholdDrawer from './components/HouseholdDrawer';

export default function BuildingDetailPage({ id }: { id: string }) {
  const { access } = useSession();
  const [plan, setPlan] = useState<FloorPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<{ room: FloorPlanRoom; where: string } | null>(null);
  const [mode, setMode] = useState<'status' | 'tag'>('status');
  const [tagId, setTagId] = useState<number | undefined>();

  useEffect(() => {
    setPlan(null);
    setError(null);
    fetchFloorPlan(id)
      .then(setPlan)
      .catch((e: unknown) => setError(e instanceof ApiRequestError ? e.message : '加载失败，请刷新重试'));
  }, [id]);

  if (error) return <Result status="warning" title={error} extra={<Link to="/buildings">返回楼栋列表</Link>} />;
  if (!plan)
    return (
      <div className="page-card">
        <Skeleton active />
      </div>
    );

  const b = plan.building;
  const rooms = plan.units.reduce((n, u) => n + u.floors.reduce((m, f) => m + f.rooms.length, 0), 0);
  const households = plan.units.reduce(
    (n, u) => n + u.floors.reduce((m, f) => m + f.rooms.reduce((k, r) => k + r.households.length, 0), 0),
    0,
  );
  const tag = plan.tags.find((t) => t.id === tagId);
  const colorBy: ColorBy = mode === 'tag' && tag ? { mode: 'tag', tag } : { mode: 'status' };
  const tagOptions = (['household', 'resident'] as const)
    .map((target) => ({
      label: target === 'household' ? '居民户标签' : '居民标签',
      options: plan.tags.filter((t) => t.target === target).map((t) => ({ value: t.id, label: `${t.name}（${t.rooms} 间）` })),
    }))
    .filter((g) => g.options.length > 0);

  return (
    <div className="page-card" data-testid="building-detail">
      <div className="page-head">
        <Typography.Title level={4}>
          <Link to="/buildings" aria-label="返回">
            <ArrowLeftOutlined style={{ marginRight: 10, fontSize: 16 }} />
          </Link>
          {b.name} · 楼盘表
        </Typography.Title>
      </div>
      <Descriptions
        size="small"
        column={{ xs: 1, md: 2, xl: 4 }}
        style={{ marginBottom: 16 }}
        items={[
          { key: 'type', label: '类型', children: b.type ?? '—' },
          { key: 'address', label: '地址', children: b.address ?? '—' },
          { key: 'grid', label: '所属网格', children: b.gridName ?? b.grid?.name ?? '—' },
          { key: 'sum', label: '规模', children: `${plan.units.length} 个单元 · ${rooms} 间房屋 · ${households} 户` },
        ]}
      />
      <div className="fp-controls">
        <Segmented
          data-testid="floor-plan-mode"
          value={mode}
          onChange={(v) => setMode(v as 'status' | 'tag')}
          options={[
            { value: 'status', label: '按房屋状态' },
            { value: 'tag', label: '按标签' },
          ]}
        />
        {mode === 'tag' ? (
          <Select
            data-testid="floor-plan-tag"
            showSearch
            optionFilterProp="label"
            placeholder={plan.tags.length ? '选择居民户或居民标签' : '本楼栋没有可用的标签'}
            style={{ width: 260 }}
            value={tagId}
            onChange={setTagId}
            options={tagOptions}
            notFoundContent="没有可用的标签"
          />
        ) : null}
        {mode === 'tag' && !tag ? <Typography.Text type="secondary">选择标签后，带该标签的户所在房间将突出显示</Typography.Text> : null}
      </div>
      <FloorPlanGrid plan={plan} colorBy={colorBy} onOpen={(room, where) => setOpen({ room, where })} />
      <HouseholdDrawer
        room={open?.room ?? null}
        where={open?.where ?? ''}
        tag={colorBy.mode === 'tag' ? colorBy.tag : null}
        onClose={() => setOpen(null)}
      />
      {access.canViewTags ? (
        <div style={{ marginTop: 16 }}>
          <ElementTagPanel type="building" id={Number(b.id)} />
        </div>
      ) : null}
    </div>
  );
}
