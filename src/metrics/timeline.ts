// The per-second sampler a host's engine calls once a second. It turns cumulative counters into
// per-interval deltas, snapshots and resets the per-second histograms, and yields the Sample a
// coordinator merges with other hosts' samples.

import type { TimelinePoint } from '../result/types.ts';
import type { CounterValues, ErrorCounts, GroupCounters } from './counters.ts';
import { diffCounters, diffErrors, errorsToRecord, snapshotCounters, zeroCounters } from './counters.ts';
import type { Histogram } from './histogram.ts';
import { encodeHistogram } from './histogram.ts';
import type { GroupSample, Sample } from './sample.ts';
import { mergeSamples } from './sample.ts';

export class TimelineSampler {
  private readonly samples: Sample[] = [];
  private cached: TimelinePoint[] = [];
  private readonly before = new Map<string, { counters: CounterValues; errors: ErrorCounts }>();

  constructor(private readonly host = 'local') {}

  /**
   * This host's own timeline. Built on demand from the samples (the same merge the coordinator
   * does), so a shard spends nothing per second on a view only a single-host caller reads.
   */
  get points(): TimelinePoint[] {
    for (let k = this.cached.length; k < this.samples.length; k++) this.cached.push(mergeSamples([this.samples[k]]));
    return this.cached;
  }

  /**
   * Call once a second with the cumulative counters per group and the histograms that collected
   * this second's end-to-end and connect latencies. Both histograms are reset here.
   */
  sample(
    tSec: number,
    counters: Readonly<Record<string, GroupCounters>>,
    e2eThisSecond: Histogram,
    connectThisSecond: Histogram,
    plannedConnected: number,
  ): Sample {
    const groups: Record<string, GroupSample> = {};
    for (const [name, c] of Object.entries(counters)) {
      const prev = this.before.get(name) ?? { counters: zeroCounters(), errors: {} };
      const delta = diffCounters(c, prev.counters);
      const errors = diffErrors(c.errors, prev.errors);
      this.before.set(name, { counters: snapshotCounters(c), errors: errorsToRecord(c.errors) });
      groups[name] = { delta, open: c.open, errors };
    }
    const sample: Sample = {
      host: this.host,
      t: tSec,
      plannedConnected,
      groups,
      endToEnd: e2eThisSecond.totalCount > 0 ? encodeHistogram(e2eThisSecond) : '',
      connect: connectThisSecond.totalCount > 0 ? encodeHistogram(connectThisSecond) : '',
    };
    e2eThisSecond.reset();
    connectThisSecond.reset();
    this.samples.push(sample);
    return sample;
  }
}

/**
 * Loss is only known after the drain; the engine attributes each lost message to the second it
 * was due to be sent and fixes the timeline up here. Seconds with no entry keep their value.
 */
export function applyLostByT(points: TimelinePoint[], lostByT: ReadonlyMap<number, number>): void {
  for (const p of points) {
    const lost = lostByT.get(p.t);
    if (lost !== undefined) p.lost = lost;
  }
}
