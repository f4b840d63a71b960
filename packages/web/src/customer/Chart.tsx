import { BarChart, GaugeChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useSession } from '../auth/session';

// Only the pieces the panel draws, so the chart chunk stays small. SVG renders crisply in
// screenshots and prints.
echarts.use([
  BarChart,
  GaugeChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  SVGRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;

/** One ECharts chart that follows its container's size. `label` names it for screen readers. */
export function Chart({
  option,
  height = 260,
  label,
  testId,
}: {
  option: ChartOption;
  height?: number;
  label: string;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const palette = useBrandPalette();
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const instance = echarts.init(element, null, { renderer: 'svg' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ color: palette, ...option }, true);
  }, [option, palette]);

  return (
    <div ref={ref} role="img" aria-label={label} data-testid={testId} style={{ width: '100%', height }} />
  );
}

const EXTRA = ['#5470c6', '#91cc75', '#fac858', '#73c0de', '#9a60b4', '#ea7ccc'];

/** The seller's brand colours first, so the charts match the white-label shell. */
function useBrandPalette(): string[] {
  const { branding } = useSession().organization;
  const brand = [branding.primaryColor, branding.accentColor].filter((c): c is string => Boolean(c));
  const key = brand.join(',');
  const cache = useRef<{ key: string; palette: string[] } | null>(null);
  if (cache.current?.key !== key) cache.current = { key, palette: [...brand, ...EXTRA] };
  return cache.current.palette;
}
