// The live view of a run, kept where the coordinator merges each second: cumulative counts per
// group (the sum of the merged per-second deltas), connections open now, errors by reason and
// the run-long latency histograms built by adding every second's encoded histograms. Once the
// result exists, `finish` replaces everything with the result's own figures, so whatever reads
// this view last (the final scrape, the last progress frame) shows exactly result.json.

import type { CounterValues, ErrorCounts } from '../../metrics/counters.ts';
import { addErrors } from '../../metrics/counters.ts';
import { addEncoded, createLatencyHistogram, decodeHistogram, type Histogram } from '../../metrics/histogram.ts';
import { SECOND_LATENCIES, sampleConnected, type Sample } from '../../metrics/sample.ts';
import type { HostHealthSecond, LatencyName, Result, Summary, TimelinePoint } from '../../result/types.ts';
import { LATENCY_NAMES } from '../../result/types.ts';

/** One group's cumulative figures, named as in result.json's summary. */
export interface GroupFigures {
  planned: number;
  connected: number;
  attempted: number;
  succeeded: number;
  failed: number;
  dropped: number;
  reconnects: number;
  published: number;
  acked: number;
  received: number;
  expected: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
  skipped: number;
  /** Publishes the broker refused. */
  refused: number;
  /** Deliveries owed to nobody, by kind (never part of received). */
  retained: number;
  will: number;
  notOwed: number;
  commandsSent: number;
  commandsReplied: number;
  commandsLate: number;
  errors: ErrorCounts;
}

export type CountField = Exclude<keyof GroupFigures, 'planned' | 'connected' | 'errors'>;

/** Per-second delta field → cumulative field (the engine's names → the result's names). */
const FROM_DELTA: [CountField, keyof CounterValues][] = [
  ['attempted', 'attempted'],
  ['succeeded', 'succeeded'],
  ['failed', 'failed'],
  ['dropped', 'disconnected'],
  ['reconnects', 'reconnects'],
  ['published', 'published'],
  ['acked', 'acked'],
  ['received', 'received'],
  ['expected', 'expected'],
  ['duplicated', 'duplicated'],
  ['outOfOrder', 'outOfOrder'],
  ['skipped', 'skipped'],
  ['refused', 'refused'],
  ['retained', 'retained'],
  ['will', 'will'],
  ['notOwed', 'notOwed'],
  ['commandsSent', 'commandsSent'],
  ['commandsReplied', 'commandsReplied'],
  ['commandsLate', 'commandsLate'],
];

function emptyGroup(planned: number): GroupFigures {
  return {
    planned,
    connected: 0,
    attempted: 0,
    succeeded: 0,
    failed: 0,
    dropped: 0,
    reconnects: 0,
    published: 0,
    acked: 0,
    received: 0,
    expected: 0,
    lost: 0,
    duplicated: 0,
    outOfOrder: 0,
    skipped: 0,
    refused: 0,
    retained: 0,
    will: 0,
    notOwed: 0,
    commandsSent: 0,
    commandsReplied: 0,
    commandsLate: 0,
    errors: {},
  };
}

/** A result summary in the same shape (for the final update). */
function groupFromSummary(planned: number, connected: number, s: Summary): GroupFigures {
  return {
    planned,
    connected,
    attempted: s.connections.attempted,
    succeeded: s.connections.succeeded,
    failed: s.connections.failed,
    dropped: s.connections.dropped ?? 0,
    reconnects: s.connections.reconnects ?? 0,
    published: s.messages.published,
    acked: s.messages.acked,
    received: s.messages.received,
    expected: s.messages.expected,
    lost: s.messages.lost,
    duplicated: s.messages.duplicated,
    outOfOrder: s.messages.outOfOrder,
    skipped: s.messages.skipped ?? 0,
    refused: s.messages.refused ?? 0,
    retained: s.messages.retained ?? 0,
    will: s.messages.will ?? 0,
    notOwed: s.messages.notOwed ?? 0,
    commandsSent: s.commands?.sent ?? 0,
    commandsReplied: s.commands?.replied ?? 0,
    commandsLate: s.commands?.late ?? 0,
    errors: { ...s.errors },
  };
}

/** Where the run is: what the progress block and the info metrics show. */
export interface RunStatus {
  scenario: string;
  /** connect, steady, drain, done (or warm-up, in a capacity search). */
  phase: string;
  /** The load-profile stage now ('' without stages or outside the steady state). */
  stage: string;
  elapsedS: number;
  /** Connect ramp + steady state + drain, as planned. */
  plannedS: number;
  /** Messages per second the plan publishes now (stage rate applied). */
  plannedRate: number;
  /** Capacity search: 1-based step and its load factor; null outside a search. */
  step: number | null;
  loadFactor: number | null;
}

export class LiveFigures {
  status: RunStatus = { scenario: '', phase: 'connect', stage: '', elapsedS: 0, plannedS: 0, plannedRate: 0, step: null, loadFactor: null };
  groups: Record<string, GroupFigures> = {};
  histograms = {} as Record<LatencyName, Histogram>;
  /** Connections open per host at the last second (host id → count). */
  hostConnected: Record<string, number> = {};
  /** Each host's own health at its last second, and its GC pauses summed over the run. */
  hostHealth: Record<string, HostHealthSecond> = {};
  hostGc: Record<string, { count: number; ms: number }> = {};
  /** The last merged second, for rates and per-second p99s. */
  last: TimelinePoint | null = null;
  plannedConnected = 0;
  late = 0;
  maxLagMs = 0;
  /** True once `finish` has set the result's figures. */
  final = false;

  constructor(private readonly planned: Record<string, number>) {
    this.reset();
  }

  /** Back to zero (a new capacity step is a new run). */
  reset(): void {
    this.groups = {};
    for (const [name, n] of Object.entries(this.planned)) this.groups[name] = emptyGroup(n);
    for (const name of LATENCY_NAMES) this.histograms[name] = createLatencyHistogram();
    this.hostConnected = {};
    this.hostHealth = {};
    this.hostGc = {};
    this.last = null;
    this.plannedConnected = 0;
    this.late = 0;
    this.maxLagMs = 0;
    this.final = false;
  }

  /** One merged second: the hosts' samples and the point mergeSamples made of them. */
  addSecond(samples: readonly Sample[], point: TimelinePoint): void {
    for (const s of samples) {
      for (const [name, g] of Object.entries(s.groups)) {
        const into = (this.groups[name] ??= emptyGroup(0));
        for (const [to, from] of FROM_DELTA) into[to] += g.delta[from];
        addErrors(into.errors, g.errors);
      }
      this.hostConnected[s.host] = sampleConnected(s);
      if (s.endToEnd) addEncoded(this.histograms.endToEnd, s.endToEnd);
      if (s.connect) addEncoded(this.histograms.connect, s.connect);
      for (const name of SECOND_LATENCIES) {
        const encoded = s.latency?.[name];
        if (encoded) addEncoded(this.histograms[name], encoded);
      }
      this.late += s.late ?? 0;
      this.maxLagMs = Math.max(this.maxLagMs, s.maxLagMs ?? 0);
      if (s.health) this.addHealth(s.host, s.health);
    }
    // Open connections are a gauge: the merged second's sum over hosts, per group.
    for (const g of Object.values(this.groups)) g.connected = 0;
    for (const s of samples) for (const [name, g] of Object.entries(s.groups)) this.groups[name]!.connected += g.open;
    this.plannedConnected = point.plannedConnected;
    this.last = point;
  }

  private addHealth(host: string, h: HostHealthSecond): void {
    this.hostHealth[host] = h;
    const gc = (this.hostGc[host] ??= { count: 0, ms: 0 });
    gc.count += h.gcCount;
    gc.ms += h.gcMs;
  }

  /** Replaces every figure with the result's: from here on the view equals result.json. */
  finish(result: Result): void {
    const groups: Record<string, GroupFigures> = {};
    for (const [name, s] of Object.entries(result.groups)) {
      groups[name] = groupFromSummary(this.planned[name] ?? 0, this.groups[name]?.connected ?? 0, s);
    }
    this.groups = groups;
    for (const name of LATENCY_NAMES) {
      const encoded = result.histograms[name];
      this.histograms[name] = encoded ? decodeHistogram(encoded) : createLatencyHistogram();
    }
    this.late = result.run.schedule?.late ?? 0;
    this.maxLagMs = result.run.schedule?.maxLagMs ?? 0;
    for (const h of result.health ?? []) this.hostGc[h.host] = { count: h.run.gc.count, ms: h.run.gc.totalMs };
    this.final = true;
  }

  /** A count summed over groups. */
  total(field: CountField | 'planned' | 'connected'): number {
    let n = 0;
    for (const g of Object.values(this.groups)) n += g[field];
    return n;
  }

  /** Errors summed over groups, by reason. */
  errors(): ErrorCounts {
    const out: ErrorCounts = {};
    for (const g of Object.values(this.groups)) addErrors(out, g.errors);
    return out;
  }
}
