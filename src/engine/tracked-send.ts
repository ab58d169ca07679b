// The one way a publish leaves a shard: at QoS > 0 it gets a packet id, is remembered until its
// final ack (with its bytes, for a persistent session to resend) and counted as needing an ack;
// then it is written and counted as published. The caller has filled the buffer otherwise.

import type { Connection } from '../client/connection.ts';
import type { ShardMetrics } from './shard-metrics.ts';

export function sendTracked(
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
