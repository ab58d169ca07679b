// The broker-side view end to end: the real CLI against a real Mosquitto publishing $SYS every
// second, and a Prometheus endpoint served from this process, its figures changing per scrape.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MosquittoHandle } from '../../../src/broker/mosquitto.ts';
import { startMosquitto } from '../../../src/broker/mosquitto.ts';
import { startBrokerMonitor } from '../../../src/monitor/monitor.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

const SENSORS = 20;
const fleet = (monitor?: Record<string, unknown>) => ({
  schema: 1,
  name: 'broker-side',
  duration: '3s',
  drain: '1s',
  groups: [
    {
      name: 'sensors',
      count: SENSORS,
      clientId: 'sensor-{i}',
      connectRate: '400/s',
      publish: [{ topic: 'bs/{i}/t', qos: 1, size: 64, rate: '10/s' }],
    },
    { name: 'backend', count: 1, clientId: 'backend-{i}', subscribe: [{ topic: 'bs/+/t', qos: 1 }] },
  ],
  ...(monitor ? { monitor } : {}),
});

/** Serves scrape k (0, 1, 2, …) with counters that are exact functions of k. */
function exposition(k: number): string {
  return [
    '# TYPE emqx_messages_received counter',
    `emqx_messages_received ${10 * k}`,
    '# TYPE emqx_connections_count gauge',
    `emqx_connections_count{node="n1"} ${100 + k}`,
    '# TYPE lat histogram',
    `lat_bucket{le="1"} ${k}`,
    `lat_count ${k}`,
    '',
  ].join('\n');
}

async function startExporter(): Promise<{ url: string; scrapes: () => number; close: () => Promise<void> }> {
  let served = 0;
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(exposition(served++));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    scrapes: () => served,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describeWithMosquitto('broker-side view from Mosquitto $SYS', () => {
  let broker: MosquittoHandle;
  beforeAll(async () => {
    broker = await startMosquitto({ sysInterval: 1 });
  });
  afterAll(() => broker?.stop());

  it('records the $SYS series and checks them against fleetstorm’s counts', async () => {
    const out = tempDir();
    const run = await runCli(['run', writeScenario(fleet()), '--broker', broker.url, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const r = readResultFile(out);
    const b = r.broker!;
    expect(b.sources).toHaveLength(1);
    const src = b.sources[0]!;
    expect(src).toMatchObject({ url: broker.url, kind: 'sys' });
    expect(src.version).toMatch(/^mosquitto version \d/);
    expect(src.error).toBeUndefined();
    for (const topic of [
      '$SYS/broker/clients/connected',
      '$SYS/broker/publish/messages/received',
      '$SYS/broker/publish/messages/dropped',
      '$SYS/broker/uptime',
    ]) {
      expect(src.series[topic], topic).toBeDefined();
    }
    // Aligned with the run: a baseline just before t=0, then about one point a second.
    const connected = src.series['$SYS/broker/clients/connected']!;
    const endSec = r.run.durationMs / 1000;
    expect(connected[0]![0]).toBeLessThan(0);
    for (const [t] of connected) expect(t).toBeLessThan(endSec + 3);
    // Mosquitto ticks every second (sys_interval 1): every tick is kept, about a second apart.
    const times = src.series['$SYS/broker/uptime']!.map(([t]) => t);
    expect(times.length).toBeGreaterThanOrEqual(Math.floor(endSec));
    for (let i = 2; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(0.8);

    const s = r.summary;
    expect(s.connections.succeeded).toBe(SENSORS + 1);
    // Every client plus the monitor's own connection.
    expect(b.highlights.connected).toBe(SENSORS + 1 + 1);
    expect(b.highlights.monitorClients).toBe(1);
    expect(s.messages.published).toBeGreaterThan(0);
    expect(s.messages.acked).toBe(s.messages.published);
    // QoS 1, all acked: the broker received exactly what fleetstorm published, and dropped nothing.
    expect(b.highlights.messagesReceived).toBe(s.messages.published);
    expect(b.highlights.dropped).toBe(0);
    expect(s.messages.lost).toBe(0);
    // 20 × 10/s in the steady state. Mosquitto updates $SYS every sys_interval + 1 = 2 s, so the
    // 3 s window holds one or two samples: a rate between the two, or a plain "not enough".
    const h = b.highlights;
    // (the received and sent counters are sampled apart: one can have two samples in the window
    // while the other has one, so the received rate is checked whenever it was computed)
    if (h.messagesReceivedPerSec !== undefined && h.steadySamples) {
      const span = h.steadySamples.toSec - h.steadySamples.fromSec;
      expect(Math.abs(h.messagesReceivedPerSec! - 200)).toBeLessThanOrEqual((2 * 200) / span);
    } else expect(h.notEnoughSamples).toBe('not enough broker samples: sys_interval 1 s (a $SYS update every 2 s)');
    expect(run.stderr).toContain(`broker says: clients connected (peak) ${SENSORS + 1} (fleetstorm ${SENSORS + 1})`);
    expect(run.stderr).toContain(`broker received ${s.messages.published.toLocaleString('en-US')} (fleetstorm `);
    expect(run.stderr).toContain('fleetstorm lost · broker dropped 0 (fleetstorm 0) · 1 monitor connection(s) not counted');
    expect(run.stderr).not.toContain('disagree');
  });

  it('monitor: { sys: false } turns it off', async () => {
    const out = tempDir();
    const run = await runCli(['run', writeScenario(fleet({ sys: false })), '--broker', broker.url, '--out', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const r = readResultFile(out);
    expect(r.summary.connections.succeeded).toBe(SENSORS + 1);
    expect(r.broker).toBeUndefined();
  });
});

describe('broker-side view from a Prometheus endpoint', () => {
  it('stores each scrape exactly, leaves histogram buckets out, and scrapes once more on stop', async () => {
    const exporter = await startExporter();
    try {
      const t0 = Date.now();
      const monitor = (await startBrokerMonitor({ spec: { sys: true, prometheus: exporter.url, intervalMs: 1000 }, brokerUrls: [] }))!;
      expect(exporter.scrapes()).toBe(1);
      await new Promise((r) => setTimeout(r, 2300));
      await monitor.stop();
      const served = exporter.scrapes();
      expect(served).toBeGreaterThanOrEqual(3);
      expect(served).toBeLessThanOrEqual(5);
      const side = monitor.snapshot(t0, { steadyFromMs: 0, steadyToMs: 2300 });
      expect(side.sources).toHaveLength(1);
      const src = side.sources[0]!;
      expect(src.kind).toBe('prometheus');
      expect(Object.keys(src.series).sort()).toEqual(['emqx_connections_count{node="n1"}', 'emqx_messages_received', 'lat_count']);
      const received = src.series['emqx_messages_received']!;
      // Each kept point is one whole scrape k: every series agrees on k.
      for (const [t, v] of received) {
        const k = v / 10;
        expect(Number.isInteger(k)).toBe(true);
        expect(src.series['lat_count']!.find((p) => p[0] === t)).toEqual([t, k]);
        expect(src.series['emqx_connections_count{node="n1"}']!.find((p) => p[0] === t)).toEqual([t, 100 + k]);
      }
      expect(received[received.length - 1]![1]).toBe(10 * (served - 1));
      expect(side.highlights.messagesReceived).toBe(10 * (served - 1) - received[0]![1]);
      expect(side.highlights.connected).toBe(100 + served - 1);
    } finally {
      await exporter.close();
    }
  });

  it('runs through the CLI beside the embedded broker ($SYS skipped there)', async () => {
    const exporter = await startExporter();
    try {
      const out = tempDir();
      const run = await runCli(['run', writeScenario(fleet({ prometheus: exporter.url, interval: '250ms' })), '--out', out, '--quiet']);
      expect(run.code, run.stderr).toBe(0);
      const r = readResultFile(out);
      const b = r.broker!;
      expect(b.sources.map((s) => s.kind)).toEqual(['prometheus']);
      const served = exporter.scrapes();
      const received = b.sources[0]!.series['emqx_messages_received']!;
      expect(received[received.length - 1]![1]).toBe(10 * (served - 1));
      expect(b.highlights.connected).toBe(100 + served - 1);
    } finally {
      await exporter.close();
    }
  });

  it('reports an endpoint that does not answer as one line, without failing the run', async () => {
    const exporter = await startExporter();
    const url = exporter.url;
    await exporter.close();
    const monitor = (await startBrokerMonitor({ spec: { sys: true, prometheus: url, intervalMs: 200 }, brokerUrls: [] }))!;
    await monitor.stop();
    const side = monitor.snapshot(Date.now(), { steadyFromMs: 0, steadyToMs: 1000 });
    expect(side.sources[0]!.series).toEqual({});
    expect(side.sources[0]!.error).toMatch(/^scrape http:\/\/127\.0\.0\.1:\d+\/metrics: .*ECONNREFUSED/);
    expect(side.highlights).toEqual({});
  });
});
