/** 标签日志 daily chart (T-7): changes per day stacked by update type (手动 / 自动计算 / 条线推送), every day of the window on the axis. */
import dayjs from 'dayjs';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useMemo, useRef } from 'react';
import type { DailyStat } from '../../api';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const axis = {
  axisLine: { lineStyle: { color: '#3a4450' } },
  axisLabel: { color: '#8c96a3' },
  splitLine: { lineStyle: { color: '#262e39' } },
};
const SERIES = [
  { key: 'manual', name: '手动', color: '#22c55e' },
  { key: 'auto', name: '自动计算', color: '#3b82f6' },
  { key: 'line', name: '条线推送', color: '#a855f7' },
] as const;

/** Every day from `from` to `to` (YYYY-MM-DD), with the counts of the days that had changes. */
export function fillDays(daily: DailyStat[], from: string, to: string): DailyStat[] {
  const byDay = new Map(daily.map((d) => [d.day, d]));
  const out: DailyStat[] = [];
  for (let d = dayjs(from); !d.isAfter(dayjs(to), 'day'); d = d.add(1, 'day')) {
    const day = d.format('YYYY-MM-DD');
    out.push(byDay.get(day) ?? { day, manual: 0, auto: 0, line: 0, added: 0, removed: 0 });
  }
  return out;
}

export default function DailyChart({ daily, from, to }: { daily: DailyStat[]; from: string; to: string }) {
  const el = useRef<HTMLDivElement>(null);
  const days = useMemo(() => fillDays(daily, from, to), [daily, from, to]);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.setOption({
      backgroundColor: 'transparent',
      textStyle: { fontFamily: '"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif' },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      legend: { top: 0, textStyle: { color: '#d3d9e0' } },
      tooltip: { trigger: 'axis', backgroundColor: '#242c37', borderColor: '#35404c', textStyle: { color: '#d3d9e0' } },
      xAxis: { type: 'category', data: days.map((d) => d.day.slice(5)), ...axis },
      yAxis: { type: 'value', minInterval: 1, ...axis },
      series: SERIES.map((s) => ({
        type: 'bar',
        name: s.name,
        stack: 'changes',
        barMaxWidth: 18,
        itemStyle: { color: s.color },
        data: days.map((d) => d[s.key]),
      })),
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [days]);
  return <div ref={el} style={{ height: 220, marginBottom: 12 }} data-testid="tag-daily-chart" />;
}
