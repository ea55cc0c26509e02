/** 标签档案 (G-2, T-3, T-7): one element's tags (户标签 and 走访标签 for a 居民户) with their history. */
import { Button, Result, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { navigate } from '../../../../shared/router';
import { fetchElementTags } from '../api';
import ElementTagPanel from '../ElementTagPanel';

const TYPE_LABELS: Record<string, string> = {
  resident: '人口',
  household: '居民户',
  building: '楼栋',
  merchant: '商户',
  enterprise: '企业',
  institution: '驻区单位',
  facility: '公共设施',
};
/** The element's own page, where there is one. */
const DETAIL: Record<string, (id: number) => string> = {
  resident: (id) => `/residents/${id}`,
  household: (id) => `/households/${id}`,
  building: (id) => `/buildings/${id}`,
  merchant: (id) => `/elements/merchant/${id}`,
  enterprise: (id) => `/elements/enterprise/${id}`,
  institution: (id) => `/elements/institution/${id}`,
  facility: (id) => `/elements/facility/${id}`,
};

export default function ElementTagsPage({ type, id }: { type: string; id: string }) {
  const n = Number(id);
  const [name, setName] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    if (!TYPE_LABELS[type] || !Number.isInteger(n) || n <= 0) return setMissing(true);
    fetchElementTags(type, n)
      .then((r) => setName(r.name))
      .catch(() => setMissing(true));
  }, [type, n]);
  if (missing) return <Result status="404" title="对象不存在" subTitle="该对象不存在或不在您的管辖范围内。" />;
  return (
    <div className="page-card" data-testid="element-tags-page">
      <div className="page-head">
        <Typography.Title level={4}>
          标签档案 · {TYPE_LABELS[type]} {name ?? ''}
        </Typography.Title>
        <Button onClick={() => navigate(DETAIL[type](n))}>查看{TYPE_LABELS[type]}详情</Button>
      </div>
      <ElementTagPanel type={type} id={n} />
    </div>
  );
}
