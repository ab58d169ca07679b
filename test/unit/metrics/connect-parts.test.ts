// Connect time in parts: what one attempt's timestamps record, how parts travel and merge, how
// they reach the summary, and the threshold paths that read them.
import { describe, expect, it } from 'vitest';
import { resolveMetricPath } from '../../../src/gate/metric-path.ts';
import { createLatencyHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import {
  buildSummary,
  encodeAll,
  encodeConnectParts,
  createLatencyHistograms,
  mergeConnectParts,
  recordConnectParts,
  type ConnectPartHistograms,
} from '../../../src/metrics/summary.ts';
import { zeroCounters } from '../../../src/metrics/counters.ts';

describe('recordConnectParts', () => {
  it('splits each attempt at its timestamps; parts used only; nothing without a TCP stamp', () => {
    const parts: ConnectPartHistograms = {};
    const total = createLatencyHistogram();
    // [start, tcp, tls, ws, connack] in ms, as a wss:// attempt and an mqtt:// one would stamp them.
    const attempts = [
      [1000, 1000.4, 1003.1, 1004.0, 1004.9],
      [2000, 2000.25, 0, 0, 2001.5],
      [3000, 3001.0, 3010.5, 0, 3012.0],
    ];
    for (const [start, tcp, tls, ws, connack] of attempts) {
      recordConnectParts(parts, start, tcp, tls, ws, connack);
      recordMicros(total, (connack - start) * 1000);
    }
    recordConnectParts(parts, 5000, 0, 0, 0, 5001); // no TCP stamp (another clock): nothing
    expect(parts.tcp!.totalCount).toBe(3);
    expect(parts.tls!.totalCount).toBe(2);
    expect(parts.wsUpgrade!.totalCount).toBe(1);
    expect(parts.connack!.totalCount).toBe(3);
    const sum = (['tcp', 'tls', 'wsUpgrade', 'connack'] as const).reduce((n, k) => n + parts[k]!.mean * parts[k]!.totalCount, 0);
    expect(sum / 3).toBeCloseTo(total.mean, -1); // µs; HDR buckets round each value by < 0.1 %
    expect(Math.abs(sum / 3 - total.mean) / total.mean).toBeLessThan(0.002);
  });

  it('encodes only used parts, merges by adding, and reaches latencyMs.connectParts', () => {
    const a: ConnectPartHistograms = {};
    const b: ConnectPartHistograms = {};
    recordConnectParts(a, 0, 1, 0, 0, 3);
    recordConnectParts(b, 0, 2, 0, 5, 9);
    expect(Object.keys(encodeConnectParts(a)!)).toEqual(['tcp', 'connack']);
    expect(encodeConnectParts({})).toBeUndefined();
    const merged = mergeConnectParts([encodeConnectParts(a), undefined, encodeConnectParts(b)])!;
    expect(Object.keys(merged)).toEqual(['tcp', 'wsUpgrade', 'connack']);
    const summary = buildSummary(
      { counters: zeroCounters(), peakConcurrent: 0, errors: {}, histograms: encodeAll(createLatencyHistograms()), connectParts: merged },
      null,
    );
    expect(summary.latencyMs.connectParts!.tcp!.count).toBe(2);
    expect(summary.latencyMs.connectParts!.wsUpgrade!.count).toBe(1);
    expect(summary.latencyMs.connectParts!.connack!.max).toBeCloseTo(4, 2);
    expect(summary.latencyMs.connectParts!.tls).toBeUndefined();
    const p99 = resolveMetricPath('connectParts.wsUpgrade.p99', []);
    expect(p99.ok && p99.ref.read(summary)).toBeCloseTo(3, 2);
    const tls = resolveMetricPath('latencyMs.connectParts.tls.p99', []);
    expect(tls.ok && tls.ref.read(summary)).toBeNull();
    expect(resolveMetricPath('connectParts.tcpx.p99', [])).toMatchObject({ ok: false });
  });
});
