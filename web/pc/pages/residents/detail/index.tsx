/** 居民详情: basic info, where they live (household, house, building, grid), version history, 标签 (T-3, T-7). */
import { ArrowLeftOutlined, EyeOutlined } from '@ant-design/icons';
import { Button, Descriptions, type DescriptionsProps, Result, Skeleton, Tabs, Tooltip, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { ApiRequestError } from '../../../../shared/http';
import { Link } from '../../../../shared/router';
import { useSession } from '../../../session';
import ElementTagPanel from '../../tags/ElementTagPanel';
import { fetchResident, fetchResidentVersions, houseLabel, type ResidentDetail, unmaskResident } from '../api';
import { labelOf } from '../labels';
import { display } from './components/diff';
import VersionHistory from './components/VersionHistory';

/** Fields shown in the basic tab, in this order, when the API sends them. */
const basicFields = [
  'formerName',
  'gender',
  'birthDate',
  'age',
  'ethnicity',
  'nativePlace',
  'education',
  'maritalStatus',
  'politicalStatus',
  'religion',
  'healthStatus',
  'relationToHead',
  'residenceType',
  'registrationStatus',
  'hukouAddress',
  'movedInOn',
  'employmentStatus',
  'occupation',
  'workUnit',
  'emergencyContactName',
  'emergencyContactRelation',
  'emergencyContactPhone',
  'vehicles',
  'pets',
  'dynamicStatus',
  'remark',
];

export default function ResidentDetailPage({ id }: { id: string }) {
  const { access } = useSession();
  const [r, setR] = useState<ResidentDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [full, setFull] = useState<{ idNumber: string; phone: string; emergencyContactPhone?: string | null } | null>(null);
  const [unmasking, setUnmasking] = useState(false);
  const loadVersions = useCallback(() => fetchResidentVersions(id), [id]);

  useEffect(() => {
    setR(null);
    setFull(null);
    setError(null);
    fetchResident(id)
      .then(setR)
      .catch((e: unknown) => setError(e instanceof ApiRequestError ? e.message : '加载失败，请刷新重试'));
  }, [id]);

  const unmask = async () => {
    setUnmasking(true);
    try {
      setFull(await unmaskResident(id));
    } catch {
      // The HTTP wrapper already showed why.
    } finally {
      setUnmasking(false);
    }
  };

  if (error) return <Result status="warning" title={error} extra={<Link to="/residents">返回居民列表</Link>} />;
  if (!r)
    return (
      <div className="page-card">
        <Skeleton active />
      </div>
    );

  const items: DescriptionsProps['items'] = [
    {
      key: 'idNumber',
      label: labelOf('idNumber'),
      children: (
        <span className="mono" data-testid="resident-id-number">
          {full?.idNumber ?? r.idNumber ?? '—'}
        </span>
      ),
    },
    { key: 'phone', label: labelOf('phone'), children: <span className="mono">{full?.phone ?? r.phone ?? '—'}</span> },
    ...basicFields.filter((k) => k in r && k !== 'name').map((k) => ({ key: k, label: labelOf(k), children: display(r[k]) })),
  ];

  const g = r.grid;
  const where: DescriptionsProps['items'] = [
    {
      key: 'household',
      label: '所属居民户',
      children: r.household ? (
        <Link to={`/households/${r.household.id}`}>
          户主 {r.household.headName ?? '—'}
          {r.household.householdNo ? `（户编号 ${r.household.householdNo}）` : ''}
        </Link>
      ) : (
        '—'
      ),
    },
    {
      key: 'house',
      label: '房屋',
      children: r.house ? `${houseLabel(r.house)}${r.house.status ? `（${r.house.status}）` : ''}` : '—',
    },
    {
      key: 'building',
      label: '楼栋',
      children: r.building ? <Link to={`/buildings/${r.building.id}`}>{r.building.name}</Link> : '—',
    },
    { key: 'buildingAddress', label: '楼栋地址', children: r.building?.address ?? '—' },
    { key: 'grid', label: '所属网格', children: g ? `${g.name}${g.code ? `（${g.code}）` : ''}` : (r.gridName ?? '—') },
  ];

  return (
    <div className="page-card" data-testid="resident-detail">
      <div className="page-head">
        <Typography.Title level={4}>
          <Link to="/residents" aria-label="返回">
            <ArrowLeftOutlined style={{ marginRight: 10, fontSize: 16 }} />
          </Link>
          {r.name}
        </Typography.Title>
        {r.orgChain?.length ? (
          <Typography.Text type="secondary" className="page-chain">
            {r.orgChain.map((o) => o.name).join(' / ')}
          </Typography.Text>
        ) : null}
        <span style={{ flex: 1 }} />
        {access.canUnmask ? (
          <Tooltip title="查看完整身份证号和电话，本次查看将记入审计日志" placement="bottomRight">
            <Button icon={<EyeOutlined />} onClick={unmask} loading={unmasking} disabled={!!full} data-testid="unmask">
              {full ? '已显示完整信息' : '显示完整信息'}
            </Button>
          </Tooltip>
        ) : null}
      </div>
      <Tabs
        items={[
          {
            key: 'basic',
            label: '基本信息',
            children: <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} items={items} />,
          },
          {
            key: 'where',
            label: '居住信息',
            children: <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} items={where} />,
          },
          {
            key: 'versions',
            label: '版本记录',
            children: <VersionHistory load={loadVersions} labelOf={labelOf} />,
          },
        ]}
      />
      {access.canViewTags ? (
        <div style={{ marginTop: 16 }}>
          <ElementTagPanel type="resident" id={Number(r.id)} />
        </div>
      ) : null}
    </div>
  );
}
