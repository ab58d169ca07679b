// The broker's figures beside fleetstorm's, like with like: each broker count is the increase of a
// counter between two of its samples, so fleetstorm's figure beside it is what its timeline
// counted between the same two instants. The timeline counts whole seconds, so that figure is a
// range: the seconds wholly inside the span (low) to every second touching it (high). A row is
// bad only when the broker falls outside what that sampling explains.

import type { BrokerHighlights } from '../result/broker-side.ts';
import type { Result, TimelinePoint } from '../result/types.ts';

export interface CrossRow {
  label: string;
  kind: 'count' | 'rate';
  /** fleetstorm's figure; `fleetstormHigh` makes it a range. */
  fleetstorm?: number;
  fleetstormHigh?: number;
  broker?: number;
  note?: string;
  bad: boolean;
}

type ResultPart = Pick<Result, 'broker' | 'summary' | 'timeline'>;

/** Published per timeline second between two instants (s since run start): [low, high]. */
export function publishedBetween(timeline: readonly TimelinePoint[], from: number, to: number): [number, number] {
  let low = 0;
  let high = 0;
  for (const p of timeline) {
    if (p.t > from && p.t - 1 < to) high += p.published;
    if (p.t - 1 >= from && p.t <= to) low += p.published;
  }
  return [low, high];
}

const secs = (x: number) => `${Math.round(x * 10) / 10} s`;

export function crossCheck(result: ResultPart): CrossRow[] {
  const h: BrokerHighlights = result.broker?.highlights ?? {};
  const s = result.summary;
  return [connectedRow(result, h), messagesInRow(result, h), rateInRow(result, h), ...outRows(result, h), lostRow(s, h)].filter(
    (r): r is CrossRow => r !== null,
  );
}

function connectedRow(result: ResultPart, h: BrokerHighlights): CrossRow | null {
  if (h.connected === undefined) return null;
  const monitors = h.monitorClients ?? 0;
  const broker = h.connected - monitors;
  const peak = result.summary.connections.peakConcurrent;
  // Sampling can only miss a peak: the broker may show less than fleetstorm's peak, never more,
  // and never less than what stayed connected through every steady second.
  const steady = result.timeline.filter((p) => p.phase === 'steady').map((p) => p.connected);
  const held = steady.length ? Math.min(...steady) : 0;
  const every = h.sampleIntervalSec !== undefined ? `, sampled every ${h.sampleIntervalSec} s` : '';
  return {
    label: 'clients connected (peak)',
    kind: 'count',
    fleetstorm: peak,
    broker,
    note: `broker figure without its ${monitors} monitor connection(s)${every}`,
    bad: broker > peak || broker < held,
  };
}

function messagesInRow(result: ResultPart, h: BrokerHighlights): CrossRow | null {
  if (h.messagesReceived === undefined || !h.runSamples) return null;
  const [low, high] = publishedBetween(result.timeline, h.runSamples.fromSec, h.runSamples.toSec);
  return {
    label: 'messages in: fleetstorm published · broker received',
    kind: 'count',
    fleetstorm: low,
    fleetstormHigh: high,
    broker: h.messagesReceived,
    note: `between the broker's samples at ${secs(h.runSamples.fromSec)} and ${secs(h.runSamples.toSec)}`,
    bad: h.messagesReceived < low || h.messagesReceived > high,
  };
}

function rateInRow(result: ResultPart, h: BrokerHighlights): CrossRow | null {
  if (h.messagesReceived === undefined) return null;
  const fleetstorm = result.summary.throughput.publishedPerSec;
  const span = h.steadySamples;
  if (h.messagesReceivedPerSec === undefined || !span || span.received === undefined) {
    return { label: 'rate in (steady state)', kind: 'rate', fleetstorm, note: h.notEnoughSamples, bad: false };
  }
  const [low, high] = publishedBetween(result.timeline, span.fromSec, span.toSec);
  return {
    label: 'rate in (steady state)',
    kind: 'rate',
    fleetstorm,
    broker: h.messagesReceivedPerSec,
    note: `broker: ${span.received} between its samples at ${secs(span.fromSec)} and ${secs(span.toSec)}; fleetstorm published ${low}–${high} then`,
    bad: span.received < low || span.received > high,
  };
}

function outRows(result: ResultPart, h: BrokerHighlights): CrossRow[] {
  if (h.messagesSent === undefined) return [];
  const s = result.summary;
  const note = 'broker figure includes the $SYS messages sent to the monitor';
  return [
    {
      label: 'messages out: fleetstorm received · broker sent',
      kind: 'count',
      fleetstorm: s.messages.received,
      broker: h.messagesSent,
      note,
      bad: false,
    },
    {
      label: 'rate out (steady state)',
      kind: 'rate',
      fleetstorm: s.throughput.receivedPerSec,
      broker: h.messagesSentPerSec,
      note: h.messagesSentPerSec === undefined ? h.notEnoughSamples : note,
      bad: false,
    },
  ];
}

function lostRow(s: Result['summary'], h: BrokerHighlights): CrossRow {
  return {
    label: 'fleetstorm lost · broker dropped',
    kind: 'count',
    fleetstorm: s.messages.lost,
    broker: h.dropped,
    bad: (h.dropped ?? 0) > 0 || s.messages.lost > 0,
  };
}
