// Node-side twin of the page script (client-script.ts): a ChartSpec → a Chart.js configuration
// with its tick callbacks and the steady-state band plugin, for the PNG renderer.

import type { ChartSpec } from './chart-spec.ts';

interface BandOptions {
  from?: number;
  to?: number;
  label?: string;
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
  fillStyle: unknown;
  font: string;
}

export function bandPlugin(fontFamily: string) {
  return {
    id: 'fleetstormBand',
    beforeDatasetsDraw(chart: ChartLike, _args: unknown, opts: BandOptions) {
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
  const options = config.options as Record<string, any>;
  options.plugins = { ...(options.plugins ?? {}), fleetstormBand: spec.band ?? {} };
  options.plugins.title = { display: true, text: spec.title, font: { size: 15, weight: 'bold' } };
  for (const fixed of spec.fixedTicks ?? []) {
    const ticks = fixed.ticks;
    const scale = options.scales[fixed.axis];
    scale.afterBuildTicks = (axis: { ticks: Array<{ value: number }> }) => {
      axis.ticks = ticks.map((t) => ({ value: t.value }));
    };
    scale.ticks = { ...(scale.ticks ?? {}), autoSkip: false, callback: (value: number) => ticks.find((t) => t.value === value)?.label ?? '' };
  }
  config.plugins = [bandPlugin(fontFamily)];
  return config as unknown as Record<string, unknown>;
}
