/** 楼栋详情: building facts and its 楼盘表; a room opens its households and residents. */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Descriptions, Result, Skeleton, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiRequestError } from '../../../../shared/http';
import { Link } from '../../../../shared/router';
import { type FloorPlan, type FloorPlanRoom, fetchFloorPlan } from '../api';
import FloorPlanGrid from './components/FloorPlanGrid';
import HouseholdDrawer from './components/HouseholdDrawer';

export default function BuildingDetailPage({ id }: { id: string }) {
  const [plan, setPlan] = useState<FloorPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<{ room: FloorPlanRoom; where: string } | null>(null);

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
      <FloorPlanGrid plan={plan} onOpen={(room, where) => setOpen({ room, where })} />
      <HouseholdDrawer room={open?.room ?? null} where={open?.where ?? ''} onClose={() => setOpen(null)} />
    </div>
  );
}
