// The "Broker-side view" of the HTML report: present only with a broker section, the broker's
// figures beside fleetstorm's, and its chart among the inlined specs.

import { describe, expect, it } from 'vitest';
import { brokerChart } from '../../../src/report/html/charts/broker-chart.ts';
import type { ChartSpec } from '../../../src/report/html/charts/chart-spec.ts';
import { renderHtmlReport } from '../../../src/report/html/render.ts';
import type { BrokerSide } from '../../../src/result/broker-side.ts';
import { makeResult } from '../../fixtures/make-result.ts';

const broker: BrokerSide = {
  sources: [
    {
      url: 'mqtt://127.0.0.1:18830',
      kind: 'sys',
      version: 'mosquitto version 2.0.11',
      series: {
        '$SYS/broker/clients/connected': [
          [-0.5, 1],
          [1, 51],
          [2, 101],
        ],
        '$SYS/broker/publish/messages/received': [
          [-0.5, 0],
          [1, 100],
          [2, 300],
          [3, 450],
        ],
        '$SYS/broker/publish/messages/sent': [
          [-0.5, 10],
          [2, 410],
        ],
      },
    },
    {
      url: 'http://127.0.0.1:9/metrics',
      kind: 'prometheus',
      series: {},
      error: 'scrape http://127.0.0.1:9/metrics: connect ECONNREFUSED 127.0.0.1:9',
    },
  ],
  highlights: {
    connected: 101,
    monitorClients: 1,
    messagesReceived: 450,
    messagesReceivedPerSec: 200,
    runSamples: { fromSec: -0.5, toSec: 3 },
    steadySamples: { fromSec: 1, toSec: 3, received: 350 },
    messagesSent: 400,
    dropped: 3,
    heapBytes: 2 * 1048576,
  },
};

function specsOf(html: string): ChartSpec[] {
  const m = /<script type="application\/json" id="fleetstorm-charts">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(m![1]!.replace(/\\u003c/g, '<')) as ChartSpec[];
}

describe('Broker-side view in the HTML report', () => {
  it('is left out when the run had no broker monitor', () => {
    const html = renderHtmlReport(makeResult());
    expect(html).not.toContain('Broker-side view');
    expect(specsOf(html).map((s) => s.id)).not.toContain('chart-broker');
  });

  it('shows the broker’s figures beside fleetstorm’s, its sources, and the chart', () => {
    const result = { ...makeResult(), broker };
    const html = renderHtmlReport(result);
    const section = /<section id="broker">([\s\S]*?)<\/section>/.exec(html)![1]!;
    const rows = [
      ...section.matchAll(/<tr[^>]*><th scope="row">([^<]*)<\/th><td class="num">([^<]*)<\/td><td class="num">([^<]*)<\/td>/g),
    ].map((m) => [m[1], m[2], m[3]]);
    const s = result.summary;
    const int = (n: number) => n.toLocaleString('en-US');
    expect(rows).toEqual([
      // The broker's peak without its monitor connection, beside fleetstorm's peak.
      ['clients connected (peak)', int(s.connections.peakConcurrent), '100'],
      // fleetstorm's count over the same span as the broker's samples (-0.5 s .. 3 s): a range of timeline seconds.
      ['messages in: fleetstorm published · broker received', expect.stringMatching(/^[\d,]+(–[\d,]+)?$/), '450'],
      ['rate in (steady state)', expect.stringMatching(/\/s$/), '200/s'],
      ['messages out: fleetstorm received · broker sent', int(s.messages.received), '400'],
      ['rate out (steady state)', expect.stringMatching(/\/s$/), '–'],
      ['fleetstorm lost · broker dropped', int(s.messages.lost), '3'],
      ['broker heap (peak)', '', '2 MiB'],
    ]);
    expect(section).toContain('mosquitto version 2.0.11');
    expect(section).toContain('connect ECONNREFUSED 127.0.0.1:9');
    expect(section).toContain('<canvas id="chart-broker"');
    expect(specsOf(html).map((s) => s.id)).toContain('chart-broker');
  });

  it('draws the broker’s connected clients and its rates from counter deltas, baseline left out', () => {
    const spec = brokerChart({ ...makeResult(), broker })!;
    const byLabel = Object.fromEntries(spec.config.data.datasets.map((d) => [d.label as string, d.data]));
    expect(byLabel['broker: connected clients']).toEqual([
      { x: 1, y: 51 },
      { x: 2, y: 101 },
    ]);
    expect(byLabel['broker: received msg/s']).toEqual(
      [
        { x: 1, y: 100 / 1.5 },
        { x: 2, y: 200 },
        { x: 3, y: 150 },
      ].map((p) => ({ x: p.x, y: Math.round(p.y * 10) / 10 })),
    );
    expect(byLabel['broker: sent msg/s']).toEqual([{ x: 2, y: 160 }]);
    expect(byLabel['fleetstorm: published msg/s']).toHaveLength(makeResult().timeline.length);
    expect(brokerChart(makeResult())).toBeNull();
  });
});
