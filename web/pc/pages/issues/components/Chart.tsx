/** A small ECharts wrapper: only the line and bar charts the analysis needs (tree-shaken core). */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

const axis = {
  axisLine: { lineStyle: { color: '#3a4450' } },
  axisLabel: { color: '#8c96a3' },
  splitLine: { lineStyle: { color: '#262e39' } },
};

export default function Chart({
  kind,
  labels,
  values,
  testId,
}: {
  kind: 'line' | 'bar';
  labels: string[];
  values: number[];
  testId: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.setOption({
      backgroundColor: 'transparent',
      textStyle: { fontFamily: '"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif' },
      grid: { left: kind === 'bar' ? 100 : 40, right: 24, top: 16, bottom: 32 },
      tooltip: { trigger: 'axis', backgroundColor: '#242c37', borderColor: '#35404c', textStyle: { color: '#d3d9e0' } },
      ...(kind === 'bar'
        ? { xAxis: { type: 'value', minInterval: 1, ...axis }, yAxis: { type: 'category', data: labels, inverse: true, ...axis } }
        : { xAxis: { type: 'category', data: labels, ...axis }, yAxis: { type: 'value', minInterval: 1, ...axis } }),
      series: [
        kind === 'bar'
          ? { type: 'bar', name: '问题数', data: values, barMaxWidth: 18, itemStyle: { color: '#5b8bc4', borderRadius: [0, 3, 3, 0] } }
          : {
              type: 'line',
              name: '问题数',
              data: values,
              smooth: true,
              symbolSize: 6,
              lineStyle: { color: '#5b8bc4', width: 2 },
              itemStyle: { color: '#5b8bc4' },
              areaStyle: { color: 'rgba(91,139,196,0.15)' },
            },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [kind, labels, values]);
  return <div ref={el} className="is-chart" data-testid={testId} />;
}
