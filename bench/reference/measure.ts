// What the reference harnesses measure and the small tools they share. Both harnesses return
// the same result shapes so the benchmark can put fleetstorm, MQTT.js and the raw floor side
// by side.

export interface IdleMemoryResult {
  harness: string;
  n: number;
  /** Resident set growth per idle connection, after gc. */
  rssBytesPerConnection: number;
  heapBytesPerConnection: number;
  /** Buffers and other off-heap allocations per connection. */
  externalBytesPerConnection: number;
}

export interface ConnectCpuResult {
  harness: string;
  n: number;
  concurrency: number;
  /** user + system CPU of this process from the first connect to the last CONNACK, per connection. */
  cpuUsPerConnection: number;
  wallMs: number;
  connectionsPerSec: number;
}

export interface Qos1MessageCpuResult {
  harness: string;
  messages: number;
  rate: number;
  received: number;
  acked: number;
  /** user + system CPU per message, publisher and subscriber together. */
  cpuUsPerMessage: number;
  wallMs: number;
  achievedRate: number;
}

/** Payload size used for the QoS 1 measurement: 20-byte tracking header plus padding. */
export const MESSAGE_SIZE = 64;
export const TRACKING_HEADER_BYTES = 20;

/** Connections opened and closed before measuring, so JIT warm-up and first-use allocations of
 * the client code are not charged to the measured connections. */
export const WARMUP_CONNECTIONS = 50;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function requireGc(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (runInChild does this)');
  return gc;
}

/** Several full collections with pauses, so finalizers and freed pages settle. */
export async function settleHeap(): Promise<void> {
  const gc = requireGc();
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(100);
  }
}

export function cpuMicros(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return d.user + d.system;
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` in flight. */
export async function runPool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/** Writes the tracking header (stream, seq, intended send time) into `buf` at `offset`. */
export function stampTrackingHeader(buf: Buffer, offset: number, streamId: number, seq: number, timeMs: number): void {
  buf[offset] = 0x66; // 'f'
  buf[offset + 1] = 0x73; // 's'
  buf[offset + 2] = 1;
  buf[offset + 3] = 0;
  buf.writeUInt32BE(streamId, offset + 4);
  buf.writeUInt32BE(seq >>> 0, offset + 8);
  buf.writeDoubleBE(timeMs, offset + 12);
}

/**
 * Open-model schedule: the k-th message is due at start + k/rate, whatever happened before, so a
 * slow send never lowers the offered rate. `send(count)` is called with the number now due.
 */
export function scheduleAtRate(total: number, rate: number, send: (count: number) => void): Promise<void> {
  return new Promise((resolve) => {
    const start = performance.now();
    let sent = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      if (due > sent) {
        send(due - sent);
        sent = due;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
}

/** Polls `done` every 5 ms until true or the deadline; throws `what` on timeout. */
export async function waitUntil(done: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await sleep(5);
  }
}
