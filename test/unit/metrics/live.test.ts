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

describe('LiveFigures, other latencies', () => {
  it('adds publish-ack and command round-trip samples from every second, steady or not', () => {
    const live = new LiveFigures();
    const enc = (ms: number[]) => {
      const h = createLatencyHistogram();
      for (const v of ms) recordMicros(h, v * 1000);
      return encodeHistogram(h);
    };
    live.add([{ ...sample('a', 1, 1, 1, []), latency: { publishAck: enc([5, 7]) } }], false);
    live.add(
      [{ ...sample('a', 2, 1, 1, []), latency: { publishAck: enc([300]), commandRoundTrip: enc([40]) } }, sample('b', 2, 1, 1, [])],
      true,
    );
    const { summary, groups } = live.view();
    expect(summary.latencyMs.publishAck.count).toBe(3);
    expect(Math.round(summary.latencyMs.publishAck.max)).toBe(300);
    expect(summary.latencyMs.commandRoundTrip.count).toBe(1);
    expect(summary.latencyMs.subscribe.count).toBe(0);
    expect(groups.g!.latencyMs.publishAck.count).toBe(0);
  });

  it('lets an abortOnFail gate on publish-ack p99 fail live', () => {
    const live = new LiveFigures();
    const h = createLatencyHistogram();
    for (let k = 0; k < 100; k++) recordMicros(h, 250_000);
    live.add([{ ...sample('a', 1, 100, 1, []), latency: { publishAck: encodeHistogram(h) } }], true);
    const gate = parseThreshold('publishAck.p99', { expr: '< 100ms', abortOnFail: true, abortGrace: '0s' }, ['g']) as ParsedThreshold;
    expect(failingAbortGate([gate], live.view(), 1000)?.key).toBe('publishAck.p99');
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
