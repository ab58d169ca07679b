// Arithmetic on broker series. Brokers publish a $SYS value only when it changes (Mosquitto) or
// once per scrape (Prometheus), so a series is read as a step function: the value at t is the
// last one reported at or before t. Counters that go down mean the broker restarted; the value
// after the reset counts as the increase since (as Prometheus' increase() does).

import type { Point } from '../result/broker-side.ts';

/** Index of the last point at or before t, or -1. Points are sorted by time. */
function lastAtOrBefore(points: Point[], t: number): number {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]![0] <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** A counter as its running increase from the first point, resets counted as restarts. */
export function cumulative(points: Point[]): Point[] {
  const out: Point[] = [];
  let total = 0;
  for (let i = 0; i < points.length; i++) {
    const [t, v] = points[i]!;
    if (i > 0) {
      const prev = points[i - 1]![1];
      total += v >= prev ? v - prev : v;
    }
    out.push([t, total]);
  }
  return out;
}

/** Last value at or before t; undefined before the first point. */
export function gaugeAt(points: Point[], t: number): number | undefined {
  const i = lastAtOrBefore(points, t);
  return i < 0 ? undefined : points[i]![1];
}

/**
 * How much a counter grew between `from` and `to` (the end of the series when omitted). The
 * starting value is the last one known at `from` (the first one when the series starts later).
 */
export function counterIncrease(points: Point[], from: number, to = Infinity): number {
  if (points.length === 0) return 0;
  const c = cumulative(points);
  const start = Math.max(lastAtOrBefore(c, from), 0);
  const end = lastAtOrBefore(c, to);
  return end <= start ? 0 : c[end]![1] - c[start]![1];
}

/**
 * A counter between its first and last sample inside [from, to]: like with like, no value
 * carried in from before the window. Null with fewer than two samples inside.
 */
export function increaseInside(points: Point[], from: number, to: number): { from: number; to: number; increase: number } | null {
  const c = cumulative(points);
  const inside = c.filter(([t]) => t >= from && t <= to);
  if (inside.length < 2) return null;
  const first = inside[0]!;
  const last = inside[inside.length - 1]!;
  return last[0] > first[0] ? { from: first[0], to: last[0], increase: last[1] - first[1] } : null;
}

/**
 * Median time between consecutive points, undefined with fewer than two. Only forward steps
 * count: a broker's uptime starts again from 0 when it restarts.
 */
export function medianSpacing(points: Point[]): number | undefined {
  const gaps = points
    .slice(1)
    .map(([t], i) => t - points[i]![0])
    .filter((gap) => gap > 0)
    .sort((a, b) => a - b);
  return gaps.length ? gaps[gaps.length >> 1] : undefined;
}

/** Counter increase per second over [from, to]; undefined for an empty window or series. */
export function counterRate(points: Point[], from: number, to: number): number | undefined {
  if (points.length < 2 || !(to > from)) return undefined;
  return counterIncrease(points, from, to) / (to - from);
}

/** Rate between consecutive points, placed at the later point's time. */
export function pairwiseRates(points: Point[]): Point[] {
  const c = cumulative(points);
  const out: Point[] = [];
  for (let i = 1; i < c.length; i++) {
    const dt = c[i]![0] - c[i - 1]![0];
    if (dt > 0) out.push([c[i]![0], (c[i]![1] - c[i - 1]![1]) / dt]);
  }
  return out;
}

/**
 * The peak of several gauges added together (e.g. one per broker of a pool), evaluated at every
 * time any of them reported, from `from` on.
 */
export function peakOfSum(seriesList: Point[][], from = -Infinity): number | undefined {
  const times = [...new Set(seriesList.flatMap((s) => s.map((p) => p[0])))].filter((t) => t >= from).sort((a, b) => a - b);
  let peak: number | undefined;
  for (const t of times) {
    let sum = 0;
    let any = false;
    for (const s of seriesList) {
      const v = gaugeAt(s, t);
      if (v !== undefined) {
        sum += v;
        any = true;
      }
    }
    if (any && (peak === undefined || sum > peak)) peak = sum;
  }
  return peak;
}

/** Several step series added together at every time any of them reported (a pool's total). */
export function sumOfSteps(seriesList: Point[][]): Point[] {
  if (seriesList.length === 1) return seriesList[0]!;
  const times = [...new Set(seriesList.flatMap((s) => s.map((p) => p[0])))].sort((a, b) => a - b);
  return times.map((t): Point => [t, seriesList.reduce((sum, s) => sum + (gaugeAt(s, t) ?? 0), 0)]);
}
