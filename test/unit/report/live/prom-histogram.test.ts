import { expect, it, describe } from 'vitest';
import { createLatencyHistogram, recordMicros } from '../../../../src/metrics/histogram.ts';
import { bucketsOf, LATENCY_BUCKETS_S } from '../../../../src/report/live/prom-histogram.ts';

describe('bucketsOf: Prometheus buckets read off an HdrHistogram', () => {
  it('counts exactly, puts values recorded on a bound inside it, and overflows into +Inf', () => {
    const h = createLatencyHistogram();
    recordMicros(h, 50); // 0.05 ms → le 0.0001
    recordMicros(h, 100); // exactly 0.1 ms → le 0.0001
    recordMicros(h, 101); // just above → le 0.00025
    for (let k = 0; k < 1000; k++) recordMicros(h, 10_000); // exactly 10 ms, 1000 times → le 0.01
    recordMicros(h, 10_100); // 10.1 ms → le 0.025
    recordMicros(h, 31_000_000); // 31 s → only +Inf
    const b = bucketsOf(h);
    const at = (le: number) => b.cumulative[LATENCY_BUCKETS_S.indexOf(le as (typeof LATENCY_BUCKETS_S)[number])];
    expect(b.count).toBe(1005);
    expect(at(0.0001)).toBe(2);
    expect(at(0.00025)).toBe(3);
    expect(at(0.005)).toBe(3);
    expect(at(0.01)).toBe(1003);
    expect(at(0.025)).toBe(1004);
    expect(at(30)).toBe(1004);
    expect(b.cumulative.at(-1)).toBe(1005);
    expect(b.cumulative).toHaveLength(LATENCY_BUCKETS_S.length + 1);
    // sum: within HDR's 0.1 % of what was recorded
    const recorded = (50 + 100 + 101 + 1000 * 10_000 + 10_100 + 31_000_000) / 1e6;
    expect(Math.abs(b.sum - recorded) / recorded).toBeLessThan(0.001);
  });

  it('keeps counts above 2^31 exact', () => {
    const h = createLatencyHistogram();
    h.recordValueWithCount(2_000, 3_000_000_000);
    h.recordValueWithCount(900_000, 5);
    const b = bucketsOf(h);
    expect(b.count).toBe(3_000_000_005);
    expect(b.cumulative.at(-1)).toBe(3_000_000_005);
    expect(b.cumulative[LATENCY_BUCKETS_S.indexOf(0.0025)]).toBe(3_000_000_000);
  });

  it('is all zeros for an empty histogram', () => {
    const b = bucketsOf(createLatencyHistogram());
    expect(b).toEqual({ cumulative: new Array(LATENCY_BUCKETS_S.length + 1).fill(0), count: 0, sum: 0 });
  });
});
