// The capacity step chart: load factor on x (each tick also names the clients at that step),
// achieved msg/s on the left axis, p99 latency on the right; the good steps shaded, the last
// good step, the first bad step and the knee marked with points of their own.

import type { CapacityReport, CapacityStep, LatencyMetric } from '../../../result/capacity.ts';
import { fmtFraction, fmtInt } from '../format.ts';
import { PALETTE, lineDataset, type ChartSpec } from './chart-spec.ts';

const P99_LABEL: Record<LatencyMetric, string> = { 'endToEnd.p99': 'e2e p99 (right axis)', 'connect.p99': 'connect p99 (right axis)' };

function p99(step: CapacityStep, metric: LatencyMetric): number | null {
  if (metric === 'endToEnd.p99') return step.endToEndSamples > 0 ? step.endToEndP99Ms : null;
  return step.connectSamples > 0 ? step.connectP99Ms : null;
}

function marker(
  label: string,
  colour: string,
  pointStyle: string,
  point: { x: number; y: number | null } | null,
  yAxisID = 'y',
): Record<string, unknown> | null {
  if (!point || point.y === null) return null;
  return lineDataset(label, colour, [point], {
    showLine: false,
    pointRadius: 9,
    pointHoverRadius: 10,
    pointStyle,
    borderWidth: 2,
    yAxisID,
    backgroundColor: `${colour}55`,
  });
}

export function capacityChart(report: CapacityReport): ChartSpec | null {
  const steps = report.steps.filter((s) => !s.interrupted);
  if (steps.length === 0) return null;
  const metric: LatencyMetric = steps.some((s) => s.endToEndSamples > 0) ? 'endToEnd.p99' : 'connect.p99';
  const at = (s: CapacityStep | null | undefined, pick: (s: CapacityStep) => number | null) => (s ? { x: s.factor, y: pick(s) } : null);
  const kneeStep = report.knee ? steps.find((s) => s.k === report.knee!.k) : undefined;
  const datasets = [
    lineDataset(
      'msg/s published',
      PALETTE.blue,
      steps.map((s) => ({ x: s.factor, y: s.publishedPerSec })),
      { pointRadius: 3 },
    ),
    lineDataset(
      'msg/s received',
      PALETTE.green,
      steps.map((s) => ({ x: s.factor, y: s.receivedPerSec })),
      { pointRadius: 3, borderDash: [5, 3] },
    ),
    lineDataset(
      P99_LABEL[metric],
      PALETTE.orange,
      steps.map((s) => ({ x: s.factor, y: p99(s, metric) })),
      { pointRadius: 3, yAxisID: 'yLatency', spanGaps: true },
    ),
    marker(
      'last good step',
      PALETTE.green,
      'rectRot',
      at(report.lastGood, (s) => s.publishedPerSec),
    ),
    marker(
      'first bad step',
      PALETTE.red,
      'crossRot',
      at(report.firstBad, (s) => s.publishedPerSec),
    ),
    marker(
      'knee',
      PALETTE.purple,
      'triangle',
      at(kneeStep, (s) => p99(s, metric)),
      'yLatency',
    ),
  ].filter((d): d is Record<string, unknown> => d !== null);
  const first = steps[0]!.factor;
  const last = steps[steps.length - 1]!.factor;
  const pad = steps.length > 1 ? (last - first) * 0.04 : Math.max(first * 0.1, 0.01);
  return {
    id: 'chart-capacity',
    title: 'Capacity steps: throughput and latency as the load rises',
    caption:
      'Each point is one step, held at a steady load. Where the orange latency line bends upward faster than the load grows is the knee; the shaded steps passed every gate.',
    config: {
      type: 'line',
      data: { datasets },
      options: {
        scales: {
          x: { type: 'linear', min: first - pad, max: last + pad, title: { display: true, text: 'load factor (clients at that step)' } },
          y: { beginAtZero: true, title: { display: true, text: 'messages / s' } },
          yLatency: {
            position: 'right',
            beginAtZero: true,
            grid: { drawOnChartArea: false },
            ticks: { color: PALETTE.orange },
            title: { display: true, text: `${metric === 'endToEnd.p99' ? 'e2e' : 'connect'} p99, ms`, color: PALETTE.orange },
          },
        },
      },
    },
    fixedTicks: [{ axis: 'x', ticks: steps.map((s) => ({ value: s.factor, label: `×${fmtFraction(s.factor)} (${fmtInt(s.clients)})` })) }],
    band: report.lastGood ? { from: first - pad, to: report.lastGood.factor, label: 'good steps' } : undefined,
  };
}
