// The broker's own view over time: connected clients and message rates (from its counters),
// drawn on the run's time axis beside fleetstorm's figures for the same seconds.

import { carriersOf } from '../../../monitor/highlights.ts';
import { pairwiseRates, sumOfSteps } from '../../../monitor/derive.ts';
import type { Point } from '../../../result/broker-side.ts';
import type { Result } from '../../../result/types.ts';
import { PALETTE, lineDataset, timeAxis, type ChartSpec } from './chart-spec.ts';

// Before the run only the baseline lies; it is not drawn.
const xy = (points: Point[]) => points.filter(([t]) => t >= 0).map(([x, y]) => ({ x, y: Math.round(y * 10) / 10 }));

export function brokerChart(result: Result): ChartSpec | null {
  const broker = result.broker;
  if (!broker) return null;
  const connected = carriersOf(broker.sources, 'connected');
  const received = carriersOf(broker.sources, 'received');
  const sent = carriersOf(broker.sources, 'sent');
  if (connected.length + received.length + sent.length === 0) return null;
  const datasets: Array<Record<string, unknown>> = [];
  if (connected.length) {
    datasets.push(lineDataset('broker: connected clients', PALETTE.blue, xy(sumOfSteps(connected)), { stepped: 'after' }));
    datasets.push(
      lineDataset(
        'fleetstorm: connected',
        PALETTE.blue,
        result.timeline.map((p) => ({ x: p.t, y: p.connected })),
        { borderDash: [6, 4], borderWidth: 1 },
      ),
    );
  }
  if (received.length) {
    datasets.push(lineDataset('broker: received msg/s', PALETTE.green, xy(sumOfSteps(received.map(pairwiseRates))), { yAxisID: 'yRate' }));
    datasets.push(
      lineDataset(
        'fleetstorm: published msg/s',
        PALETTE.green,
        result.timeline.map((p) => ({ x: p.t, y: p.published })),
        { yAxisID: 'yRate', borderDash: [6, 4], borderWidth: 1 },
      ),
    );
  }
  if (sent.length)
    datasets.push(lineDataset('broker: sent msg/s', PALETTE.orange, xy(sumOfSteps(sent.map(pairwiseRates))), { yAxisID: 'yRate' }));
  const { steadyStartMs, steadyEndMs } = result.run;
  return {
    id: 'chart-broker',
    title: 'Broker-side view over time',
    caption:
      'Connected clients and message rates as the broker reports them (rates from its counters between reports), with fleetstorm’s own figures dashed. Where the lines part, one side counted something the other did not.',
    config: {
      type: 'line',
      data: { datasets },
      options: {
        scales: {
          x: timeAxis(),
          y: { beginAtZero: true, title: { display: true, text: 'connections' } },
          yRate: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'messages / s' } },
        },
      },
    },
    band:
      steadyStartMs === null
        ? undefined
        : { from: steadyStartMs / 1000, to: (steadyEndMs ?? result.run.durationMs) / 1000, label: 'steady state' },
  };
}
