import { describe, expect, it } from 'vitest';
import { GroupCounters, addErrors, diffCounters, diffErrors, snapshotCounters, zeroCounters } from '../../../src/metrics/counters.ts';
import { recordMicros } from '../../../src/metrics/histogram.ts';
import { buildSummary, createLatencyHistograms, groupTotalsOf, mergeGroupTotals } from '../../../src/metrics/summary.ts';

function countersWith(values: Partial<Record<string, number>>): GroupCounters {
  const c = new GroupCounters();
  Object.assign(c, values);
  return c;
}

describe('GroupCounters', () => {
  it('tracks open connections and their exact peak', () => {
    const c = new GroupCounters();
    c.connectionOpened();
    c.connectionOpened();
    c.connectionOpened();
    c.connectionClosed();
    c.connectionOpened();
    c.connectionClosed();
    c.connectionClosed();
    expect([c.open, c.peakConcurrent, c.disconnected]).toEqual([1, 3, 3]);
  });

  it('counts errors by reason and diffs snapshots', () => {
    const c = new GroupCounters();
    c.countError('tcp:ECONNREFUSED');
    const before = { counters: snapshotCounters(c), errors: Object.fromEntries(c.errors) };
    c.countError('tcp:ECONNREFUSED', 2);
    c.countError('connack:not-authorized');
    c.published += 5;
    expect(diffErrors(c.errors, before.errors)).toEqual({ 'tcp:ECONNREFUSED': 2, 'connack:not-authorized': 1 });
    expect(diffCounters(c, before.counters)).toEqual({ ...zeroCounters(), published: 5 });
    const into = { a: 1 };
    addErrors(into, c.errors);
    expect(into).toEqual({ a: 1, 'tcp:ECONNREFUSED': 3, 'connack:not-authorized': 1 });
  });
});

describe('buildSummary', () => {
  it('derives lost from unique deliveries and rates from the steady window', () => {
    const c = countersWith({
      attempted: 12,
      succeeded: 10,
      failed: 2,
      published: 1000,
      acked: 990,
      received: 1960,
      expected: 2000,
      duplicated: 10,
      outOfOrder: 3,
      refused: 10,
      retained: 7,
      notOwed: 5,
    });
    c.peakConcurrent = 10;
    c.countError('tcp:ECONNREFUSED', 2);
    const h = createLatencyHistograms();
    recordMicros(h.endToEnd, 1500);
    const s = buildSummary(groupTotalsOf(c, h), { seconds: 8, published: 800, received: 1570 });
    expect(s.connections).toEqual({
      attempted: 12,
      succeeded: 10,
      failed: 2,
      peakConcurrent: 10,
      dropped: 0,
      reconnects: 0,
      reconnectFailed: 0,
    });
    // unique = 1960 - 10 = 1950; lost = 2000 - 1950 = 50
    expect(s.messages).toEqual({
      published: 1000,
      acked: 990,
      received: 1960,
      expected: 2000,
      lost: 50,
      duplicated: 10,
      outOfOrder: 3,
      lossRate: 0.025,
      skipped: 0,
      // Counted apart: none of these offsets a loss.
      refused: 10,
      retained: 7,
      will: 0,
      notOwed: 5,
    });
    expect(s.throughput).toEqual({ publishedPerSec: 100, receivedPerSec: 196.25 });
    expect(s.latencyMs.endToEnd).toEqual({ count: 1, min: 1.5, mean: 1.5, p50: 1.5, p90: 1.5, p99: 1.5, p999: 1.5, max: 1.5 });
    expect(s.latencyMs.connect.count).toBe(0);
    expect(s.errors).toEqual({ 'tcp:ECONNREFUSED': 2 });
  });

  it('never reports negative loss, and lossRate 0 when nothing was expected; no window → rates 0', () => {
    const s = buildSummary(groupTotalsOf(countersWith({ received: 5, expected: 3 }), createLatencyHistograms()), null);
    expect([s.messages.lost, s.messages.lossRate]).toEqual([0, 0]);
    const none = buildSummary(groupTotalsOf(new GroupCounters(), createLatencyHistograms()), { seconds: 0, published: 0, received: 0 });
    expect([none.messages.lossRate, none.throughput.publishedPerSec]).toEqual([0, 0]);
  });
});

describe('mergeGroupTotals', () => {
  it('adds counts, errors and histograms exactly across hosts', () => {
    const hostA = createLatencyHistograms();
    const hostB = createLatencyHistograms();
    for (let i = 0; i < 99; i++) recordMicros(hostA.endToEnd, 1000);
    recordMicros(hostB.endToEnd, 1900);
    const a = countersWith({ published: 10, expected: 20, received: 20 });
    a.countError('x');
    a.peakConcurrent = 7;
    const b = countersWith({ published: 5, expected: 10, received: 8 });
    b.countError('x', 4);
    b.peakConcurrent = 5;
    const merged = mergeGroupTotals([groupTotalsOf(a, hostA), groupTotalsOf(b, hostB)]);
    expect(merged.counters.published).toBe(15);
    expect(merged.errors).toEqual({ x: 5 });
    expect(merged.peakConcurrent).toBe(7); // highest single peak without a timeline
    const s = buildSummary(merged, null);
    expect(s.messages.lost).toBe(2);
    expect(s.latencyMs.endToEnd).toMatchObject({ count: 100, p50: 1, p99: 1, max: 1.9 });
    // With the merged timeline's highest `connected`, that wins when higher.
    expect(mergeGroupTotals([groupTotalsOf(a, hostA), groupTotalsOf(b, hostB)], 11).peakConcurrent).toBe(11);
  });
});
