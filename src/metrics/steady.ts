// The one home of the steady window `[steadyStartMs, steadyEndMs)` (ms since the run started).
// `throughput.*PerSec` and the end-to-end latency that gates and capacity read count only what
// lies inside it; the connect phase before and the drain after stay in the totals and the
// timeline.
//
// Timeline point t covers the wall-clock second [(t−1)·1000, t·1000). The window rarely starts on
// a second, so the steady figures come from the seconds that lie wholly inside it: a rate is
// always count-in-those-seconds / number-of-those-seconds. A window shorter than one whole second
// has no steady figures (rates 0, latency empty) rather than figures diluted by the ramp.

import type { LatencyName } from '../result/types.ts';
import { mergeEncoded } from './histogram.ts';
import type { Sample } from './sample.ts';

/** Published/received within the steady window and the window's length in seconds. */
export interface SteadyCounts {
  seconds: number;
  published: number;
  received: number;
}

/**
 * What an engine may record itself, by intended send time inside the window (exact, no
 * whole-second rounding): counts and the latencies of those messages only. When every shard of
 * a group carries it, it wins over the per-second samples.
 */
export interface SteadyRecord {
  published: number;
  received: number;
  /** Encoded histograms (µs) of the window's messages; '' or absent when none. */
  histograms: Partial<Record<LatencyName, string>>;
}

export interface SteadyWindow {
  fromMs: number;
  toMs: number;
}

/** The timeline points lying wholly inside the window: t from `first` to `last`. */
export function wholeSeconds(w: SteadyWindow): { first: number; last: number; seconds: number } {
  const first = Math.ceil(w.fromMs / 1000) + 1;
  const last = Math.floor(w.toMs / 1000);
  return { first, last, seconds: Math.max(0, last - first + 1) };
}

/** The steady figures read off the per-second samples of every host. */
export interface SteadyFromSamples {
  seconds: number;
  /** Per group name: published/received in the window's whole seconds. */
  groups: Record<string, SteadyCounts>;
  all: SteadyCounts;
  /** Every host's end-to-end histogram over the same seconds (run-wide; samples are not per group). */
  endToEnd: string;
}

export function steadyFromSamples(perHost: readonly (readonly Sample[])[], w: SteadyWindow | null): SteadyFromSamples {
  const { first, last, seconds } = w ? wholeSeconds(w) : { first: 1, last: 0, seconds: 0 };
  const all: SteadyCounts = { seconds, published: 0, received: 0 };
  const groups: Record<string, SteadyCounts> = {};
  const e2e: string[] = [];
  for (const series of perHost) {
    for (const s of series) {
      if (s.t < first || s.t > last) continue;
      e2e.push(s.endToEnd);
      for (const [name, g] of Object.entries(s.groups)) {
        const counts = (groups[name] ??= { seconds, published: 0, received: 0 });
        counts.published += g.delta.published;
        counts.received += g.delta.received;
        all.published += g.delta.published;
        all.received += g.delta.received;
      }
    }
  }
  return { seconds, groups, all, endToEnd: seconds > 0 ? mergeEncoded(e2e) : '' };
}

/** Engine-recorded steady figures added over shards; null unless every part carries them. */
export function mergeSteadyRecords(parts: readonly (SteadyRecord | undefined)[]): SteadyRecord | null {
  if (parts.length === 0 || parts.some((p) => p === undefined)) return null;
  const out: SteadyRecord = { published: 0, received: 0, histograms: {} };
  const names = new Set(parts.flatMap((p) => Object.keys(p!.histograms) as LatencyName[]));
  for (const p of parts) {
    out.published += p!.published;
    out.received += p!.received;
  }
  for (const name of names) out.histograms[name] = mergeEncoded(parts.map((p) => p!.histograms[name] ?? ''));
  return out;
}
