// HdrHistogram-style percentile curves, computed here so the page needs no histogram decoder.
// x is 1/(1-p) on a log axis: 2 = 50 %, 10 = 90 %, 100 = 99 %, ... — each decade of x is one more
// "nine", which is how tail latency is read.

import { decodeHistogram } from '../../../metrics/histogram.ts';

export interface CurvePoint {
  /** 1 / (1 - p), p in [0, 1) */
  x: number;
  /** Percentile, 0..100 */
  percentile: number;
  ms: number;
}

/** Points per decade of x: enough for a smooth curve, few enough to keep the page small. */
const POINTS_PER_DECADE = 20;
/** 99.9999 %: beyond six nines no realistic run has samples to say anything. */
const MAX_X = 1e6;

/**
 * The curve of an encoded histogram (values in µs), in ms. Stops at x = sample count, because
 * with n samples percentiles above 1 - 1/n are all just the maximum; the last point is the max.
 * Empty or missing histograms give [].
 */
export function percentileCurve(encoded: string | undefined): CurvePoint[] {
  if (!encoded) return [];
  const h = decodeHistogram(encoded);
  const count = h.totalCount;
  if (count === 0) return [];
  const lastX = Math.min(Math.max(count, 1), MAX_X);
  // Log-spaced x plus the exact labelled percentiles (50 %, 90 %, 99 %, ...), so hovering a
  // labelled tick reads the true value there.
  const xs = new Set<number>();
  const steps = Math.floor(Math.log10(lastX) * POINTS_PER_DECADE);
  for (let i = 0; i <= steps; i++) xs.add(round(10 ** (i / POINTS_PER_DECADE)));
  for (const t of percentileTicks(lastX)) if (t.value <= lastX) xs.add(t.value);
  const points: CurvePoint[] = [...xs]
    .sort((a, b) => a - b)
    .map((x) => {
      const percentile = (1 - 1 / x) * 100;
      return { x, percentile, ms: toMs(h.getValueAtPercentile(percentile)) };
    });
  const maxMs = toMs(h.highestEquivalentValue(h.maxValue));
  const last = points[points.length - 1]!;
  if (last.x < lastX) points.push({ x: round(lastX), percentile: (1 - 1 / lastX) * 100, ms: maxMs });
  else last.ms = Math.max(last.ms, maxMs);
  return points;
}

/** Tick positions and labels for the 1/(1-p) axis, up to `maxX`. */
export function percentileTicks(maxX: number): Array<{ value: number; label: string }> {
  const ticks = [
    { value: 1, label: '0%' },
    { value: 2, label: '50%' },
    { value: 10, label: '90%' },
    { value: 100, label: '99%' },
    { value: 1000, label: '99.9%' },
    { value: 10_000, label: '99.99%' },
    { value: 100_000, label: '99.999%' },
    { value: 1_000_000, label: '99.9999%' },
  ];
  return ticks.filter((t) => t.value <= Math.max(maxX, 10));
}

/** 1-2-5 ticks covering [minMs, maxMs] for a log latency axis, labelled in ms or s. */
export function latencyLogTicks(minMs: number, maxMs: number): Array<{ value: number; label: string }> {
  const lo = Math.max(minMs, 0.001);
  const hi = Math.max(maxMs, lo);
  const ticks: Array<{ value: number; label: string }> = [];
  for (let exp = Math.floor(Math.log10(lo)); exp <= Math.ceil(Math.log10(hi)); exp++) {
    for (const m of [1, 2, 5]) {
      const value = Number((m * 10 ** exp).toPrecision(1));
      ticks.push({ value, label: value >= 1000 ? `${value / 1000} s` : `${value} ms` });
    }
  }
  // Keep one tick at or below the lowest value and one at or above the highest, nothing further out.
  const first = Math.max(0, ticks.findIndex((t) => t.value > lo) - 1);
  const lastAbove = ticks.findIndex((t) => t.value >= hi);
  return ticks.slice(first, lastAbove === -1 ? ticks.length : lastAbove + 1);
}

function toMs(us: number): number {
  return Math.round(us) / 1000;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
