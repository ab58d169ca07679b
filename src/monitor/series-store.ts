// Bounded memory for broker figures: at most `maxSeries` names and, per name, about one value a
// second: a value less than 0.8 s (80 % of the spacing) after the last kept one replaces the
// latest instead of adding a point. The slack keeps one point per broker tick even when the ticks
// jitter around the second (Mosquitto's do); a fixed one-second grid would merge two ticks that
// fall into the same wall-clock second and lose one. The first point (the baseline counters are
// measured from) is never replaced. A name that outgrows `maxPoints` doubles its spacing and is
// thinned, so an hour-long run keeps a coarser but complete picture instead of growing.

import type { Point } from '../result/broker-side.ts';

export interface SeriesLimits {
  maxSeries: number;
  maxPoints: number;
}

export const DEFAULT_LIMITS: SeriesLimits = { maxSeries: 200, maxPoints: 1800 };

const BASE_SPACING_MS = 1000;
const SLACK = 0.8;
// Refused names are remembered only to count them; the count stays exact up to this many.
const MAX_REFUSED_TRACKED = 10_000;

interface Stored {
  spacingMs: number;
  /** [epoch ms, value] */
  points: Array<[number, number]>;
  /** When the latest point was added (its time moves when a newer value replaces it). */
  anchorMs: number;
}

export class SeriesStore {
  private readonly series = new Map<string, Stored>();
  private readonly refused = new Set<string>();
  private readonly limits: SeriesLimits;

  constructor(limits: SeriesLimits = DEFAULT_LIMITS) {
    // Two points (baseline and latest) is the least a series can be thinned to.
    this.limits = { maxSeries: limits.maxSeries, maxPoints: Math.max(2, limits.maxPoints) };
  }

  /** Records `value` for `name` at `atMs` (epoch ms, non-decreasing per name). */
  add(name: string, atMs: number, value: number): void {
    if (!Number.isFinite(value)) return;
    let s = this.series.get(name);
    if (!s) {
      if (this.series.size >= this.limits.maxSeries) {
        if (this.refused.size < MAX_REFUSED_TRACKED) this.refused.add(name);
        return;
      }
      s = { spacingMs: BASE_SPACING_MS, points: [], anchorMs: 0 };
      this.series.set(name, s);
    }
    fold(s, atMs, value);
    while (s.points.length > this.limits.maxPoints) thin(s);
  }

  get size(): number {
    return this.series.size;
  }

  get droppedSeries(): number {
    return this.refused.size;
  }

  /** Every series with times in seconds since `originMs` (3 decimals). */
  toSeries(originMs: number): Record<string, Point[]> {
    const out: Record<string, Point[]> = {};
    for (const [name, s] of this.series) {
      out[name] = s.points.map(([ms, v]): Point => [Math.round(ms - originMs) / 1000, v]);
    }
    return out;
  }
}

function fold(s: Stored, atMs: number, value: number): void {
  const n = s.points.length;
  if (n >= 2 && atMs - s.anchorMs < s.spacingMs * SLACK) {
    s.points[n - 1] = [atMs, value];
    return;
  }
  s.points.push([atMs, value]);
  s.anchorMs = atMs;
}

function thin(s: Stored): void {
  const old = s.points;
  s.spacingMs *= 2;
  s.points = [];
  s.anchorMs = 0;
  for (const [at, v] of old) fold(s, at, v);
}
