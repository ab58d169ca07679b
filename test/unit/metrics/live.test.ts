import { describe, expect, it } from 'vitest';
import { zeroCounters } from '../../../src/metrics/counters.ts';
import { createLatencyHistogram, encodeHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import { LiveFigures } from '../../../src/metrics/live.ts';
import type { Sample } from '../../../src/metrics/sample.ts';
import { failingAbortGate, parseThreshold, type ParsedThreshold } from '../../../src/gate/threshold.ts';

function sample(host: string, t: number, published: number, open: number, e2eMs: number[], errors: Record<string, number> = {}): Sample {
  const h = createLatencyHistogram();
  for (const ms of e2eMs) recordMicros(h, ms * 1000);
  return {
    host,
    t,
    plannedConnected: open,
    groups: { g: { delta: { ...zeroCounters(), published, failed: errors.x ?? 0 }, open, errors } },
    endToEnd: e2eMs.length ? encodeHistogram(h) : '',
    connect: '',
  };
}

describe('LiveFigures', () => {
  it('adds every host’s seconds; rates and end-to-end latency from steady seconds only', () => {
    const live = new LiveFigures();
    live.add([sample('a', 1, 400, 10, [900], { x: 2 }), sample('b', 1, 100, 5, [])], false);
    live.add([sample('a', 2, 50, 10, [2]), sample('b', 2, 50, 6, [4])], true);
    live.add([sample('a', 3, 50, 9, [3]), sample('b', 3, 50, 6, [5])], true);
    const { summary, groups } = live.view();
    expect(summary.messages.published).toBe(700);
    expect(summary.connections.failed).toBe(2);
    expect(summary.errors).toEqual({ x: 2 });
    expect(summary.connections.peakConcurrent).toBe(16);
    expect(summary.throughput.publishedPerSec).toBe(100);
    expect(summary.latencyMs.endToEnd.count).toBe(4);
    expect(summary.latencyMs.endToEnd.max).toBeLessThan(10);
    expect(groups.g!.throughput.publishedPerSec).toBe(100);
    expect(groups.g!.latencyMs.endToEnd.count).toBe(0);
  });
});

describe('failingAbortGate', () => {
  const gate = (key: string, spec: unknown) => parseThreshold(key, spec, ['g']) as ParsedThreshold;

  it('waits for the grace, ignores gates with no data, and names the first that fails', () => {
    const live = new LiveFigures();
    const gates = [
      gate('connect.p99', { expr: '< 1ms', abortOnFail: true }), // no connect data: never aborts
      gate('messages.published', '< 10'), // fails, but without abortOnFail
      gate('endToEnd.p99', { expr: '< 0.001ms', abortOnFail: true, abortGrace: '2s' }),
    ];
    expect(gates[2]!.abortGraceMs).toBe(2000);
    expect(gates[0]!.abortGraceMs).toBe(10_000);
    live.add([sample('a', 1, 50, 1, [3])], true);
    expect(failingAbortGate(gates, live.view(), 1999)).toBeNull();
    expect(failingAbortGate(gates, live.view(), 2000)?.key).toBe('endToEnd.p99');
    expect(failingAbortGate([gates[0]!, gates[1]!], live.view(), 60_000)).toBeNull();
  });

  it('rejects an unreadable abortGrace', () => {
    expect(parseThreshold('connect.p99', { expr: '< 1s', abortOnFail: true, abortGrace: 'soon' }, [])).toEqual({
      message: 'abortGrace must be a duration such as "10s", got "soon"',
    });
  });
});
