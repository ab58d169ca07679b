// Everything a shard counts, in one place: per-group counters and latency histograms, the
// per-second histograms behind the timeline, and the receive tracker. The record* methods are
// the hot path: numbers in, no allocation.

import { readIntendedMs, readSeq, readStream } from '../client/tracking.ts';
import { GroupCounters } from '../metrics/counters.ts';
import { createLatencyHistogram, encodeHistogram, recordMicros, type Histogram } from '../metrics/histogram.ts';

export interface CohortRecord {
  index: number;
  atMs: number;
  moved: number;
  reconnected: number;
  gap: Histogram;
}
import {
  createLatencyHistograms,
  groupTotalsOf,
  recordConnectParts,
  type ConnectPartHistograms,
  type GroupTotals,
  type LatencyHistograms,
} from '../metrics/summary.ts';
import { SECOND_LATENCIES, type Sample, type SecondLatency } from '../metrics/sample.ts';
import { TimelineSampler } from '../metrics/timeline.ts';
import type { Fleet } from './fleet.ts';
import { ARRIVAL_DUPLICATE, ARRIVAL_NOT_OWED, ARRIVAL_OUT_OF_ORDER, ReceiveTracker, type OwesStream } from './receive-tracker.ts';
import type { ShardResult } from './samples.ts';
import type { MissingClient, MissingSubscription } from './fanout.ts';

/** How early a one-second tick may fire and still close the second it was set for. */
export const TICK_EARLY_MS = 100;

/** The last second that has ended by `elapsedMs` after the run's start (ticks may fire early). */
export function closedSecond(elapsedMs: number): number {
  return Math.floor((elapsedMs + TICK_EARLY_MS) / 1000);
}

export class ShardMetrics {
  readonly counters: GroupCounters[];
  readonly histograms: LatencyHistograms[];
  /** Per group: where connect time went (TCP, TLS, WebSocket upgrade, CONNACK), parts made on first use. */
  readonly connectParts: ConnectPartHistograms[];
  /** Published QoS>0 messages per group (those that expect an ack). */
  readonly publishedNeedingAck: number[];
  private readonly e2eSecond: Histogram = createLatencyHistogram();
  private readonly connectSecond: Histogram = createLatencyHistogram();
  /** This second's other latencies (the live endpoint's histograms rise with them). */
  private readonly otherSecond = {
    subscribe: createLatencyHistogram(),
    publishAck: createLatencyHistogram(),
    reconnect: createLatencyHistogram(),
    commandRoundTrip: createLatencyHistogram(),
  } satisfies Record<SecondLatency, Histogram>;
  private lateBefore = 0;
  private readonly tracker = new ReceiveTracker();
  private readonly sampler: TimelineSampler;
  private readonly byName: Record<string, GroupCounters> = {};
  /**
   * Kept for result.json's timeline, which merges endToEnd and connect only. The other
   * latencies of a second (`lastLatency`) go out with the live sample and are not kept: a
   * host's retained seconds are its steady heap growth in a long run (issue 14).
   */
  readonly samples: Sample[] = [];
  /** The latest sample's other latencies (subscribe, publishAck, reconnect, commandRoundTrip). */
  lastLatency: NonNullable<Sample['latency']> = {};
  /** here[g]: group g has clients on this shard. */
  private readonly here: boolean[];
  /** Wall-scale ms the run's clock counts seconds from (shared by every host of a run). */
  runStartMs = 0;
  steadyStartMs = 0;
  steadyEndMs = 0;
  steadyStarted = false;
  /** Per group: sends whose intended time lies in the steady window (tracked-send.ts counts them). */
  readonly steadyPublished: number[];
  late = 0;
  maxLagMs = 0;
  /** Publishes waiting on a connection for the broker's Receive Maximum (tracked-send.ts); not settled while any wait. */
  delayedNow = 0;

  constructor(
    private readonly fleet: Fleet,
    readonly hostId: string,
    private readonly groupsHere: readonly number[],
  ) {
    this.counters = fleet.groups.map(() => new GroupCounters());
    this.histograms = fleet.groups.map(() => createLatencyHistograms());
    this.connectParts = fleet.groups.map(() => ({}));
    this.publishedNeedingAck = fleet.groups.map(() => 0);
    this.steadyPublished = fleet.groups.map(() => 0);
    this.here = fleet.groups.map((_, g) => groupsHere.includes(g));
    for (const g of groupsHere) this.byName[fleet.groups[g].spec.name] = this.counters[g];
    this.sampler = new TimelineSampler(hostId);
  }

  markSteady(start: number, end: number): void {
    this.steadyStartMs = start;
    this.steadyEndMs = end;
    this.steadyStarted = true;
  }

  recordConnect(group: number, ms: number): void {
    recordMicros(this.histograms[group].connect, ms * 1000);
    recordMicros(this.connectSecond, ms * 1000);
  }

  /** One attempt's connect time in parts (timestamps from the connection; 0 = step not taken). */
  recordConnectParts(group: number, startMs: number, tcpAt: number, tlsAt: number, wsAt: number, nowMs: number): void {
    recordConnectParts(this.connectParts[group], startMs, tcpAt, tlsAt, wsAt, nowMs);
  }

  /** Gap from losing a connection (or being moved) to CONNACK again. */
  recordReconnect(group: number, ms: number, cohort?: number): void {
    recordMicros(this.histograms[group].reconnect, ms * 1000);
    recordMicros(this.otherSecond.reconnect, ms * 1000);
    if (cohort === undefined) return;
    const record = this.cohorts.get(cohort);
    if (!record) return;
    record.reconnected++;
    recordMicros(record.gap, ms * 1000);
  }

  /** A migration cohort begins: its record (the runner counts the devices it moves). */
  cohortStarted(index: number, nowMs: number): CohortRecord {
    let record = this.cohorts.get(index);
    if (!record) {
      record = { index, atMs: nowMs - this.runStartMs, moved: 0, reconnected: 0, gap: createLatencyHistogram() };
      this.cohorts.set(index, record);
    }
    return record;
  }

  readonly cohorts = new Map<number, CohortRecord>();

  /** A reply to one of our commands arrived, `ms` after the command's intended send time. */
  recordReply(group: number, ms: number, timeoutMs: number): void {
    const c = this.counters[group];
    recordMicros(this.histograms[group].commandRoundTrip, ms * 1000);
    recordMicros(this.otherSecond.commandRoundTrip, ms * 1000);
    if (ms <= timeoutMs) c.commandsReplied++;
    else c.commandsLate++;
  }

  recordSubscribe(group: number, ms: number): void {
    recordMicros(this.histograms[group].subscribe, ms * 1000);
    recordMicros(this.otherSecond.subscribe, ms * 1000);
  }

  recordAck(group: number, ms: number): void {
    this.counters[group].acked++;
    recordMicros(this.histograms[group].publishAck, ms * 1000);
    recordMicros(this.otherSecond.publishAck, ms * 1000);
  }

  /**
   * A tracked delivery to client i of group `group` (`receiver`: its tracking record's owner).
   * It counts as received only when owed: intended inside the accounting window [steadyStart,
   * steadyEnd) and of a stream the receiver is owed; anything else is notOwed and offsets nothing.
   */
  recordMessage(group: number, receiver: number, i: number, buf: Buffer, start: number, nowMs: number): void {
    const c = this.counters[group];
    const intendedMs = readIntendedMs(buf, start);
    if (!(intendedMs >= this.steadyStartMs && intendedMs < this.steadyEndMs)) {
      c.notOwed++;
      return;
    }
    const arrival = this.tracker.record(receiver, readStream(buf, start), readSeq(buf, start), group, i);
    if (arrival === ARRIVAL_NOT_OWED) {
      c.notOwed++;
      return;
    }
    c.received++;
    const us = (nowMs - intendedMs) * 1000;
    recordMicros(this.histograms[group].endToEnd, us);
    recordMicros(this.e2eSecond, us);
    if (arrival === ARRIVAL_DUPLICATE) c.duplicated++;
    else if (arrival === ARRIVAL_OUT_OF_ORDER) c.outOfOrder++;
  }

  /** From steady state on: which (receiver, stream) pairs are owed deliveries. */
  owe(owes: OwesStream): void {
    this.tracker.owes = owes;
  }

  /**
   * True once every ack and every expected delivery known to this shard has arrived. Deliveries
   * to a group with no clients here (its subscribers run on another host) cannot be seen here,
   * so only the acks count for it.
   */
  settled(): boolean {
    if (this.delayedNow > 0) return false;
    for (let g = 0; g < this.counters.length; g++) {
      const c = this.counters[g];
      if (c.acked + c.refused < this.publishedNeedingAck[g]) return false;
      if (c.commandsReplied + c.commandsLate < c.commandsSent) return false;
      if (this.here[g] && c.received - c.duplicated < c.expected) return false;
    }
    return true;
  }

  /**
   * The sample of the second that ends at the tick `nowMs`: point t covers
   * [runStart + (t−1)·1000, runStart + t·1000). A tick that fires a little early (up to
   * TICK_EARLY_MS) still closes its second; one for a second already closed gives null; a tick
   * late by more than a second leaves the seconds it missed absent (their counts land in t).
   * The final sample covers the partial second the run ends in.
   */
  sample(nowMs: number, plannedConnected: number, final = false): Sample | null {
    const last = this.samples.length > 0 ? this.samples[this.samples.length - 1].t : 0;
    const elapsed = nowMs - this.runStartMs;
    const t = final ? Math.max(last + 1, Math.floor(elapsed / 1000) + 1) : closedSecond(elapsed);
    if (t <= last) return null;
    const s = this.sampler.sample(t, this.byName, this.e2eSecond, this.connectSecond, plannedConnected);
    const latency: Sample['latency'] = {};
    for (const name of SECOND_LATENCIES) {
      const h = this.otherSecond[name];
      if (h.totalCount === 0) continue;
      latency[name] = encodeHistogram(h);
      h.reset();
    }
    this.lastLatency = latency;
    s.late = this.late - this.lateBefore;
    s.maxLagMs = Math.round(this.maxLagMs * 1000) / 1000;
    this.lateBefore = this.late;
    this.samples.push(s);
    return s;
  }

  result(interrupted: boolean, missing: { subscriptions: MissingSubscription[]; clients: MissingClient[] }, nowMs: number): ShardResult {
    const groups: Record<string, GroupTotals> = {};
    // A group runs elsewhere but this shard's publishers still owe it `expected` deliveries:
    // report those too, or a fleet split over hosts would undercount what should arrive.
    for (let g = 0; g < this.counters.length; g++) {
      if (!this.here[g] && this.counters[g].expected === 0) continue;
      const totals = groupTotalsOf(this.counters[g], this.histograms[g], this.connectParts[g]);
      // Owed deliveries (the only ones in received and the end-to-end histogram) are exactly those
      // due inside the steady window, so the window's own record is exact, not sampled by seconds.
      if (this.steadyStarted)
        totals.steady = {
          published: this.steadyPublished[g],
          received: totals.counters.received,
          histograms: { endToEnd: totals.histograms.endToEnd },
        };
      groups[this.fleet.groups[g].spec.name] = totals;
    }
    return {
      hostId: this.hostId,
      groups,
      samples: this.samples,
      steadyStartMs: this.steadyStarted ? this.steadyStartMs : null,
      steadyEndMs: this.steadyStarted ? Math.min(this.steadyEndMs, nowMs) : null,
      schedule: { late: this.late, maxLagMs: Math.round(this.maxLagMs * 1000) / 1000 },
      missingSubscriptions: missing.subscriptions,
      missingClients: missing.clients,
      interrupted,
      cohorts: [...this.cohorts.values()].map((c) => ({
        index: c.index,
        atMs: Math.round(c.atMs),
        moved: c.moved,
        reconnected: c.reconnected,
        gap: c.gap.totalCount > 0 ? encodeHistogram(c.gap) : '',
      })),
    };
  }
}
