// From counters + histograms to the `Summary` block of result.json, and the exact merges a
// coordinator needs: counts add, errors add, histograms add bucket by bucket and are summarised
// only afterwards. Percentiles are never averaged.

import type { ConnectPart, LatencyName, Summary } from '../result/types.ts';
import { CONNECT_PARTS, LATENCY_NAMES } from '../result/types.ts';
import type { CounterValues, ErrorCounts, GroupCounters } from './counters.ts';
import { addCounters, addErrors, errorsToRecord, snapshotCounters, zeroCounters } from './counters.ts';
import type { Histogram } from './histogram.ts';
import { createLatencyHistogram, encodeHistogram, mergeEncoded, recordMicros, summarize, summarizeEncoded } from './histogram.ts';
import { mergeSteadyRecords, type SteadyCounts, type SteadyRecord } from './steady.ts';

export type LatencyHistograms = Record<LatencyName, Histogram>;

export function createLatencyHistograms(): LatencyHistograms {
  return {
    connect: createLatencyHistogram(),
    subscribe: createLatencyHistogram(),
    publishAck: createLatencyHistogram(),
    endToEnd: createLatencyHistogram(),
    reconnect: createLatencyHistogram(),
    commandRoundTrip: createLatencyHistogram(),
  };
}

/** Connect-time parts, created on first use (a run over plain TCP never has tls or wsUpgrade). */
export type ConnectPartHistograms = Partial<Record<ConnectPart, Histogram>>;
export type EncodedConnectParts = Partial<Record<ConnectPart, string>>;

/**
 * Records one successful attempt's parts: `startMs` (CONNECT queued) → `tcpAt` → `tlsAt` →
 * `wsAt` → `nowMs` (CONNACK), each 0 when the transport has no such step. The parts add up to
 * `nowMs − startMs`, the attempt's connect time. Nothing is recorded without a TCP timestamp
 * (or with one from another clock).
 */
export function recordConnectParts(
  parts: ConnectPartHistograms,
  startMs: number,
  tcpAt: number,
  tlsAt: number,
  wsAt: number,
  nowMs: number,
): void {
  if (!(tcpAt >= startMs && tcpAt <= nowMs)) return;
  recordMicros((parts.tcp ??= createLatencyHistogram()), (tcpAt - startMs) * 1000);
  let from = tcpAt;
  if (tlsAt > 0) {
    recordMicros((parts.tls ??= createLatencyHistogram()), (tlsAt - from) * 1000);
    from = tlsAt;
  }
  if (wsAt > 0) {
    recordMicros((parts.wsUpgrade ??= createLatencyHistogram()), (wsAt - from) * 1000);
    from = wsAt;
  }
  recordMicros((parts.connack ??= createLatencyHistogram()), (nowMs - from) * 1000);
}

export function encodeConnectParts(parts: ConnectPartHistograms): EncodedConnectParts | undefined {
  const out: EncodedConnectParts = {};
  for (const name of CONNECT_PARTS) {
    const h = parts[name];
    if (h && h.totalCount > 0) out[name] = encodeHistogram(h);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Adds the parts of several totals; undefined when none has any. */
export function mergeConnectParts(list: readonly (EncodedConnectParts | undefined)[]): EncodedConnectParts | undefined {
  const out: EncodedConnectParts = {};
  for (const name of CONNECT_PARTS) {
    const encoded = list.map((p) => p?.[name] ?? '').filter((e) => e !== '');
    if (encoded.length > 0) out[name] = mergeEncoded(encoded);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** One group's final figures on one host, in a form that travels (plain JSON) and merges exactly. */
export interface GroupTotals {
  counters: CounterValues;
  /** Highest number of connections open at once. See mergeGroupTotals for the cross-host rule. */
  peakConcurrent: number;
  errors: ErrorCounts;
  /** HdrHistogram compressed base64, microseconds. */
  histograms: Record<LatencyName, string>;
  /** Figures of the messages whose intended send time lies in the steady window, when the engine records them. */
  steady?: SteadyRecord;
  /** Connect-time parts (HdrHistogram compressed base64, microseconds), those that were used. */
  connectParts?: EncodedConnectParts;
}

export function groupTotalsOf(counters: GroupCounters, histograms: LatencyHistograms, parts: ConnectPartHistograms = {}): GroupTotals {
  const connectParts = encodeConnectParts(parts);
  return {
    counters: snapshotCounters(counters),
    peakConcurrent: counters.peakConcurrent,
    errors: errorsToRecord(counters.errors),
    histograms: encodeAll(histograms),
    ...(connectParts ? { connectParts } : {}),
  };
}

export function encodeAll(histograms: LatencyHistograms): Record<LatencyName, string> {
  const out = {} as Record<LatencyName, string>;
  for (const name of LATENCY_NAMES) out[name] = encodeHistogram(histograms[name]);
  return out;
}

/**
 * Adds totals from several hosts (or several groups) exactly.
 *
 * peakConcurrent: per-host peaks happened at different instants, so their sum is only an upper
 * bound and their max only a lower bound. When the caller knows the merged timeline's highest
 * `connected` (all hosts summed at the same second), pass it as `timelinePeak`: the result is
 * max(timelinePeak, highest single peak) — the tightest figure that was actually observed.
 * Without it, the highest single peak is used (exact for one host).
 */
export function mergeGroupTotals(list: readonly GroupTotals[], timelinePeak?: number): GroupTotals {
  const counters = zeroCounters();
  const errors: ErrorCounts = {};
  let peak = timelinePeak ?? 0;
  for (const t of list) {
    addCounters(counters, t.counters);
    addErrors(errors, t.errors);
    if (t.peakConcurrent > peak) peak = t.peakConcurrent;
  }
  const histograms = {} as Record<LatencyName, string>;
  for (const name of LATENCY_NAMES) histograms[name] = mergeEncoded(list.map((t) => t.histograms[name]));
  const steady = mergeSteadyRecords(list.map((t) => t.steady));
  const connectParts = mergeConnectParts(list.map((t) => t.connectParts));
  return { counters, peakConcurrent: peak, errors, histograms, ...(steady ? { steady } : {}), ...(connectParts ? { connectParts } : {}) };
}

function rate(count: number, seconds: number): number {
  return seconds > 0 ? round3(count / seconds) : 0;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Throughput is over the steady-state window only; with no window (the run never reached steady
 * state, or it lasted under a second) both rates are 0 rather than a figure diluted by the ramp.
 * `steadyLatency` replaces the whole-run latency of the names it carries (see metrics/steady.ts).
 * lost = max(0, expected − unique deliveries), unique = received − duplicated.
 */
export function buildSummary(
  totals: {
    counters: CounterValues;
    peakConcurrent: number;
    errors: ErrorCounts;
    histograms: Record<LatencyName, string | Histogram>;
    connectParts?: EncodedConnectParts;
  },
  steady: SteadyCounts | null,
  steadyLatency: Partial<Record<LatencyName, string>> = {},
): Summary {
  const c = totals.counters;
  const unique = c.received - c.duplicated;
  const lost = Math.max(0, c.expected - unique);
  const latencyMs = {} as Summary['latencyMs'];
  for (const name of LATENCY_NAMES) {
    const h = steadyLatency[name] ?? totals.histograms[name];
    latencyMs[name] = typeof h === 'string' ? summarizeEncoded(h) : summarize(h);
  }
  if (totals.connectParts) {
    const parts: NonNullable<Summary['latencyMs']['connectParts']> = {};
    for (const name of CONNECT_PARTS) {
      const encoded = totals.connectParts[name];
      if (encoded) parts[name] = summarizeEncoded(encoded);
    }
    latencyMs.connectParts = parts;
  }
  return {
    connections: {
      attempted: c.attempted,
      succeeded: c.succeeded,
      failed: c.failed,
      peakConcurrent: totals.peakConcurrent,
      dropped: c.disconnected,
      reconnects: c.reconnects,
      reconnectFailed: c.reconnectFailed,
    },
    messages: {
      published: c.published,
      acked: c.acked,
      received: c.received,
      expected: c.expected,
      lost,
      duplicated: c.duplicated,
      outOfOrder: c.outOfOrder,
      lossRate: c.expected > 0 ? lost / c.expected : 0,
      skipped: c.skipped,
      refused: c.refused,
      retained: c.retained,
      will: c.will,
      notOwed: c.notOwed,
      ...(c.delayedByReceiveMaximum > 0 ? { delayedByReceiveMaximum: c.delayedByReceiveMaximum } : {}),
      ...(c.resent > 0 ? { resent: c.resent } : {}),
    },
    throughput: {
      publishedPerSec: steady ? rate(steady.published, steady.seconds) : 0,
      receivedPerSec: steady ? rate(steady.received, steady.seconds) : 0,
    },
    latencyMs,
    errors: { ...totals.errors },
    ...(c.commandsSent > 0
      ? {
          commands: {
            sent: c.commandsSent,
            replied: c.commandsReplied,
            late: c.commandsLate,
            noReply: Math.max(0, c.commandsSent - c.commandsReplied - c.commandsLate),
          },
        }
      : {}),
  };
}
