// A capacity search against a Mosquitto made small on purpose: `max_connections 250` on its
// listener. 100 devices (+1 subscriber) stepped ×1, ×2, ×3, ×4 must end with the last good step at
// ×2 (202 clients) and the first bad one at ×3 (303 clients), broken by refused connections:
// the limit found within one step.
//
// Mosquitto 2.0.11 (the one here) miscounts max_connections once clients disconnect (the count
// goes below zero, eclipse-mosquitto/mosquitto#1460), so after each step the broker is restarted
// with the same config and port: every step then meets the limit as configured. It also admits
// one client over the limit (251 of 250).

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../../../src/broker/mosquitto.ts';
import { buildCapacityReport } from '../../../src/coordinator/capacity-report.ts';
import { searchCapacity } from '../../../src/coordinator/capacity.ts';
import type { CapacityReport } from '../../../src/result/capacity.ts';
import { renderHtmlReport } from '../../../src/report/html/render.ts';
import { Progress } from '../../../src/report/progress.ts';
import { loadScenario } from '../../../src/scenario/load.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { writeScenario } from '../../helpers/cli.ts';

const LIMIT = 250;

describeWithMosquitto('capacity search against max_connections 250', () => {
  let broker: MosquittoHandle;
  beforeAll(async () => {
    broker = await startMosquitto({ maxConnections: LIMIT });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('reports last good ×2 (202 clients) and first bad ×3, broken by refused connections', async () => {
    const file = writeScenario({
      schema: 1,
      name: 'capacity-limit',
      seed: 7,
      duration: '60s', // replaced by capacity.hold on every step
      drain: '1s',
      broker: { url: broker.url, connectTimeout: '3s' },
      groups: [
        { name: 'subscriber', count: 1, clientId: 'sub-{i}', connectRate: '100/s', subscribe: [{ topic: 'dev/+/state', qos: 1 }] },
        {
          name: 'devices',
          count: 100,
          clientId: 'dev-{i}',
          connectRate: '500/s',
          publish: [{ topic: 'dev/{i}/state', qos: 1, size: 64, rate: '2/s' }],
        },
      ],
      capacity: { vary: 'connections', start: 1, step: 1, maxSteps: 4, hold: '2s', knee: 2, warnAt: '70%', pageAt: '85%' },
      thresholds: { 'connect.p99': '< 2s', 'messages.lossRate': '== 0' },
    });
    const loaded = loadScenario(file);
    const spec = loaded.scenario.capacity!;
    const startedAt = Date.now();
    const search = await searchCapacity({
      loaded,
      spec,
      progress: new Progress({ quiet: true }),
      interrupt: new Promise(() => {}),
      onStep: () => broker.restart(),
    });
    const report: CapacityReport = buildCapacityReport(search.steps, {
      loaded,
      spec,
      defaults: false,
      startedAt,
      endedAt: Date.now(),
      interrupted: false,
    });

    expect(search.unreachable).toBe(false);
    expect(report.steps.map((s) => [s.factor, s.clients, s.ok])).toEqual([
      [1, 101, true],
      [2, 202, true],
      [3, 303, false],
    ]);
    expect(report.lastGood).toMatchObject({ factor: 2, clients: 202, connections: 202, errors: {} });
    // 100 devices × 2 msg/s, ×2; each delivered to both subscribers.
    expect(report.lastGood!.publishedPerSec).toBeGreaterThan(360);
    expect(report.lastGood!.publishedPerSec).toBeLessThan(440);
    expect(report.lastGood!.receivedPerSec).toBeCloseTo(2 * report.lastGood!.publishedPerSec, -1);

    const bad = report.firstBad!;
    expect(bad.factor).toBe(3);
    expect(bad.connections).toBe(LIMIT + 1);
    const refused = Object.entries(bad.errors);
    expect(refused.length).toBeGreaterThan(0);
    for (const [reason] of refused) expect(reason).toMatch(/^(tcp|conn):/);
    expect(refused.reduce((n, [, c]) => n + c, 0)).toBe(303 - (LIMIT + 1));
    expect(report.brokeFirst).toMatchObject({ kind: 'errors', total: 303 - (LIMIT + 1) });

    expect(report.recommendations!.connections).toEqual({ warn: 141, page: 172 }); // 70 % / 85 % of 202
    expect(report.recommendations!.p99).toMatchObject({
      metric: 'endToEnd.p99',
      warnAtFactor: 1.4,
      pageAtFactor: 1.7,
      warnMethod: 'interpolated',
    });
    expect(report.statement[0]).toMatch(/^capacity: 202 connections at [\d.,]+ msg\/s published/);
    expect(report.statement[1]).toContain('first bad step: factor 3, 303 clients, 251 connected; broke first:');

    // The report carries the section, the steps table and the step chart's data.
    const html = renderHtmlReport(search.results[report.lastGood!.k]!, { capacity: report });
    expect(html).toContain('<section id="capacity" data-testid="capacity">');
    expect(html).toContain('capacity: 202 connections');
    expect(html).toContain('<canvas id="chart-capacity"');
    const charts = JSON.parse(/<script type="application\/json" id="fleetstorm-charts">([\s\S]*?)<\/script>/.exec(html)![1]!) as Array<{
      id: string;
      config: { data: { datasets: Array<{ label: string; data: Array<{ x: number; y: number | null }> }> } };
      band?: { to: number };
    }>;
    const chart = charts.find((c) => c.id === 'chart-capacity')!;
    const byLabel = Object.fromEntries(chart.config.data.datasets.map((d) => [d.label, d.data]));
    expect(byLabel['msg/s published']!.map((p) => p.x)).toEqual([1, 2, 3]);
    expect(byLabel['last good step']).toEqual([{ x: 2, y: report.lastGood!.publishedPerSec }]);
    expect(byLabel['first bad step']!.map((p) => p.x)).toEqual([3]);
    expect(chart.band!.to).toBe(2);
    // result.json of every step is what the command writes; its figures match the step's.
    expect(search.results[1]!.summary.connections.peakConcurrent).toBe(202);
    expect(readFileSync(broker.configFile, 'utf8')).toContain(`max_connections ${LIMIT}`);
  }, 60_000);
});
