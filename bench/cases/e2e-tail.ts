// Issue 14's tail case: QoS 1 at 16,000 msg/s (1,000 publishers × 16/s, one wildcard subscriber)
// and the end-to-end latency each harness's subscriber sees, from the *intended* send time of
// every message (so a stalled sender cannot hide its own delay): fleetstorm's engine against the
// raw-socket floor (one socket, packets patched from a template, every due message in one write).
// Both run in fresh processes (bench/reference/child.ts) against the same Mosquitto in one bench
// run, and both count the GC pauses inside the measured window (PerformanceObserver 'gc').

import net from 'node:net';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { ShardRunner } from '../../src/engine/shard-runner.ts';
import { createLatencyHistogram, recordMicros, summarize } from '../../src/metrics/histogram.ts';
import type { LatencySummary } from '../../src/result/types.ts';
import { qos1Stream } from '../fleetstorm/scenarios.ts';
import { MESSAGE_SIZE, scheduleAtRate, stampTrackingHeader, waitUntil } from '../reference/measure.ts';
import { FrameReader, PACKET, encodeConnect, encodeSubscribe, publishQos1Template } from '../reference/raw-packets.ts';

export const E2E_TAIL_PUBLISHERS = 1000;

export interface GcFigures {
  count: number;
  totalMs: number;
  maxMs: number;
  /** Pauses by kind (minor = scavenge, major = mark-compact, incremental, weakcb). */
  byKind: Record<string, { count: number; totalMs: number; maxMs: number }>;
}

export interface E2eTailResult {
  harness: string;
  messages: number;
  rate: number;
  publishers: number;
  received: number;
  endToEnd: LatencySummary;
  gc: GcFigures;
  /** Event-loop delay inside the measured window (ms, 1 ms resolution). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  wallMs: number;
}

const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };

/** Counts GC pauses and event-loop delay from now until the returned stop() is called. */
function watchGc(): () => { gc: GcFigures; eventLoopDelayMs: E2eTailResult['eventLoopDelayMs'] } {
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const out: GcFigures = { count: 0, totalMs: 0, maxMs: 0, byKind: {} };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = GC_KINDS[(e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
      const k = (out.byKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
      k.count++;
      k.totalMs += e.duration;
      k.maxMs = Math.max(k.maxMs, e.duration);
      out.count++;
      out.totalMs += e.duration;
      out.maxMs = Math.max(out.maxMs, e.duration);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const ms = (ns: number) => Math.round(ns / 1e3) / 1e3;
  return () => {
    obs.disconnect();
    eld.disable();
    return { gc: out, eventLoopDelayMs: { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max) } };
  };
}

/** Epoch milliseconds with sub-millisecond resolution: the clock both harnesses stamp and read. */
const nowMs = () => performance.timeOrigin + performance.now();

export async function fleetstormE2eTail(
  url: string,
  messages: number,
  rate: number,
  publishers = E2E_TAIL_PUBLISHERS,
): Promise<E2eTailResult> {
  const bench = qos1Stream(url, messages, rate, publishers);
  const runner = new ShardRunner({ scenario: bench.scenario, slices: bench.slices, hostId: 'bench' });
  await runner.connect();
  const [sub] = runner.metrics.counters;
  if (runner.metrics.counters.reduce((n, c) => n + c.succeeded, 0) !== runner.clientCount)
    throw new Error('fleetstorm: not every client connected');
  (globalThis as { gc?: () => void }).gc?.();
  const stopGc = watchGc();
  const t0 = performance.now();
  runner.steady(runner.clock.now() + 50, { subscriptions: runner.missingSubscriptions, clients: runner.missingClients });
  await runner.drain();
  const wallMs = performance.now() - t0;
  const { gc, eventLoopDelayMs } = stopGc();
  const endToEnd = summarize(runner.metrics.histograms[0].endToEnd);
  const received = sub.received;
  await runner.finish();
  return { harness: 'fleetstorm (ShardRunner, lean client)', messages, rate, publishers, received, endToEnd, gc, eventLoopDelayMs, wallMs };
}

function connectRaw(url: string, connect: Buffer): Promise<net.Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || 1883), noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(connect));
    socket.once('data', (d) => {
      socket.removeListener('error', reject);
      socket.on('error', () => {});
      if (d[0] >> 4 === PACKET.CONNACK && d[3] === 0) resolve(socket);
      else reject(new Error(`unexpected reply to CONNECT: ${d.subarray(0, 4).toString('hex')}`));
    });
  });
}

export async function rawE2eTail(url: string, messages: number, rate: number): Promise<E2eTailResult> {
  const topic = `bench/ref/tail/${process.pid}`;
  const sub = await connectRaw(url, encodeConnect(`raw-tail-sub-${process.pid}`));
  const pub = await connectRaw(url, encodeConnect(`raw-tail-pub-${process.pid}`));
  const e2e = createLatencyHistogram();
  let received = 0;
  let acked = 0;
  let subscribed = false;
  let pendingAcks: number[] = [];
  const subReader = new FrameReader((type, flags, buf, start, end) => {
    if (type === PACKET.SUBACK) {
      subscribed = buf[end - 1] === 1;
      return;
    }
    if (type !== PACKET.PUBLISH || ((flags >> 1) & 3) !== 1) return;
    const idAt = start + 2 + buf.readUInt16BE(start);
    recordMicros(e2e, (nowMs() - buf.readDoubleBE(idAt + 2 + 12)) * 1000);
    received++;
    pendingAcks.push(0x40, 0x02, buf[idAt], buf[idAt + 1]);
  });
  sub.on('data', (chunk) => {
    subReader.push(chunk);
    if (pendingAcks.length) {
      sub.write(Buffer.from(pendingAcks));
      pendingAcks = [];
    }
  });
  const pubReader = new FrameReader((type) => {
    if (type === PACKET.PUBACK) acked++;
  });
  pub.on('data', (chunk) => pubReader.push(chunk));
  sub.write(encodeSubscribe(1, topic, 1));
  await waitUntil(
    () => subscribed,
    5000,
    () => 'no SUBACK granting QoS 1',
  );
  const template = publishQos1Template(topic, MESSAGE_SIZE);
  const size = template.bytes.length;
  let seq = 0;
  (globalThis as { gc?: () => void }).gc?.();
  const stopGc = watchGc();
  const t0 = performance.now();
  const startMs = nowMs();
  await scheduleAtRate(messages, rate, (count) => {
    const batch = Buffer.allocUnsafe(size * count);
    for (let k = 0; k < count; k++, seq++) {
      const at = k * size;
      template.bytes.copy(batch, at);
      const id = (seq % 65535) + 1;
      batch[at + template.packetIdOffset] = id >> 8;
      batch[at + template.packetIdOffset + 1] = id & 0xff;
      // Intended time of message `seq` on the open-model schedule (the same rule fleetstorm's publisher follows).
      stampTrackingHeader(batch, at + template.payloadOffset, 1, seq, startMs + (seq * 1000) / rate);
    }
    pub.write(batch);
  });
  await waitUntil(
    () => received >= messages && acked >= messages,
    30_000 + (messages / rate) * 1000,
    () => `received ${received}, acked ${acked} of ${messages}`,
  );
  const wallMs = performance.now() - t0;
  const { gc, eventLoopDelayMs } = stopGc();
  sub.destroy();
  pub.destroy();
  return {
    harness: 'raw net sockets, pre-encoded packets (floor)',
    messages,
    rate,
    publishers: 1,
    received,
    endToEnd: summarize(e2e),
    gc,
    eventLoopDelayMs,
    wallMs,
  };
}
