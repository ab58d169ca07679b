import { describe, expect, it } from 'vitest';
import { mergeResults } from '../../../src/coordinator/merge.ts';
import type { ShardResult } from '../../../src/engine/samples.ts';
import { zeroCounters } from '../../../src/metrics/counters.ts';
import { createLatencyHistogram, encodeHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import type { Sample } from '../../../src/metrics/sample.ts';
import { createLatencyHistograms, encodeAll, type GroupTotals } from '../../../src/metrics/summary.ts';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';

const START = 1_700_000_000_000;
const scenario = validateScenarioObject({
  schema: 1,
  name: 'merge',
  duration: '5s',
  groups: [{ name: 'g', count: 4, publish: [{ topic: 't/{i}', qos: 0, rate: '1/s' }] }],
}).scenario!;

function e2e(ms: number): string {
  const h = createLatencyHistogram();
  recordMicros(h, ms * 1000);
  return encodeHistogram(h);
}

/** A host publishing `burst` in its connect second (t=1), then `rate` a second, `open` connections. */
function shard(hostId: string, burst: number, rate: number, open: number[], steady?: GroupTotals['steady']): ShardResult {
  const samples: Sample[] = open.map((n, k) => ({
    host: hostId,
    t: k + 1,
    plannedConnected: n,
    groups: { g: { delta: { ...zeroCounters(), published: k === 0 ? burst : rate }, open: n, errors: {} } },
    endToEnd: e2e(k === 0 ? 500 : 2),
    connect: '',
  }));
  const counters = { ...zeroCounters(), published: samples.reduce((n, s) => n + s.groups.g!.delta.published, 0) };
  const totals: GroupTotals = { counters, peakConcurrent: Math.max(...open), errors: {}, histograms: encodeAll(createLatencyHistograms()) };
  if (steady) totals.steady = steady;
  return {
    hostId,
    groups: { g: totals },
    samples,
    steadyStartMs: START + 1200, // window [1.2 s, 6.2 s): whole seconds t = 3..6
    steadyEndMs: START + 6200,
    schedule: { late: 0, maxLagMs: 0 },
    missingSubscriptions: [],
    missingClients: [],
    interrupted: false,
  };
}

const meta = {
  loaded: { scenario, secrets: [], redacted: {}, sha256: 'x', baseDir: '.' },
  brokers: [],
  startedAt: START,
  endedAt: START + 7000,
  hosts: [],
  interrupted: false,
};

describe('mergeResults', () => {
  it('takes rates and end-to-end latency from the steady seconds of every host; totals keep the connect burst', () => {
    const r = mergeResults(meta, [shard('a', 400, 10, [2, 2, 2, 2, 2, 2, 2]), shard('b', 100, 30, [1, 2, 2, 2, 2, 2, 2])]);
    expect(r.summary.messages.published).toBe(500 + 6 * 40);
    expect(r.summary.throughput.publishedPerSec).toBe(40);
    expect(r.groups.g!.throughput.publishedPerSec).toBe(40);
    expect(r.run.steadySeconds).toBe(4);
    expect(r.timeline.map((p) => p.phase)).toEqual(['before', 'before', 'steady', 'steady', 'steady', 'steady', 'after']);
    // the connect second's 500 ms deliveries are not in the gated latency
    expect(r.summary.latencyMs.endToEnd.count).toBe(8);
    expect(r.summary.latencyMs.endToEnd.max).toBeLessThan(3);
    // peak: both hosts at the same wall-clock second
    expect(r.groups.g!.connections.peakConcurrent).toBe(4);
    expect(r.run.steadyStartMs).toBe(1200);
  });

  it('prefers the engine’s own steady record when every shard has one', () => {
    const rec = { published: 100, received: 0, histograms: { endToEnd: e2e(7) } };
    const r = mergeResults(meta, [shard('a', 400, 10, [2, 2, 2, 2, 2, 2, 2], rec), shard('b', 100, 30, [1, 2, 2, 2, 2, 2, 2], rec)]);
    expect(r.summary.throughput.publishedPerSec).toBe(40); // 200 over the exact 5 s window
    expect(r.groups.g!.latencyMs.endToEnd.count).toBe(2);
  });
});
