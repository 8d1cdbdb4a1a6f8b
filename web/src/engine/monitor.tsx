/**
 * Shared by 运行监控 and 消息监控: the stats request with its 10-second auto-refresh, the toolbar, and the ECharts
 * charts (echarts/core with only the pieces used, so the bundle stays small).
 */
import { PauseCircleOutlined, PlayCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Empty, Segmented, Space, Tooltip, Typography, theme } from 'antd';
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type DataZoomComponentOption,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../shell/format';
import { useRequest } from '../shell/useRequest';
import { fetchStats, type Stats } from './api';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, CanvasRenderer]);

export type ChartOption = echarts.ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | DataZoomComponentOption
>;

/** One ECharts instance bound to a div; follows the container's size. */
export function Chart({ option, height = 300, testId }: { option: ChartOption; height?: number; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!el.current) return undefined;
    const instance = echarts.init(el.current);
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={el} style={{ width: '100%', height }} data-testid={testId} />;
}

/** Windows the stats endpoint accepts (at most 6 hours). */
export const WINDOWS = [15, 60, 180, 360] as const;
const REFRESH_MS = 10_000;

export interface StatsState {
  data: Stats | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  minutes: number;
  setMinutes: (m: number) => void;
  auto: boolean;
  setAuto: (a: boolean) => void;
  updatedAt: Date | null;
}

/** The domain's stats over the chosen window, refreshed every 10 s unless paused (or the tab is hidden). */
export function useStats(domainId: string | undefined): StatsState {
  const [minutes, setMinutes] = useState<number>(60);
  const [auto, setAuto] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const stats = useRequest(
    () =>
      domainId
        ? fetchStats(domainId, minutes).then((s) => {
            setUpdatedAt(new Date());
            return s;
          })
        : Promise.resolve(undefined),
    [domainId, minutes],
  );
  const { reload } = stats;
  useEffect(() => {
    if (!auto) return undefined;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [auto, reload]);
  return { ...stats, minutes, setMinutes, auto, setAuto, updatedAt };
}

export function MonitorToolbar({ stats }: { stats: StatsState }) {
  const { t } = useTranslation();
  return (
    <Space wrap>
      <Segmented<number>
        value={stats.minutes}
        onChange={stats.setMinutes}
        options={WINDOWS.map((m) => ({ value: m, label: t(`engine.monitor.window.${m}`) }))}
      />
      <Tooltip title={stats.auto ? t('engine.monitor.pause') : t('engine.monitor.resume')}>
        <Button
          icon={stats.auto ? <PauseCircleOutlined /> : <PlayCircleOutlined />}
          onClick={() => stats.setAuto(!stats.auto)}
          data-testid="monitor-auto"
        >
          {stats.auto ? t('engine.monitor.autoOn') : t('engine.monitor.autoOff')}
        </Button>
      </Tooltip>
      <Button icon={<ReloadOutlined />} onClick={stats.reload} loading={stats.loading && !!stats.data}>
        {t('common.refresh')}
      </Button>
      {stats.updatedAt ? (
        <Typography.Text type="secondary">
          {t('engine.monitor.updatedAt', { time: formatTime(stats.updatedAt.toISOString()).slice(11) })}
        </Typography.Text>
      ) : null}
    </Space>
  );
}

/** Minute labels HH:mm in the hospital's time zone. */
function minuteLabel(iso: string): string {
  return formatTime(iso).slice(11, 16);
}

/** Received / delivered / failed per minute. */
export function TrendChart({ perMinute, height = 300 }: { perMinute: Stats['perMinute']; height?: number }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  if (!perMinute.length) return <Empty description={t('engine.monitor.noTraffic')} style={{ padding: 48 }} />;
  const x = perMinute.map((p) => minuteLabel(p.minute));
  const line = (name: string, data: number[], color: string): LineSeriesOption => ({
    name,
    type: 'line',
    data,
    smooth: true,
    showSymbol: false,
    itemStyle: { color },
    areaStyle: { opacity: 0.08 },
  });
  const option: ChartOption = {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: x, boundaryGap: false },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      line(
        t('engine.monitor.received'),
        perMinute.map((p) => p.received),
        token.colorPrimary,
      ),
      line(
        t('engine.monitor.delivered'),
        perMinute.map((p) => p.delivered),
        token.colorSuccess,
      ),
      line(
        t('engine.monitor.failed'),
        perMinute.map((p) => p.failed),
        token.colorError,
      ),
    ],
  };
  return <Chart option={option} height={height} testId="monitor-trend" />;
}

/** Horizontal bars, the largest on top. */
export function RankingChart({
  rows,
  height,
  series,
}: {
  rows: { label: string }[];
  height?: number;
  series: { name: string; values: number[]; color: string; stack?: string }[];
}) {
  const { t } = useTranslation();
  if (!rows.length) return <Empty description={t('engine.monitor.noTraffic')} style={{ padding: 48 }} />;
  const option: ChartOption = {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: series.length > 1 ? { top: 0 } : undefined,
    grid: { left: 8, right: 24, top: series.length > 1 ? 32 : 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: {
      type: 'category',
      data: rows.map((r) => r.label).reverse(),
      axisLabel: { width: 160, overflow: 'truncate' },
    },
    series: series.map((s): BarSeriesOption => ({
      name: s.name,
      type: 'bar',
      stack: s.stack,
      data: [...s.values].reverse(),
      itemStyle: { color: s.color },
      barMaxWidth: 18,
    })),
  };
  return <Chart option={option} height={height ?? Math.max(160, rows.length * 28 + 40)} testId="monitor-ranking" />;
}
