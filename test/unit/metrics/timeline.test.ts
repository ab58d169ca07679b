import { describe, expect, it } from 'vitest';
import { GroupCounters } from '../../../src/metrics/counters.ts';
import { createLatencyHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import { mergeSamples, mergeTimelines, openByGroup } from '../../../src/metrics/sample.ts';
import { TimelineSampler, applyLostByT } from '../../../src/metrics/timeline.ts';

function host(name: string) {
  return {
    sampler: new TimelineSampler(name),
    counters: { a: new GroupCounters(), b: new GroupCounters() },
    e2e: createLatencyHistogram(),
    connect: createLatencyHistogram(),
  };
}

describe('TimelineSampler', () => {
  it('stores per-interval deltas and per-interval percentiles, and resets the histograms', () => {
    const h = host('h1');
    h.counters.a.connectionOpened();
    h.counters.a.connectionOpened();
    h.counters.a.published = 10;
    h.counters.b.received = 4;
    h.counters.a.countError('tcp:ECONNRESET');
    recordMicros(h.e2e, 2000);
    recordMicros(h.connect, 500);
    const s1 = h.sampler.sample(1, h.counters, h.e2e, h.connect, 3);
    expect(h.e2e.totalCount).toBe(0);
    expect(h.connect.totalCount).toBe(0);

    h.counters.a.published = 25;
    h.counters.a.acked = 7;
    h.counters.a.connectionClosed();
    const s2 = h.sampler.sample(2, h.counters, h.e2e, h.connect, 3);

    expect(h.sampler.points).toEqual([
      {
        t: 1,
        connected: 2,
        plannedConnected: 3,
        published: 10,
        acked: 0,
        received: 4,
        lost: 0,
        endToEndP50Ms: 2,
        endToEndP99Ms: 2,
        connectP50Ms: 0.5,
        connectP99Ms: 0.5,
        errors: { 'tcp:ECONNRESET': 1 },
      },
      {
        t: 2,
        connected: 1,
        plannedConnected: 3,
        published: 15,
        acked: 7,
        received: 0,
        lost: 0,
        endToEndP50Ms: 0,
        endToEndP99Ms: 0,
        connectP50Ms: 0,
        connectP99Ms: 0,
        errors: {},
      },
    ]);
    expect(s2.groups.a!.delta.disconnected).toBe(1);
    expect(s2.endToEnd).toBe('');
    // The local point and the merge of the single sample agree.
    expect(mergeSamples([s1])).toEqual(h.sampler.points[0]);
    expect(mergeSamples([s2])).toEqual(h.sampler.points[1]);
  });

  it('applies loss known after the drain', () => {
    const h = host('h');
    h.sampler.sample(1, h.counters, h.e2e, h.connect, 0);
    h.sampler.sample(2, h.counters, h.e2e, h.connect, 0);
    applyLostByT(h.sampler.points, new Map([[2, 9]]));
    expect(h.sampler.points.map((p) => p.lost)).toEqual([0, 9]);
  });
});

describe('merging samples from several hosts', () => {
  it('adds counts per second and takes percentiles from the merged histograms', () => {
    const h1 = host('h1');
    const h2 = host('h2');
    const series: ReturnType<TimelineSampler['sample']>[][] = [[], []];
    for (let t = 1; t <= 3; t++) {
      h1.counters.a.published += 100;
      h1.counters.a.connectionOpened();
      h2.counters.a.published += 1;
      h2.counters.b.connectionOpened();
      h2.counters.b.countError('x');
      for (let i = 0; i < 98; i++) recordMicros(h1.e2e, 1000);
      recordMicros(h2.e2e, 1800);
      recordMicros(h2.e2e, 1900);
      series[0]!.push(h1.sampler.sample(t, h1.counters, h1.e2e, h1.connect, 5));
      if (t !== 2) series[1]!.push(h2.sampler.sample(t, h2.counters, h2.e2e, h2.connect, 5));
    }
    const merged = mergeTimelines(series);
    expect(merged.map((p) => [p.t, p.published, p.connected, p.plannedConnected])).toEqual([
      [1, 101, 2, 10],
      [2, 100, 3, 10], // h2 missed second 2: its counts ride in its t=3 sample, its gauges carry over
      [3, 102, 6, 10], // h2's t=3 sample covers its seconds 2 and 3
    ]);
    expect(merged[0]).toMatchObject({ endToEndP50Ms: 1, endToEndP99Ms: 1.8, errors: { x: 1 } });
    expect(merged[2]!.errors).toEqual({ x: 2 });
    expect(merged[1]).toMatchObject({ endToEndP50Ms: 1, endToEndP99Ms: 1 });
    expect(openByGroup([series[0]![2]!, series[1]![1]!])).toEqual({ a: 3, b: 3 });
  });

  it('refuses samples of different seconds', () => {
    const h = host('h');
    const s1 = h.sampler.sample(1, h.counters, h.e2e, h.connect, 0);
    const s2 = h.sampler.sample(2, h.counters, h.e2e, h.connect, 0);
    expect(() => mergeSamples([s1, s2])).toThrow('mixed');
    expect(() => mergeSamples([])).toThrow();
  });
});
