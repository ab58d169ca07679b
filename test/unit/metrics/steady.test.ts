import { describe, expect, it } from 'vitest';
import { zeroCounters } from '../../../src/metrics/counters.ts';
import { createLatencyHistogram, encodeHistogram, recordMicros, summarizeEncoded } from '../../../src/metrics/histogram.ts';
import type { Sample } from '../../../src/metrics/sample.ts';
import { mergeSteadyRecords, steadyFromSamples, wholeSeconds } from '../../../src/metrics/steady.ts';
import { buildSummary, mergeGroupTotals } from '../../../src/metrics/summary.ts';

function sample(host: string, t: number, published: Record<string, number>, e2eMs: number): Sample {
  const h = createLatencyHistogram();
  recordMicros(h, e2eMs * 1000);
  const groups: Sample['groups'] = {};
  for (const [name, n] of Object.entries(published))
    groups[name] = { delta: { ...zeroCounters(), published: n, received: 2 * n }, open: 1, errors: {} };
  return { host, t, plannedConnected: 0, groups, endToEnd: encodeHistogram(h), connect: '' };
}

describe('steady window', () => {
  it('takes the timeline points lying wholly inside [from, to)', () => {
    // point t covers [(t−1)s, t s): 2.5 s .. 8.0 s holds t = 4..8
    expect(wholeSeconds({ fromMs: 2500, toMs: 8000 })).toEqual({ first: 4, last: 8, seconds: 5 });
    expect(wholeSeconds({ fromMs: 3000, toMs: 8999 })).toEqual({ first: 4, last: 8, seconds: 5 });
    expect(wholeSeconds({ fromMs: 3000, toMs: 3999 }).seconds).toBe(0);
  });

  it('counts only the steady seconds of every host, per group and overall; the ramp stays out', () => {
    // A connect phase (t 1..3) publishing a burst, then 10/s per host; the window is 3.2 s .. 7.6 s.
    const hostA = [1, 2, 3, 4, 5, 6, 7, 8].map((t) => sample('a', t, { a: t <= 3 ? 100 : 10 }, t <= 3 ? 900 : 5));
    const hostB = [1, 2, 3, 4, 5, 6, 7, 8].map((t) => sample('b', t, { b: t <= 3 ? 50 : 10 }, t <= 3 ? 900 : 7));
    const s = steadyFromSamples([hostA, hostB], { fromMs: 3200, toMs: 7600 });
    expect(s.seconds).toBe(3); // t = 5, 6, 7
    expect(s.groups).toEqual({ a: { seconds: 3, published: 30, received: 60 }, b: { seconds: 3, published: 30, received: 60 } });
    expect(s.all).toEqual({ seconds: 3, published: 60, received: 120 });
    const e2e = summarizeEncoded(s.endToEnd);
    expect(e2e.count).toBe(6);
    expect(e2e.max).toBeLessThan(8);
    // The summary's rates and end-to-end latency are the steady ones, totals stay whole-run.
    const totals = mergeGroupTotals([]);
    totals.counters.published = 1000;
    const summary = buildSummary(totals, s.all, { endToEnd: s.endToEnd });
    expect(summary.throughput).toEqual({ publishedPerSec: 20, receivedPerSec: 40 });
    expect(summary.messages.published).toBe(1000);
    expect(summary.latencyMs.endToEnd.count).toBe(6);
  });

  it('has no steady figures without a window or a whole second', () => {
    const series = [sample('a', 1, { a: 5 }, 1)];
    expect(steadyFromSamples([series], null)).toEqual({
      seconds: 0,
      groups: {},
      all: { seconds: 0, published: 0, received: 0 },
      endToEnd: '',
    });
    expect(steadyFromSamples([series], { fromMs: 100, toMs: 900 }).seconds).toBe(0);
  });

  it('merges engine-recorded steady figures only when every shard has them', () => {
    const h = createLatencyHistogram();
    recordMicros(h, 3000);
    const rec = { published: 5, received: 4, histograms: { endToEnd: encodeHistogram(h) } };
    expect(mergeSteadyRecords([rec, undefined])).toBeNull();
    const merged = mergeSteadyRecords([rec, rec])!;
    expect([merged.published, merged.received, summarizeEncoded(merged.histograms.endToEnd!).count]).toEqual([10, 8, 2]);
  });
});
