/** 居民户详情: the household, its house and building, its members, and its 户标签 / 走访标签 (G-2, T-3, T-7). */
import { ArrowLeftOutlined, UserAddOutlined } from '@ant-design/icons';
import { Button, Descriptions, Result, Skeleton, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiRequestError } from '../../../../shared/http';
import { Link, navigate } from '../../../../shared/router';
import { useSession } from '../../../session';
import ElementTagPanel from '../../tags/ElementTagPanel';
import { fetchHousehold, type HouseholdDetail, houseLabel } from '../api';
import MemberTable from '../components/MemberTable';

export default function HouseholdDetailPage({ id }: { id: string }) {
  const { access } = useSession();
  const [h, setH] = useState<HouseholdDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setH(null);
    setError(null);
    fetchHousehold(id)
      .then(setH)
      .catch((e: unknown) => setError(e instanceof ApiRequestError ? e.message : '加载失败，请刷新重试'));
  }, [id]);

  if (error) return <Result status="warning" title={error} extra={<Link to="/households">返回居民户列表</Link>} />;
  if (!h)
    return (
      <div className="page-card">
        <Skeleton active />
      </div>
    );

  return (
    <div className="page-card" data-testid="household-detail">
      <div className="page-head">
        <Typography.Title level={4}>
          <Link to="/households" aria-label="返回">
            <ArrowLeftOutlined style={{ marginRight: 10, fontSize: 16 }} />
          </Link>
          {h.headName ? `${h.headName} 户` : '居民户'}
        </Typography.Title>
      </div>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, md: 2, xl: 3 }}
        style={{ marginBottom: 20 }}
        items={[
          { key: 'no', label: '户编号', children: h.householdNo ?? '—' },
          { key: 'head', label: '户主', children: h.headName ?? '—' },
          { key: 'count', label: '人数', children: h.memberCount ?? h.members.length },
          { key: 'house', label: '房屋', children: houseLabel(h.house) },
          {
            key: 'building',
            label: '楼栋',
            children: h.building ? <Link to={`/buildings/${h.building.id}`}>{h.building.name}</Link> : '—',
          },
          { key: 'grid', label: '所属网格', children: h.gridName ?? h.grid?.name ?? '—' },
          { key: 'type', label: '户类型', children: h.type ?? '—' },
          { key: 'worker', label: '包户网格员', children: h.coverageWorkerName ?? '未包户' },
          { key: 'address', label: '地址', children: h.address ?? h.building?.address ?? '—' },
        ]}
      />
      <div className="page-head">
        <Typography.Title level={5} style={{ margin: 0 }}>
          家庭成员（{h.members.length} 人）
        </Typography.Title>
        {access.canEditElements ? (
          <Button size="small" icon={<UserAddOutlined />} onClick={() => navigate(`/residents/new?householdId=${h.id}`)}>
            登记新成员
          </Button>
        ) : null}
      </div>
      <MemberTable members={h.members} />
      {access.canViewTags ? (
        <div style={{ marginTop: 16 }}>
          <ElementTagPanel type="household" id={Number(h.id)} />
        </div>
      ) : null}
    </div>
  );
}
