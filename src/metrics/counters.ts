// The per-group counter block the engine bumps on the hot path. Plain number fields on one
// class (one hidden shape, no maps in the fast path); errors are rare, so they get a Map.
// Everything here is a count of something seen on the wire; nothing is derived or estimated.

/** Monotonic counts: they add across hosts and subtract between snapshots. */
export const COUNTER_FIELDS = [
  'attempted', // CONNECTs started (TCP connect begun)
  'succeeded', // CONNACK with success
  'failed', // first connect attempts that ended in error or timeout (the client had never been connected)
  'reconnectFailed', // later attempts (after a loss or a failed first attempt) that ended in error or timeout
  'disconnected', // established connections that later closed (any reason)
  'published', // PUBLISH packets written
  'acked', // PUBACK / PUBCOMP received for our QoS 1/2 publishes
  'refused', // final acks with a failure reason code, or the wrong ack for the publish's QoS
  'received', // owed deliveries received, duplicates included (see notOwed for the rest)
  'expected', // deliveries the held subscriptions should have received (fan-out included)
  'duplicated', // tracked deliveries seen before (same publisher + sequence)
  'outOfOrder', // tracked deliveries with a sequence below the publisher's highest seen
  'subscribeOk', // SUBACK granted
  'subscribeFailed', // SUBACK refused or timed out
  'reconnects', // connections re-established after a loss
  'skipped', // scheduled sends skipped because the client was offline
  'commandsSent', // commands published to devices
  'commandsReplied', // replies that came back within the command's timeout
  'commandsLate', // replies that came back after it
  'retained', // deliveries replayed from the broker's retained store (owed to nobody)
  'will', // will messages delivered (owed to nobody)
  'notOwed', // other deliveries the receiver was not owed (outside the window, not its share, foreign)
  'subscribeDowngraded', // SUBACKs granting a lower QoS than the subscription asked for
  'delayedByReceiveMaximum', // QoS 1/2 publishes held back until an ack made room under the broker's Receive Maximum (MQTT 5)
  'resent', // unacknowledged QoS 1/2 publishes sent again with DUP after reconnecting to a kept session
] as const;

export type CounterField = (typeof COUNTER_FIELDS)[number];
export type CounterValues = Record<CounterField, number>;

export class GroupCounters implements CounterValues {
  attempted = 0;
  succeeded = 0;
  failed = 0;
  reconnectFailed = 0;
  disconnected = 0;
  published = 0;
  acked = 0;
  refused = 0;
  received = 0;
  expected = 0;
  duplicated = 0;
  outOfOrder = 0;
  subscribeOk = 0;
  subscribeFailed = 0;
  reconnects = 0;
  skipped = 0;
  commandsSent = 0;
  commandsReplied = 0;
  commandsLate = 0;
  retained = 0;
  will = 0;
  notOwed = 0;
  subscribeDowngraded = 0;
  delayedByReceiveMaximum = 0;
  resent = 0;
  /** Gauge: connections open right now. */
  open = 0;
  /** Highest `open` ever seen on this host (exact, updated on every open). */
  peakConcurrent = 0;
  /** reason → count, e.g. "connack:not-authorized", "tcp:ECONNREFUSED". */
  readonly errors = new Map<string, number>();

  connectionOpened(): void {
    const open = ++this.open;
    if (open > this.peakConcurrent) this.peakConcurrent = open;
  }

  connectionClosed(): void {
    if (this.open > 0) this.open--;
    this.disconnected++;
  }

  countError(reason: string, n = 1): void {
    this.errors.set(reason, (this.errors.get(reason) ?? 0) + n);
  }
}

/**
 * Every field written by name, in COUNTER_FIELDS order. Filling `{}` with keyed stores in a loop
 * turns the object into a dictionary once past V8's fast-property limit (~1.6 KB each instead of
 * ~0.2 KB); a host keeps one per group per second for the timeline, so that showed as steady
 * heap growth in a soak (issue 14). The copies below start from this and only overwrite.
 */
export function zeroCounters(): CounterValues {
  return {
    attempted: 0,
    succeeded: 0,
    failed: 0,
    reconnectFailed: 0,
    disconnected: 0,
    published: 0,
    acked: 0,
    refused: 0,
    received: 0,
    expected: 0,
    duplicated: 0,
    outOfOrder: 0,
    subscribeOk: 0,
    subscribeFailed: 0,
    reconnects: 0,
    skipped: 0,
    commandsSent: 0,
    commandsReplied: 0,
    commandsLate: 0,
    retained: 0,
    will: 0,
    notOwed: 0,
    subscribeDowngraded: 0,
    delayedByReceiveMaximum: 0,
    resent: 0,
  };
}

/** A plain copy of the counts (safe to post to another thread or serialise). */
export function snapshotCounters(c: CounterValues): CounterValues {
  const out = zeroCounters();
  for (const f of COUNTER_FIELDS) out[f] = c[f];
  return out;
}

export function diffCounters(now: CounterValues, before: CounterValues): CounterValues {
  const out = zeroCounters();
  for (const f of COUNTER_FIELDS) out[f] = now[f] - before[f];
  return out;
}

/** into += from, field by field. */
export function addCounters(into: CounterValues, from: CounterValues): void {
  for (const f of COUNTER_FIELDS) into[f] += from[f];
}

export type ErrorCounts = Record<string, number>;

export function errorsToRecord(errors: ReadonlyMap<string, number>): ErrorCounts {
  return Object.fromEntries(errors);
}

/** into += from, reason by reason. */
export function addErrors(into: ErrorCounts, from: ErrorCounts | ReadonlyMap<string, number>): void {
  const entries = from instanceof Map ? from.entries() : Object.entries(from);
  for (const [reason, n] of entries) into[reason] = (into[reason] ?? 0) + n;
}

/** Errors counted since `before` (reasons with no new errors are left out). */
export function diffErrors(now: ReadonlyMap<string, number>, before: ErrorCounts): ErrorCounts {
  const out: ErrorCounts = {};
  for (const [reason, n] of now) {
    const d = n - (before[reason] ?? 0);
    if (d !== 0) out[reason] = d;
  }
  return out;
}
