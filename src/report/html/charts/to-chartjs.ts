// Node-side twin of the page script (client-script.ts): a ChartSpec → a Chart.js configuration
// with its tick callbacks and the plugin drawing the steady-state band and event markers, for the
// PNG renderer.

import type { ChartSpec } from './chart-spec.ts';

interface BandOptions {
  from?: number;
  to?: number;
  label?: string;
  markers?: Array<{ x: number; label: string }>;
}

interface ChartLike {
  ctx: CanvasRenderingContext2DLike;
  chartArea: { left: number; right: number; top: number; bottom: number };
  scales: Record<string, { getPixelForValue(v: number): number }>;
}

interface CanvasRenderingContext2DLike {
  save(): void;
  restore(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
  setLineDash(segments: number[]): void;
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  textAlign: string;
  font: string;
}

/** Marker colour (violet), the same in the page script. */
const MARKER_COLOUR = 'rgba(124, 58, 237, 0.75)';

function drawMarkers(chart: ChartLike, markers: NonNullable<BandOptions['markers']>, fontFamily: string): void {
  const x = chart.scales.x!;
  const area = chart.chartArea;
  const ctx = chart.ctx;
  ctx.save();
  ctx.strokeStyle = MARKER_COLOUR;
  ctx.fillStyle = MARKER_COLOUR;
  ctx.lineWidth = 1;
  ctx.setLineDash([3, 3]);
  ctx.font = `10px ${fontFamily}`;
  ctx.textAlign = 'center';
  for (const m of markers) {
    const px = x.getPixelForValue(m.x);
    if (px < area.left || px > area.right) continue;
    ctx.beginPath();
    // Labels sit below the band's own label, which is drawn at the top.
    ctx.moveTo(px, area.top + 30);
    ctx.lineTo(px, area.bottom);
    ctx.stroke();
    ctx.fillText(m.label, px, area.top + 26);
  }
  ctx.restore();
}

export function bandPlugin(fontFamily: string) {
  return {
    id: 'fleetstormBand',
    beforeDatasetsDraw(chart: ChartLike, _args: unknown, opts: BandOptions) {
      if (opts?.markers?.length) drawMarkers(chart, opts.markers, fontFamily);
      if (!opts || opts.from === undefined || opts.to === undefined) return;
      const x = chart.scales.x!;
      const area = chart.chartArea;
      const left = Math.max(x.getPixelForValue(opts.from), area.left);
      const right = Math.min(x.getPixelForValue(opts.to), area.right);
      if (!(right > left)) return;
      const ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = 'rgba(22, 163, 74, 0.07)';
      ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
      ctx.fillStyle = 'rgba(22, 101, 52, 0.8)';
      ctx.font = `11px ${fontFamily}`;
      ctx.fillText(opts.label ?? '', left + 4, area.top + 12);
      ctx.restore();
    },
  };
}

/** A deep copy of spec.config with callbacks attached; the spec itself is left untouched. */
export function toChartJsConfig(spec: ChartSpec, fontFamily: string): Record<string, unknown> {
  const config = structuredClone(spec.config) as ChartSpec['config'] & { plugins?: unknown[] };
  const options = config.options as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Chart.js options are untyped JSON here;
  options.plugins = { ...(options.plugins ?? {}), fleetstormBand: { ...(spec.band ?? {}), markers: spec.markers ?? [] } };
  options.plugins.title = { display: true, text: spec.title, font: { size: 15, weight: 'bold' } };
  for (const fixed of spec.fixedTicks ?? []) {
    const ticks = fixed.ticks;
    const scale = options.scales[fixed.axis];
    scale.afterBuildTicks = (axis: { ticks: Array<{ value: number }> }) => {
      axis.ticks = ticks.map((t) => ({ value: t.value }));
    };
    scale.ticks = {
      ...(scale.ticks ?? {}),
      autoSkip: false,
      callback: (value: number) => ticks.find((t) => t.value === value)?.label ?? '',
    };
  }
  config.plugins = [bandPlugin(fontFamily)];
  return config as unknown as Record<string, unknown>;
}
