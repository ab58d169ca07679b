// The one way a publish leaves a shard: at QoS > 0 it gets a packet id, is remembered until its
// final ack (with its bytes, for a persistent session to resend) and counted as needing an ack;
// then it is written and counted as published. The caller has filled the buffer otherwise.
// MQTT 5 limits the broker announced apply here: a packet above its Maximum Packet Size is not
// sent (counted by reason), and a QoS 1/2 publish beyond its Receive Maximum waits on the
// connection (counted as delayed) until an ack frees a place (`sendDelayed`).

import type { Connection } from '../client/connection.ts';
import type { ShardMetrics } from './shard-metrics.ts';

/** Error reason of a publish larger than the broker's Maximum Packet Size (not sent). */
export const TOO_LARGE = 'publish:larger-than-maximum-packet-size';

/** Sends (or delays) one publish; false when it cannot be sent at all (too large for the broker). */
export function sendTracked(
  metrics: ShardMetrics,
  group: number,
  conn: Connection,
  buf: Buffer,
  pidOffset: number,
  qos: number,
  intendedMs: number,
  nowMs: number,
): boolean {
  if (buf.length > conn.maxPacketSize) {
    metrics.counters[group].countError(TOO_LARGE);
    return false;
  }
  if (qos > 0 && conn.mustDelay()) {
    conn.delay(buf, pidOffset, intendedMs);
    metrics.counters[group].delayedByReceiveMaximum++;
    metrics.delayedNow++;
    return true;
  }
  writeTracked(metrics, group, conn, buf, pidOffset, qos, intendedMs, nowMs);
  return true;
}

function writeTracked(
  metrics: ShardMetrics,
  group: number,
  conn: Connection,
  buf: Buffer,
  pidOffset: number,
  qos: number,
  intendedMs: number,
  nowMs: number,
): void {
  if (qos > 0) {
    const pid = conn.allocPid();
    buf[pidOffset] = pid >>> 8;
    buf[pidOffset + 1] = pid & 0xff;
    conn.track(pid, intendedMs, conn.persistent ? buf : undefined);
    metrics.publishedNeedingAck[group]++;
  }
  conn.write(buf, nowMs);
  metrics.counters[group].published++;
  if (intendedMs >= metrics.steadyStartMs && intendedMs < metrics.steadyEndMs) metrics.steadyPublished[group]++;
}

const delayed = new Float64Array(2);

/** Sends the delayed publishes the broker's Receive Maximum has room for now (after an ack). */
export function sendDelayed(metrics: ShardMetrics, group: number, conn: Connection, nowMs: number): void {
  if (!conn.connected) return;
  let buf: Buffer | null;
  while ((buf = conn.takeDelayed(delayed)) !== null) {
    metrics.delayedNow--;
    writeTracked(metrics, group, conn, buf, delayed[0], (buf[0] >> 1) & 3, delayed[1], nowMs);
  }
}

/** A clean session's delayed publishes die with its connection: counted as skipped sends. */
export function dropDelayed(metrics: ShardMetrics, group: number, conn: Connection): void {
  const n = conn.dropDelayed();
  metrics.delayedNow -= n;
  metrics.counters[group].skipped += n;
}
