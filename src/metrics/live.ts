// The run's figures so far, from the merged per-second samples the coordinator receives: what an
// abortOnFail gate is evaluated on while the run goes. Counts and errors add up from the start;
// rates and end-to-end latency cover the steady seconds seen so far, like the final summary's.
// Samples carry each latency for the whole host only, so group summaries have counts and rates
// but no latency (a group latency gate has no live value and never aborts). End-to-end latency
// covers the steady seconds, the others the whole run, as in the final summary.

import type { LatencyName, Summary } from '../result/types.ts';
import { LATENCY_NAMES } from '../result/types.ts';
import type { CounterValues, ErrorCounts } from './counters.ts';
import { addCounters, addErrors, zeroCounters } from './counters.ts';
import type { Histogram } from './histogram.ts';
import { createLatencyHistogram, mergeEncodedInto } from './histogram.ts';
import { SECOND_LATENCIES, type Sample } from './sample.ts';
import type { SteadyCounts } from './steady.ts';
import { buildSummary } from './summary.ts';

interface LiveGroup {
  counters: CounterValues;
  errors: ErrorCounts;
  peak: number;
  steady: SteadyCounts;
}

export class LiveFigures {
  private readonly groups = new Map<string, LiveGroup>();
  private readonly all: LiveGroup = liveGroup();
  private readonly histograms = {} as Record<LatencyName, Histogram>;
  private readonly empty = {} as Record<LatencyName, Histogram>;

  constructor() {
    for (const name of LATENCY_NAMES) {
      this.histograms[name] = createLatencyHistogram();
      this.empty[name] = createLatencyHistogram();
    }
  }

  /** Adds one second's samples from every host; `steady` when that second lies in steady state. */
  add(samples: readonly Sample[], steady: boolean): void {
    let open = 0;
    const openByGroup = new Map<string, number>();
    for (const s of samples) {
      for (const [name, g] of Object.entries(s.groups)) {
        let live = this.groups.get(name);
        if (!live) this.groups.set(name, (live = liveGroup()));
        for (const target of [live, this.all]) {
          addCounters(target.counters, g.delta);
          addErrors(target.errors, g.errors);
          if (steady) {
            target.steady.published += g.delta.published;
            target.steady.received += g.delta.received;
          }
        }
        open += g.open;
        openByGroup.set(name, (openByGroup.get(name) ?? 0) + g.open);
      }
    }
    for (const [name, n] of openByGroup) this.groups.get(name)!.peak = Math.max(this.groups.get(name)!.peak, n);
    this.all.peak = Math.max(this.all.peak, open);
    if (steady) {
      for (const g of [...this.groups.values(), this.all]) g.steady.seconds++;
      mergeEncodedInto(
        this.histograms.endToEnd,
        samples.map((s) => s.endToEnd),
      );
    }
    mergeEncodedInto(
      this.histograms.connect,
      samples.map((s) => s.connect),
    );
    for (const name of SECOND_LATENCIES)
      mergeEncodedInto(
        this.histograms[name],
        samples.map((s) => s.latency?.[name] ?? ''),
      );
  }

  /** The figures so far, shaped like a result's summary and groups. */
  view(): { summary: Summary; groups: Record<string, Summary> } {
    const groups: Record<string, Summary> = {};
    for (const [name, g] of this.groups) groups[name] = summaryOf(g, this.empty);
    return { summary: summaryOf(this.all, this.histograms), groups };
  }
}

function liveGroup(): LiveGroup {
  return { counters: zeroCounters(), errors: {}, peak: 0, steady: { seconds: 0, published: 0, received: 0 } };
}

function summaryOf(g: LiveGroup, histograms: Record<LatencyName, Histogram>): Summary {
  return buildSummary(
    { counters: g.counters, peakConcurrent: g.peak, errors: g.errors, histograms },
    g.steady.seconds > 0 ? g.steady : null,
  );
}
