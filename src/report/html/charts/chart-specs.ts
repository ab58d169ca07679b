// Every chart of the report as a ChartSpec built from a Result. Charts with nothing to draw are
// left out (null) so the page shows a sentence instead of an empty frame.

import type { LatencyName, Result } from '../../../result/types.ts';
import { LATENCY_NAMES } from '../../../result/types.ts';
import { PALETTE, SERIES_COLOURS, lineDataset, timeAxis, type ChartSpec } from './chart-spec.ts';
import { latencyLogTicks, percentileCurve, percentileTicks } from './percentile-curve.ts';

const LATENCY_LABELS: Record<LatencyName, string> = {
  connect: 'connect',
  subscribe: 'subscribe',
  publishAck: 'publish ack',
  endToEnd: 'end to end',
  reconnect: 'reconnect gap',
  commandRoundTrip: 'command round trip',
};
const LATENCY_COLOURS: Record<LatencyName, string> = {
  connect: PALETTE.orange,
  subscribe: PALETTE.purple,
  publishAck: PALETTE.teal,
  endToEnd: PALETTE.blue,
  reconnect: PALETTE.red,
  commandRoundTrip: PALETTE.sky,
};

function steadyBand(result: Result): ChartSpec['band'] {
  const { steadyStartMs, steadyEndMs } = result.run;
  if (steadyStartMs === null) return undefined;
  const to = (steadyEndMs ?? result.run.durationMs) / 1000;
  return { from: steadyStartMs / 1000, to, label: 'steady state' };
}

function series(result: Result, pick: (p: Result['timeline'][number]) => number): Array<{ x: number; y: number }> {
  return result.timeline.map((p) => ({ x: p.t, y: pick(p) }));
}

/** Migration cut-overs as chart markers: "C1" at the first cohort's cut-over, and so on. */
function cohortMarkers(result: Result): ChartSpec['markers'] {
  const cohorts = result.migration?.cohorts ?? [];
  if (cohorts.length === 0) return undefined;
  return cohorts.map((c) => ({ x: c.atMs / 1000, label: `C${c.index + 1}` }));
}

export function shapeChart(result: Result): ChartSpec | null {
  if (result.timeline.length === 0) return null;
  const markers = cohortMarkers(result);
  const caption =
    'Open connections each second against the ramp the plan asked for. A gap means the broker (or the load host) could not keep up with the connect rate; a dip later on is connections lost and coming back.';
  return {
    id: 'chart-shape',
    title: 'Connections: planned ramp vs reality',
    caption: markers ? `${caption} Dashed violet lines (C1, C2, …) mark the migration cohorts' cut-overs.` : caption,
    config: {
      type: 'line',
      data: {
        datasets: [
          lineDataset(
            'planned',
            PALETTE.grey,
            series(result, (p) => p.plannedConnected),
            { borderDash: [6, 4] },
          ),
          lineDataset(
            'connected',
            PALETTE.blue,
            series(result, (p) => p.connected),
          ),
        ],
      },
      options: { scales: { x: timeAxis(), y: { beginAtZero: true, title: { display: true, text: 'connections' } } } },
    },
    band: steadyBand(result),
    ...(markers ? { markers } : {}),
  };
}

export function throughputChart(result: Result): ChartSpec | null {
  if (result.timeline.length === 0) return null;
  return {
    id: 'chart-throughput',
    title: 'Throughput per second',
    caption: 'Messages published, acknowledged by the broker, received by subscribers and counted lost (right axis), in each second.',
    config: {
      type: 'line',
      data: {
        datasets: [
          lineDataset(
            'published',
            PALETTE.blue,
            series(result, (p) => p.published),
          ),
          lineDataset(
            'acked',
            PALETTE.teal,
            series(result, (p) => p.acked),
            { borderDash: [4, 3] },
          ),
          lineDataset(
            'received',
            PALETTE.green,
            series(result, (p) => p.received),
          ),
          lineDataset(
            'lost (right axis)',
            PALETTE.red,
            series(result, (p) => p.lost),
            { yAxisID: 'yLost' },
          ),
        ],
      },
      options: {
        scales: {
          x: timeAxis(),
          y: { beginAtZero: true, title: { display: true, text: 'messages / s' } },
          // Loss is usually tiny next to the message rate; its own axis keeps it visible.
          yLost: {
            position: 'right',
            beginAtZero: true,
            suggestedMax: 1,
            grid: { drawOnChartArea: false },
            ticks: { precision: 0, color: PALETTE.red },
            title: { display: true, text: 'lost / s', color: PALETTE.red },
          },
        },
      },
    },
    band: steadyBand(result),
  };
}

export function latencyOverTimeChart(result: Result): ChartSpec | null {
  if (result.timeline.length === 0) return null;
  // Seconds without samples carry 0; drawing them as gaps keeps a quiet second from looking fast.
  const orGap = (v: number) => (v > 0 ? v : null);
  const ds = (label: string, colour: string, pick: (p: Result['timeline'][number]) => number, dash?: number[]) =>
    lineDataset(
      label,
      colour,
      result.timeline.map((p) => ({ x: p.t, y: orGap(pick(p)) })),
      dash ? { borderDash: dash } : {},
    );
  return {
    id: 'chart-latency',
    title: 'Latency over time',
    caption: 'p50 and p99 of connect and end-to-end latency within each second (gaps: no samples in that second).',
    config: {
      type: 'line',
      data: {
        datasets: [
          ds('end to end p50', PALETTE.blue, (p) => p.endToEndP50Ms),
          ds('end to end p99', PALETTE.blue, (p) => p.endToEndP99Ms, [6, 4]),
          ds('connect p50', PALETTE.orange, (p) => p.connectP50Ms),
          ds('connect p99', PALETTE.orange, (p) => p.connectP99Ms, [6, 4]),
        ],
      },
      options: { spanGaps: false, scales: { x: timeAxis(), y: { beginAtZero: true, title: { display: true, text: 'ms' } } } },
    },
    band: steadyBand(result),
  };
}

export function percentileChart(result: Result): ChartSpec | null {
  const datasets: Array<Record<string, unknown>> = [];
  let maxX = 1;
  let minMs = Infinity;
  let maxMs = 0;
  for (const name of LATENCY_NAMES) {
    const curve = percentileCurve(result.histograms[name]);
    if (curve.length === 0) continue;
    maxX = Math.max(maxX, curve[curve.length - 1]!.x);
    for (const c of curve) {
      minMs = Math.min(minMs, Math.max(c.ms, 0.001));
      maxMs = Math.max(maxMs, c.ms);
    }
    datasets.push(
      lineDataset(
        LATENCY_LABELS[name],
        LATENCY_COLOURS[name],
        curve.map((c) => ({ x: c.x, y: Math.max(c.ms, 0.001) })),
      ),
    );
  }
  if (datasets.length === 0) return null;
  const yTicks = latencyLogTicks(minMs, maxMs);
  return {
    id: 'chart-percentiles',
    title: 'Latency distribution (whole run)',
    caption:
      'Latency at each percentile, HdrHistogram style: every step right is one more nine. The tail on the right is what your slowest devices saw.',
    config: {
      type: 'line',
      data: { datasets },
      options: {
        scales: {
          x: { type: 'logarithmic', min: 1, max: maxX, title: { display: true, text: 'percentile' } },
          y: {
            type: 'logarithmic',
            min: yTicks[0]!.value,
            max: yTicks[yTicks.length - 1]!.value,
            title: { display: true, text: 'latency (log scale)' },
          },
        },
      },
    },
    fixedTicks: [
      { axis: 'x', ticks: percentileTicks(maxX) },
      { axis: 'y', ticks: yTicks },
    ],
  };
}

export function errorsChart(result: Result): ChartSpec | null {
  const reasons = new Map<string, number>();
  for (const p of result.timeline) {
    for (const [reason, n] of Object.entries(p.errors)) reasons.set(reason, (reasons.get(reason) ?? 0) + n);
  }
  const ordered = [...reasons.entries()]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([r]) => r);
  if (ordered.length === 0) return null;
  return {
    id: 'chart-errors',
    title: 'Errors by reason',
    caption: 'Errors in each second, stacked by reason.',
    config: {
      type: 'bar',
      data: {
        labels: result.timeline.map((p) => p.t),
        datasets: ordered.map((reason, i) => ({
          label: reason,
          data: result.timeline.map((p) => p.errors[reason] ?? 0),
          backgroundColor: SERIES_COLOURS[i % SERIES_COLOURS.length],
          stack: 'errors',
        })),
      },
      options: {
        scales: {
          x: { stacked: true, title: { display: true, text: 'seconds since start' }, ticks: { autoSkip: true, maxTicksLimit: 20 } },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: 'errors / s' }, ticks: { precision: 0 } },
        },
      },
    },
  };
}

/** The charts of the HTML report, in page order; absent ones are null. */
export function allChartSpecs(result: Result): Record<'shape' | 'throughput' | 'latency' | 'percentiles' | 'errors', ChartSpec | null> {
  return {
    shape: shapeChart(result),
    throughput: throughputChart(result),
    latency: latencyOverTimeChart(result),
    percentiles: percentileChart(result),
    errors: errorsChart(result),
  };
}
