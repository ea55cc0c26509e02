/**
 * The detail of one element: its fields, grid and 包户 worker, a small map with its point and its
 * grid (G-4), linked elements with click-through (G-1), the change history (变更记录), and for
 * taggable types the 标签 card (T-3: manual tags set and removed here, with the tag log, T-7).
 */
import { ArrowLeftOutlined, EditOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, type DescriptionsProps, Result, Skeleton, Spin, Tabs, Typography } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { ApiRequestError } from '../../../../shared/http';
import { Link, navigate } from '../../../../shared/router';
import { useSession } from '../../../session';
import VersionHistory from '../../residents/detail/components/VersionHistory';
import ElementTagPanel from '../../tags/ElementTagPanel';
import { type ElementDetail, type ElementType, fetchElement, fetchElementVersions } from '../api';
import LinkedElements from '../components/LinkedElements';
import { elementTypes, fieldLabel, valueText } from '../config';

const PointMap = lazy(() => import('../components/PointMap'));

export default function ElementDetailPage({ type, id }: { type: ElementType; id: string }) {
  const cfg = elementTypes[type];
  const { access } = useSession();
  const [e, setE] = useState<ElementDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loadVersions = useCallback(() => fetchElementVersions(type, id), [type, id]);
  const labelOf = useCallback((k: string) => fieldLabel(cfg, k), [cfg]);

  useEffect(() => {
    setE(null);
    setError(null);
    fetchElement(type, id)
      .then(setE)
      .catch((err: unknown) => setError(err instanceof ApiRequestError ? err.message : '加载失败，请刷新重试'));
  }, [type, id]);

  if (error) return <Result status="warning" title={error} extra={<Link to={`/elements/${type}`}>返回{cfg.label}列表</Link>} />;
  if (!e)
    return (
      <div className="page-card">
        <Skeleton active />
      </div>
    );

  const f = e.fields;
  const building = e.links.find((l) => l.type === 'building');
  const fieldValue = (k: string) =>
    k === 'buildingId' && f.buildingId ? (
      <Link to={`/buildings/${f.buildingId}`}>{building?.name ?? `楼栋 ${f.buildingId}`}</Link>
    ) : (
      valueText(cfg, k, f[k])
    );
  const known = new Set(cfg.fields.map(([k]) => k));
  const items: DescriptionsProps['items'] = [
    ...cfg.fields.filter(([k]) => k in f).map(([k, label]) => ({ key: k, label, children: fieldValue(k) })),
    { key: 'grid', label: '所属网格', children: e.grid?.name ?? '—' },
    ...(type === 'grid_worker'
      ? []
      : [
          {
            key: 'coverage',
            label: '包户网格员',
            children: e.coverage ? (
              <Link to={`/elements/grid_worker/${e.coverage.workerId}`}>{e.coverage.workerName}</Link>
            ) : (
              <span className="muted">未包户</span>
            ),
          },
        ]),
    ...(cfg.hasLocation
      ? [{ key: 'location', label: '坐标', children: e.location ? `${e.location.lon.toFixed(6)}, ${e.location.lat.toFixed(6)}` : '未标注' }]
      : []),
    // Fields the configuration does not list yet still show, under their key.
    ...Object.keys(f)
      .filter(
        (k) => !known.has(k) && !/Id$/.test(k) && k !== 'id' && k !== 'name' && !['gridName', 'orgPath', 'version', 'tags'].includes(k),
      )
      .map((k) => ({ key: k, label: labelOf(k), children: valueText(cfg, k, f[k]) })),
  ];
  const name = e.name || String(f.name ?? `${cfg.label} ${e.id}`);

  return (
    <div className="page-card" data-testid="element-detail">
      <div className="page-head">
        <Typography.Title level={4}>
          <Link to={`/elements/${type}`} aria-label="返回">
            <ArrowLeftOutlined style={{ marginRight: 10, fontSize: 16 }} />
          </Link>
          {name}
          <span className="page-scope"> · {cfg.label}</span>
        </Typography.Title>
        {e.orgChain?.length ? (
          <Typography.Text type="secondary" className="page-chain">
            {e.orgChain.map((o) => o.name).join(' / ')}
          </Typography.Text>
        ) : null}
        <span style={{ flex: 1 }} />
        {access.canEditElements ? (
          <Button icon={<EditOutlined />} onClick={() => navigate(`/elements/${type}/${id}/edit`)}>
            编辑
          </Button>
        ) : null}
      </div>
      <Tabs
        items={[
          {
            key: 'basic',
            label: '基本信息',
            children: (
              <div style={{ display: 'flex', gap: 16, alignItems: 'flex-start', flexWrap: 'wrap' }}>
                <Descriptions style={{ flex: '1 1 480px', minWidth: 0 }} bordered size="small" column={{ xs: 1, md: 2 }} items={items} />
                {cfg.hasLocation ? (
                  <Card size="small" title="地图位置" style={{ flex: '0 1 380px', minWidth: 280 }}>
                    <Suspense fallback={<Spin style={{ display: 'block', margin: 40 }} />}>
                      <PointMap point={e.location} gridId={e.grid?.id} />
                    </Suspense>
                    {e.location ? null : (
                      <Typography.Text type="secondary" style={{ display: 'block', marginTop: 6 }}>
                        尚未标注位置，可在“编辑”中点击地图标注
                      </Typography.Text>
                    )}
                  </Card>
                ) : null}
              </div>
            ),
          },
          {
            key: 'links',
            label: `关联要素（${e.links.length}）`,
            children: <LinkedElements links={e.links} />,
          },
          {
            key: 'versions',
            label: '变更记录',
            children: <VersionHistory load={loadVersions} labelOf={labelOf} />,
          },
        ]}
      />
      {cfg.tagTarget && access.canViewTags ? (
        <div style={{ marginTop: 16 }}>
          <ElementTagPanel type={cfg.tagTarget} id={e.id} />
        </div>
      ) : null}
    </div>
  );
}
