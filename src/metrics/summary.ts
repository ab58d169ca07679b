// From counters + histograms to the `Summary` block of result.json, and the exact merges a
// coordinator needs: counts add, errors add, histograms add bucket by bucket and are summarised
// only afterwards. Percentiles are never averaged.

import type { LatencyName, Summary } from '../result/types.ts';
import { LATENCY_NAMES } from '../result/types.ts';
import type { CounterValues, ErrorCounts, GroupCounters } from './counters.ts';
import { addCounters, addErrors, errorsToRecord, snapshotCounters, zeroCounters } from './counters.ts';
import type { Histogram } from './histogram.ts';
import { createLatencyHistogram, encodeHistogram, mergeEncoded, summarize, summarizeEncoded } from './histogram.ts';
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
}

export function groupTotalsOf(counters: GroupCounters, histograms: LatencyHistograms): GroupTotals {
  return {
    counters: snapshotCounters(counters),
    peakConcurrent: counters.peakConcurrent,
    errors: errorsToRecord(counters.errors),
    histograms: encodeAll(histograms),
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
  return { counters, peakConcurrent: peak, errors, histograms, ...(steady ? { steady } : {}) };
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
