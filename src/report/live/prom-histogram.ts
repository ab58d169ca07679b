// HdrHistograms exposed as Prometheus histograms without observing anything twice: at scrape
// time the cumulative bucket counts are read off the HDR histogram's recorded values, so
// `_count` is the HDR total count exactly, whatever the buckets.

import { Histogram as PromHistogram, type MetricType, type Registry } from 'prom-client';
import type { Histogram } from '../../metrics/histogram.ts';

/** Upper bounds in seconds, log-spaced 1-2.5-5 from 0.1 ms to 30 s (+Inf is added). */
export const LATENCY_BUCKETS_S = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
] as const;

export interface BucketCounts {
  /** Cumulative count at or below each bound of LATENCY_BUCKETS_S, then +Inf. */
  cumulative: number[];
  count: number;
  /** Seconds, from HDR's mean (each value taken at the middle of its HDR bucket). */
  sum: number;
}

/**
 * Buckets of an HDR histogram (µs). A recorded HDR bucket counts under a bound when its lowest
 * equivalent value is at or below it, so a value recorded exactly on a bound falls inside it;
 * otherwise the placement is exact to the HDR resolution (0.1 %).
 */
export function bucketsOf(h: Histogram): BucketCounts {
  const perBound = new Array<number>(LATENCY_BUCKETS_S.length + 1).fill(0);
  const it = h.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    const lowS = h.lowestEquivalentValue(v.valueIteratedTo) / 1e6;
    let k = 0;
    while (k < LATENCY_BUCKETS_S.length && lowS > LATENCY_BUCKETS_S[k]!) k++;
    perBound[k]! += v.countAtValueIteratedTo;
  }
  const cumulative: number[] = [];
  let running = 0;
  for (const n of perBound) cumulative.push((running += n));
  const count = h.totalCount;
  return { cumulative, count, sum: count > 0 ? (h.mean * count) / 1e6 : 0 };
}

/** One Prometheus histogram family with a `measure` label, each series read from an HDR histogram. */
export class HdrPromHistogram extends PromHistogram<'measure'> {
  constructor(
    private readonly family: string,
    private readonly description: string,
    registry: Registry,
    private readonly source: () => Record<string, Histogram>,
  ) {
    super({ name: family, help: description, labelNames: ['measure'], buckets: [...LATENCY_BUCKETS_S], registers: [registry] });
  }

  /** What the registry renders (prom-client prefers it to get() for histograms). */
  getForPromString(): ReturnType<PromHistogram<'measure'>['get']> {
    return this.get();
  }

  override get(): ReturnType<PromHistogram<'measure'>['get']> {
    const values: { value: number; labels: Record<string, string | number>; metricName: string }[] = [];
    for (const [measure, h] of Object.entries(this.source())) {
      const b = bucketsOf(h);
      LATENCY_BUCKETS_S.forEach((le, k) =>
        values.push({ metricName: `${this.family}_bucket`, labels: { measure, le }, value: b.cumulative[k]! }),
      );
      values.push({ metricName: `${this.family}_bucket`, labels: { measure, le: '+Inf' }, value: b.count });
      values.push({ metricName: `${this.family}_sum`, labels: { measure }, value: b.sum });
      values.push({ metricName: `${this.family}_count`, labels: { measure }, value: b.count });
    }
    // prom-client's typings say MetricType is a numeric enum; the registry prints the string.
    const type = 'histogram' as unknown as MetricType;
    return Promise.resolve({ name: this.family, help: this.description, type, aggregator: 'sum', values, collect: () => {} });
  }
}
