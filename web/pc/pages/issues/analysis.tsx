/**
 * 分析研判: hotspots by area (map), period (line) and category (bar); and the lists that need
 * a second look — 疑难 (returned ≥ 2 times), 无责任单位 (feeds the responsibility list), 遗留.
 */
import { Card, Col, DatePicker, Empty, Row, Segmented, Select, Space, Spin, Tabs } from 'antd';
import type { Dayjs } from 'dayjs';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { type Analysis, issuesApi } from './api';
import IssuesNav from './components/IssuesNav';
import IssueTable from './components/IssueTable';
import './issues.css';

// ECharts and OpenLayers only load with this page.
const Chart = lazy(() => import('./components/Chart'));
const HotspotMap = lazy(() => import('./components/HotspotMap'));

const PERIODS = [
  { value: 'day', label: '按日' },
  { value: 'week', label: '按周' },
  { value: 'month', label: '按月' },
];
const LEVELS = [
  { value: '2', label: '按区' },
  { value: '3', label: '按街道' },
  { value: '4', label: '按社区' },
  { value: '5', label: '按网格' },
];

export default function IssueAnalysisPage() {
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [period, setPeriod] = useState('week');
  const [areaLevel, setAreaLevel] = useState<string | undefined>();
  const [data, setData] = useState<Analysis | null>(null);

  useEffect(() => {
    let live = true;
    setData(null);
    issuesApi.analysis({ from: range?.[0]?.format('YYYY-MM-DD'), to: range?.[1]?.format('YYYY-MM-DD'), period, areaLevel }).then(
      (r) => live && setData(r),
      () => live && setData({ byArea: [], byPeriod: [], byCategory: [], difficult: [], blocked: [], legacy: [] }),
    );
    return () => {
      live = false;
    };
  }, [range, period, areaLevel]);

  const spots = useMemo(
    () =>
      (data?.byArea ?? [])
        .filter((a) => a.lng !== null && a.lat !== null)
        .map((a) => ({ name: a.name, count: a.count, lng: a.lng as number, lat: a.lat as number })),
    [data],
  );
  const periodLabels = useMemo(() => (data?.byPeriod ?? []).map((p) => p.period), [data]);
  const periodValues = useMemo(() => (data?.byPeriod ?? []).map((p) => p.count), [data]);
  const catLabels = useMemo(() => (data?.byCategory ?? []).slice(0, 12).map((c) => c.name), [data]);
  const catValues = useMemo(() => (data?.byCategory ?? []).slice(0, 12).map((c) => c.count), [data]);
  const loading = <Spin style={{ display: 'block', margin: '100px auto' }} />;

  return (
    <div className="is-page" data-testid="issue-analysis">
      <div className="page-head">
        <IssuesNav active="/issues/analysis" />
        <Space wrap>
          <DatePicker.RangePicker
            value={range}
            onChange={(v) => setRange(v)}
            allowEmpty={[true, true]}
            placeholder={['开始日期', '结束日期']}
          />
          <Segmented value={period} options={PERIODS} onChange={(v) => setPeriod(String(v))} />
          <Select
            allowClear
            placeholder="区域层级（默认下一级）"
            style={{ width: 200 }}
            options={LEVELS}
            value={areaLevel}
            onChange={setAreaLevel}
          />
        </Space>
      </div>
      <Row gutter={16}>
        <Col xs={24} xl={12}>
          <Card className="is-card" title="热点区域">
            {!data ? (
              loading
            ) : spots.length ? (
              <Suspense fallback={loading}>
                <HotspotMap spots={spots} />
              </Suspense>
            ) : (
              <Empty description="所选范围内没有问题" />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card className="is-card" title="时段分布">
            {!data ? (
              loading
            ) : periodLabels.length ? (
              <Suspense fallback={loading}>
                <Chart kind="line" labels={periodLabels} values={periodValues} testId="chart-period" />
              </Suspense>
            ) : (
              <Empty description="暂无数据" />
            )}
          </Card>
          <Card className="is-card" title="类别分布（前 12 类）">
            {!data ? (
              loading
            ) : catLabels.length ? (
              <Suspense fallback={loading}>
                <Chart kind="bar" labels={catLabels} values={catValues} testId="chart-category" />
              </Suspense>
            ) : (
              <Empty description="暂无数据" />
            )}
          </Card>
        </Col>
      </Row>
      <Card className="is-card" title="重点问题">
        <Tabs
          items={[
            {
              key: 'difficult',
              label: `疑难问题（${data?.difficult.length ?? 0}）`,
              hint: '被退单或核查不通过两次及以上',
              items: data?.difficult,
            },
            {
              key: 'blocked',
              label: `无责任单位（${data?.blocked.length ?? 0}）`,
              hint: '类别没有责任部门，请补充五方责任清单',
              items: data?.blocked,
            },
            {
              key: 'legacy',
              label: `遗留问题（${data?.legacy.length ?? 0}）`,
              hint: '已受理但暂不具备解决条件，需二次处置或核销',
              items: data?.legacy,
            },
          ].map((t) => ({
            key: t.key,
            label: t.label,
            children: (
              <>
                <div className="muted" style={{ marginBottom: 8 }}>
                  {t.hint}
                </div>
                <IssueTable items={t.items ?? []} loading={!data} pagination={{ pageSize: 10 }} empty="暂无" />
              </>
            ),
          }))}
        />
      </Card>
    </div>
  );
}
