// The broker's figures worth quoting beside fleetstorm's, picked out of whatever series the
// sources gave. Names differ per broker, so each figure has a list of the series that carry it;
// $SYS is preferred over Prometheus when both carry a figure (it is the broker's own count).

import { counterIncrease, counterRate, increaseInside, medianSpacing, peakOfSum } from './derive.ts';
import type { BrokerHighlights, BrokerSource, Point } from '../result/broker-side.ts';

interface Carriers {
  sys: RegExp[];
  prometheus: RegExp[];
}

// EMQX names each node in its $SYS topics ($SYS/brokers/<node>/...); HiveMQ, VerneMQ and the
// common Mosquitto exporter only on Prometheus.
export const CARRIERS = {
  connected: {
    sys: [/^\$SYS\/broker\/clients\/connected$/, /^\$SYS\/brokers\/[^/]+\/stats\/connections\/count$/],
    prometheus: [
      /^emqx_connections_count$/,
      /^broker_clients_connected$/,
      /^mosquitto_clients_connected$/,
      /^com_hivemq_networking_connections_current$/,
    ],
  },
  received: {
    sys: [/^\$SYS\/broker\/publish\/messages\/received$/, /^\$SYS\/brokers\/[^/]+\/metrics\/messages\/received$/],
    prometheus: [
      /^emqx_messages_received$/,
      /^broker_publish_messages_received$/,
      /^com_hivemq_messages_incoming_publish_count$/,
      /^mqtt_publish_received$/,
    ],
  },
  sent: {
    sys: [/^\$SYS\/broker\/publish\/messages\/sent$/, /^\$SYS\/brokers\/[^/]+\/metrics\/messages\/sent$/],
    prometheus: [
      /^emqx_messages_sent$/,
      /^broker_publish_messages_sent$/,
      /^com_hivemq_messages_outgoing_publish_count$/,
      /^mqtt_publish_sent$/,
    ],
  },
  dropped: {
    sys: [/^\$SYS\/broker\/publish\/messages\/dropped$/, /^\$SYS\/brokers\/[^/]+\/metrics\/messages\/dropped$/],
    prometheus: [/^emqx_messages_dropped$/, /^broker_publish_messages_dropped$/, /^com_hivemq_messages_dropped_count$/],
  },
  heap: {
    sys: [/^\$SYS\/broker\/heap\/current$/],
    prometheus: [],
  },
  cpuSeconds: {
    sys: [],
    prometheus: [/^process_cpu_seconds_total$/],
  },
} satisfies Record<string, Carriers>;

export type Figure = keyof typeof CARRIERS;

/** The run's time frame, in seconds since the run started. */
export interface RunWindow {
  /** The steady-state window rates are taken over. */
  steadyFrom: number;
  steadyTo: number;
}

/**
 * Every series carrying `figure`, from $SYS sources when any has one, else from Prometheus.
 * A topic naming its node ($SYS/brokers/<node>/...) reaches every URL of a cluster; it is
 * counted once however many sources saw it.
 */
export function carriersOf(sources: BrokerSource[], figure: Figure): Point[][] {
  for (const kind of ['sys', 'prometheus'] as const) {
    const patterns = CARRIERS[figure][kind];
    const found: Point[][] = [];
    const seenNodeTopics = new Set<string>();
    for (const source of sources) {
      if (source.kind !== kind) continue;
      for (const [key, points] of Object.entries(source.series)) {
        const bare = kind === 'prometheus' ? key.split('{')[0]! : key;
        if (points.length === 0 || !patterns.some((p) => p.test(bare))) continue;
        if (key.startsWith('$SYS/brokers/')) {
          if (seenNodeTopics.has(key)) continue;
          seenNodeTopics.add(key);
        }
        found.push(points);
      }
    }
    if (found.length > 0) return found;
  }
  return [];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function deriveHighlights(sources: BrokerSource[], window: RunWindow): BrokerHighlights {
  const h: BrokerHighlights = {};
  const connected = peakOfSum(carriersOf(sources, 'connected'), 0);
  if (connected !== undefined) h.connected = connected;
  const monitors = sources.filter((s) => s.kind === 'sys' && Object.keys(s.series).length > 0).length;
  if (monitors > 0 && connected !== undefined) h.monitorClients = monitors;

  for (const [figure, total] of [
    ['received', 'messagesReceived'],
    ['sent', 'messagesSent'],
    ['dropped', 'dropped'],
  ] as const) {
    const series = carriersOf(sources, figure);
    if (series.length > 0) h[total] = sum(series.map((s) => counterIncrease(s, 0)));
  }
  const received = carriersOf(sources, 'received');
  if (received.length > 0) {
    h.runSamples = { fromSec: Math.min(...received.map((s) => s[0]![0])), toSec: Math.max(...received.map((s) => s[s.length - 1]![0])) };
  }
  Object.assign(h, steadyFigures(sources, window));

  const heap = peakOfSum(carriersOf(sources, 'heap'), 0);
  if (heap !== undefined) h.heapBytes = heap;
  const cpu = carriersOf(sources, 'cpuSeconds').map((s) => counterRate(s, window.steadyFrom, window.steadyTo));
  if (cpu.length > 0 && cpu.every((c) => c !== undefined)) h.cpu = round(sum(cpu as number[]), 3);
  return h;
}

/**
 * The steady-window rates from the broker's samples inside the window only (first to last), or,
 * with fewer than two samples there, a note saying so and how often the broker samples.
 */
function steadyFigures(sources: BrokerSource[], window: RunWindow): BrokerHighlights {
  const h: BrokerHighlights = {};
  // Mosquitto's uptime counts the broker's own seconds, so the step between two of its values is
  // its update period exactly, even from the retained value seen on subscribing. Mosquitto
  // updates when more than sys_interval whole seconds have passed: every sys_interval + 1 s.
  const uptime = sources.map((s) => s.series['$SYS/broker/uptime'] ?? []).find((p) => p.length > 1);
  const period = uptime ? medianSpacing(uptime.map(([, v]): Point => [v, v])) : medianSpacing(carriersOf(sources, 'received')[0] ?? []);
  if (period !== undefined) h.sampleIntervalSec = round(period, 1);
  const every =
    period === undefined
      ? 'sampling interval unknown'
      : uptime
        ? `sys_interval ${round(period - 1, 1)} s (a $SYS update every ${round(period, 1)} s)`
        : `one broker sample every ${round(period, 1)} s`;
  for (const [figure, rate, key] of [
    ['received', 'messagesReceivedPerSec', 'received'],
    ['sent', 'messagesSentPerSec', 'sent'],
  ] as const) {
    const series = carriersOf(sources, figure);
    if (series.length === 0) continue;
    const spans = series.map((s) => increaseInside(s, window.steadyFrom, window.steadyTo));
    if (spans.some((x) => x === null)) {
      h.notEnoughSamples = `not enough broker samples: ${every}`;
      continue;
    }
    const ok = spans as { from: number; to: number; increase: number }[];
    h[rate] = round(sum(ok.map((x) => x.increase / (x.to - x.from))), 1);
    const span = (h.steadySamples ??= { fromSec: Math.min(...ok.map((x) => x.from)), toSec: Math.max(...ok.map((x) => x.to)) });
    span[key] = sum(ok.map((x) => x.increase));
  }
  return h;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
