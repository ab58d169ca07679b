import { describe, expect, it } from 'vitest';
import {
  HIGHEST_MICROS,
  createLatencyHistogram,
  decodeHistogram,
  emptyLatencySummary,
  encodeHistogram,
  mergeEncoded,
  recordMicros,
  summarize,
  summarizeEncoded,
} from '../../../src/metrics/histogram.ts';

describe('latency histogram', () => {
  it('summarises in ms with 3 decimals (values under 2048 µs are exact)', () => {
    const h = createLatencyHistogram();
    for (let us = 1; us <= 1000; us++) recordMicros(h, us);
    expect(summarize(h)).toEqual({ count: 1000, min: 0.001, mean: 0.501, p50: 0.5, p90: 0.9, p99: 0.99, p999: 0.999, max: 1 });
  });

  it('reports buckets above 2048 µs at their highest equivalent value (within 0.1 %)', () => {
    const h = createLatencyHistogram();
    recordMicros(h, 1_000_000);
    const s = summarize(h);
    expect(s.max).toBe(1000.447);
    expect(s.min).toBe(999.936);
    expect(s.p50).toBe(1000.447);
  });

  it('is all zeros when empty', () => {
    expect(summarize(createLatencyHistogram())).toEqual(emptyLatencySummary());
    expect(summarizeEncoded('')).toEqual(emptyLatencySummary());
    expect(emptyLatencySummary()).toEqual({ count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  });

  it('clamps instead of throwing: NaN, negatives and 0 count as 1 µs, over an hour as an hour; fractions round', () => {
    const h = createLatencyHistogram();
    recordMicros(h, Number.NaN);
    recordMicros(h, -5);
    recordMicros(h, 0);
    recordMicros(h, 2.6);
    recordMicros(h, 1e15);
    recordMicros(h, Number.POSITIVE_INFINITY);
    expect(h.totalCount).toBe(6);
    expect(h.getValueAtPercentile(50)).toBe(1);
    expect(h.getValueAtPercentile(60)).toBe(3);
    expect(h.maxValue).toBe(HIGHEST_MICROS);
  });

  it('round-trips through the compressed base64 encoding unchanged', () => {
    const h = createLatencyHistogram();
    for (let i = 0; i < 5000; i++) recordMicros(h, 50 + ((i * 7919) % 250_000));
    const encoded = encodeHistogram(h);
    expect(encoded.startsWith('HISTF')).toBe(true); // the standard V2 compressed cookie, base64
    expect(summarize(decodeHistogram(encoded))).toEqual(summarize(h));
  });

  it('merges encoded histograms exactly: same as recording everything in one', () => {
    const all = createLatencyHistogram();
    const parts = [createLatencyHistogram(), createLatencyHistogram(), createLatencyHistogram()];
    for (let i = 0; i < 9000; i++) {
      const us = 100 + ((i * 104729) % 900_000);
      recordMicros(all, us);
      recordMicros(parts[i % 3]!, us);
    }
    const merged = mergeEncoded([...parts.map(encodeHistogram), '']);
    expect(summarize(decodeHistogram(merged))).toEqual(summarize(all));
    expect(summarizeEncoded(merged).count).toBe(9000);
  });

  it('a merge never averages percentiles', () => {
    const fast = createLatencyHistogram();
    const slow = createLatencyHistogram();
    for (let i = 0; i < 990; i++) recordMicros(fast, 1000);
    for (let i = 0; i < 10; i++) recordMicros(slow, 1500);
    const merged = summarizeEncoded(mergeEncoded([encodeHistogram(fast), encodeHistogram(slow)]));
    expect(merged.p99).toBe(1);
    expect(merged.p999).toBe(1.5);
    expect(merged.count).toBe(1000);
  });

  it('throws on a corrupt encoding', () => {
    expect(() => decodeHistogram('not-a-histogram')).toThrow();
  });
});
