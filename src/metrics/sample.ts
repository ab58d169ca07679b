// One host's one-second report to the coordinator, and the exact merge of many hosts' reports
// for the same second into one timeline point. Per-second latency travels as encoded
// histograms so that the merged p50/p99 come from added buckets, not from averaged percentiles.

import type { HostHealthSecond, LatencyName, TimelinePoint } from '../result/types.ts';
import type { CounterValues, ErrorCounts } from './counters.ts';
import { addErrors, zeroCounters } from './counters.ts';
import type { Histogram } from './histogram.ts';
import { createLatencyHistogram, mergeEncodedInto } from './histogram.ts';

export interface GroupSample {
  /** Counts within the interval (not cumulative). */
  delta: CounterValues;
  /** Gauge: this group's connections open on this host at the end of the interval. */
  open: number;
  /** Errors within the interval, by reason. */
  errors: ErrorCounts;
}

export interface Sample {
  /** Host id (for diagnostics; merging ignores it). */
  host: string;
  /** Seconds since the run started, end of the one-second interval. */
  t: number;
  /** Connections the plan meant this host to have open by t. */
  plannedConnected: number;
  groups: Record<string, GroupSample>;
  /** Encoded histograms (µs) of what was measured in this interval only; '' when empty. */
  endToEnd: string;
  connect: string;
  /** The other latencies measured in this interval, encoded the same way (absent when empty). */
  latency?: Partial<Record<SecondLatency, string>>;
  /** Sends more than 10 ms behind schedule within the interval, and the worst lag so far (ms). */
  late?: number;
  maxLagMs?: number;
  /** The host's own CPU, memory, event-loop delay and GC over the interval. */
  health?: HostHealthSecond;
}

/** Latencies a sample carries in `latency` (end-to-end and connect have their own fields). */
export type SecondLatency = Exclude<LatencyName, 'endToEnd' | 'connect'>;
export const SECOND_LATENCIES: readonly SecondLatency[] = ['subscribe', 'publishAck', 'reconnect', 'commandRoundTrip'];

/** Connections open in a sample, over its groups. */
export function sampleConnected(sample: Sample): number {
  let n = 0;
  for (const g of Object.values(sample.groups)) n += g.open;
  return n;
}

/** p50/p99 in ms (3 decimals) of a histogram, 0 when it is empty. */
export function p50p99Ms(h: Histogram): [number, number] {
  if (h.totalCount === 0) return [0, 0];
  return [Math.round(h.getValueAtPercentile(50)) / 1000, Math.round(h.getValueAtPercentile(99)) / 1000];
}

/**
 * Merges the samples of one second from every host. All samples must carry the same `t`.
 * `lost` is 0 here: loss is only known once the drain is over (see applyLostByT).
 */
export function mergeSamples(samples: readonly Sample[]): TimelinePoint {
  if (samples.length === 0) throw new Error('mergeSamples needs at least one sample');
  const t = samples[0]!.t;
  const point: TimelinePoint = {
    t,
    connected: 0,
    plannedConnected: 0,
    published: 0,
    acked: 0,
    received: 0,
    lost: 0,
    endToEndP50Ms: 0,
    endToEndP99Ms: 0,
    connectP50Ms: 0,
    connectP99Ms: 0,
    errors: {},
  };
  for (const s of samples) {
    if (s.t !== t) throw new Error(`mergeSamples: samples for t=${t} and t=${s.t} mixed`);
    point.plannedConnected += s.plannedConnected;
    for (const g of Object.values(s.groups)) {
      point.connected += g.open;
      point.published += g.delta.published;
      point.acked += g.delta.acked;
      point.received += g.delta.received;
      addErrors(point.errors, g.errors);
    }
    if (s.late !== undefined) point.late = (point.late ?? 0) + s.late;
  }
  [point.endToEndP50Ms, point.endToEndP99Ms] = p50p99Ms(
    mergeEncodedInto(
      createLatencyHistogram(),
      samples.map((s) => s.endToEnd),
    ),
  );
  [point.connectP50Ms, point.connectP99Ms] = p50p99Ms(
    mergeEncodedInto(
      createLatencyHistogram(),
      samples.map((s) => s.connect),
    ),
  );
  return point;
}

/**
 * Merges whole per-host series: samples are aligned by `t` (a host missing a second simply
 * contributes nothing to it) and the result is sorted by t.
 */
export function mergeTimelines(perHost: readonly (readonly Sample[])[]): TimelinePoint[] {
  const byT = new Map<number, Sample[]>();
  const add = (s: Sample) => {
    const list = byT.get(s.t);
    if (list) list.push(s);
    else byT.set(s.t, [s]);
  };
  for (const series of perHost) {
    let prev: Sample | null = null;
    for (const s of series) {
      // A host whose tick came late skipped seconds (its next sample holds their counts): its
      // open connections still count in them, or a second would show only the other hosts'.
      if (prev !== null) for (let t = prev.t + 1; t < s.t; t++) add(carriedSample(prev, t));
      add(s);
      prev = s;
    }
  }
  return [...byT.keys()].sort((a, b) => a - b).map((t) => mergeSamples(byT.get(t)!));
}

/**
 * Second `t` of a host that sent no sample for it: nothing counted (the host's next sample
 * carries that second's counts), the gauges as the host's last sample left them.
 */
export function carriedSample(prev: Sample, t: number): Sample {
  const groups: Record<string, GroupSample> = {};
  for (const [name, g] of Object.entries(prev.groups)) groups[name] = { delta: zeroCounters(), open: g.open, errors: {} };
  return { host: prev.host, t, plannedConnected: prev.plannedConnected, groups, endToEnd: '', connect: '' };
}

/** Per-group open connections summed over hosts for one second (for per-group peaks). */
export function openByGroup(samples: readonly Sample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) for (const [name, g] of Object.entries(s.groups)) out[name] = (out[name] ?? 0) + g.open;
  return out;
}
