// The load hosts' own stalls beside the latency chart: each host's event-loop delay p99 and its
// GC pause time in every second. A latency spike that lines up with one of these is the
// generator's, not the broker's.

import { GENERATOR_DELAY_P99_MS } from '../../../metrics/host-health-series.ts';
import type { HostHealth, Result } from '../../../result/types.ts';
import { PALETTE, SERIES_COLOURS, lineDataset, timeAxis, type ChartSpec } from './chart-spec.ts';

/** Hosts drawn at most (the worst by steady event-loop delay p99); the rest are in result.json. */
const MAX_HOSTS = 6;

function worst(health: readonly HostHealth[]): HostHealth[] {
  const p99 = (h: HostHealth) => (h.steady ?? h.run).eventLoopDelayMs.p99;
  return [...health].sort((a, b) => p99(b) - p99(a)).slice(0, MAX_HOSTS);
}

export function generatorChart(result: Result): ChartSpec | null {
  const health = result.health ?? [];
  if (health.every((h) => h.series.t.length === 0)) return null;
  const hosts = worst(health);
  const datasets: Array<Record<string, unknown>> = [];
  hosts.forEach((h, k) => {
    const colour = SERIES_COLOURS[k % SERIES_COLOURS.length]!;
    const at = (col: number[]) => h.series.t.map((t, i) => ({ x: t, y: col[i]! }));
    datasets.push(lineDataset(`event-loop delay p99 · ${h.host}`, colour, at(h.series.eldP99Ms)));
    datasets.push(
      lineDataset(`GC pause ms/s · ${h.host} (right axis)`, colour, at(h.series.gcMs), {
        yAxisID: 'yGc',
        borderDash: [3, 3],
        borderWidth: 1,
      }),
    );
  });
  const ts = hosts.flatMap((h) => h.series.t);
  datasets.push(
    lineDataset(
      `generator-bound above ${GENERATOR_DELAY_P99_MS} ms`,
      PALETTE.grey,
      [
        { x: Math.min(...ts), y: GENERATOR_DELAY_P99_MS },
        { x: Math.max(...ts), y: GENERATOR_DELAY_P99_MS },
      ],
      { borderDash: [8, 4], borderWidth: 1 },
    ),
  );
  const more =
    health.length > hosts.length
      ? ` The ${hosts.length} hosts with the highest delay are drawn; all ${health.length} are in result.json.`
      : '';
  const band =
    result.run.steadyStartMs !== null
      ? { from: result.run.steadyStartMs / 1000, to: (result.run.steadyEndMs ?? result.run.durationMs) / 1000, label: 'steady state' }
      : undefined;
  return {
    id: 'chart-generator',
    title: 'Load generator: event-loop delay and GC',
    caption:
      `Each load host's event-loop delay p99 and the time it spent in garbage-collection pauses, second by second. ` +
      `Every latency above includes these stalls; a p99 above ${GENERATOR_DELAY_P99_MS} ms in steady state marks the run generator-bound.${more}`,
    config: {
      type: 'line',
      data: { datasets },
      options: {
        scales: {
          x: timeAxis(),
          y: { beginAtZero: true, title: { display: true, text: 'event-loop delay p99 (ms)' } },
          yGc: {
            position: 'right',
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            title: { display: true, text: 'GC pause (ms per second)' },
          },
        },
      },
    },
    ...(band ? { band } : {}),
  };
}
