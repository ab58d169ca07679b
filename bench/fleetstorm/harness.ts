// fleetstorm's side of the benchmark: the same three measurements as the reference harnesses
// (bench/reference/measure.ts), made with the real engine — a ShardRunner built from a validated
// scenario, exactly what `fleetstorm run` drives on a local host. Each function runs in a fresh
// process (runInChild with harness 'fleetstorm').

import { ShardRunner } from '../../src/engine/shard-runner.ts';
import type { GroupCounters } from '../../src/metrics/counters.ts';
import {
  WARMUP_CONNECTIONS,
  cpuMicros,
  settleHeap,
  type ConnectCpuResult,
  type IdleMemoryResult,
  type Qos1MessageCpuResult,
} from '../reference/measure.ts';
import { measuredWindow } from './cpu-profile.ts';
import { DEFAULT_PUBLISHERS, idleFleet, qos1Stream, type BenchScenario } from './scenarios.ts';
import { loadWebSocketTransport } from '../../src/client/connection.ts';

// The bench measures ws:// too; the CLI loads the WebSocket transport only for ws:// runs.
await loadWebSocketTransport();

const HARNESS = 'fleetstorm (ShardRunner, lean client)';

/** The QoS 1 figures plus what only fleetstorm knows: its own accounting of the run. */
export interface FleetstormQos1Result extends Qos1MessageCpuResult {
  publishers: number;
  published: number;
  expected: number;
  lost: number;
  duplicated: number;
  /** Sends more than LATE_MS behind schedule, and the worst lag. */
  late: number;
  maxLagMs: number;
  /** Length of the steady (publishing) window the achieved rate is computed over. */
  steadyMs: number;
}

function runnerFor(bench: BenchScenario): ShardRunner {
  return new ShardRunner({ scenario: bench.scenario, slices: bench.slices, hostId: 'bench' });
}

function errorsOf(counters: GroupCounters[]): string {
  const all = new Map<string, number>();
  for (const c of counters) for (const [reason, n] of c.errors) all.set(reason, (all.get(reason) ?? 0) + n);
  return [...all].map(([reason, n]) => `${reason} ×${n}`).join(', ') || 'no error recorded';
}

/** Throws unless every client of the runner connected (and subscribed). */
function requireAllConnected(runner: ShardRunner): void {
  const counters = runner.metrics.counters;
  const succeeded = counters.reduce((n, c) => n + c.succeeded, 0);
  const subFailed = counters.reduce((n, c) => n + c.subscribeFailed, 0);
  if (succeeded !== runner.clientCount || subFailed > 0) {
    throw new Error(
      `fleetstorm connected ${succeeded} of ${runner.clientCount} (${subFailed} subscriptions refused): ${errorsOf(counters)}`,
    );
  }
}

/** Opens and closes a few connections so JIT warm-up is not charged to the measured ones. */
async function warmUp(url: string): Promise<void> {
  const runner = runnerFor(idleFleet(url, WARMUP_CONNECTIONS, 25, 'warm'));
  await runner.connect();
  requireAllConnected(runner);
  await runner.finish();
}

export async function measureIdleMemory(url: string, n: number): Promise<IdleMemoryResult> {
  await warmUp(url);
  const bench = idleFleet(url, n, 200, 'mem');
  await settleHeap();
  const before = process.memoryUsage();
  // The runner is built inside the window: its per-client tables are part of what a connection costs.
  const runner = runnerFor(bench);
  await runner.connect();
  requireAllConnected(runner);
  await settleHeap();
  const after = process.memoryUsage();
  await runner.finish();
  return {
    harness: HARNESS,
    n,
    rssBytesPerConnection: (after.rss - before.rss) / n,
    heapBytesPerConnection: (after.heapUsed - before.heapUsed) / n,
    externalBytesPerConnection: (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / n,
  };
}

export async function measureConnectCpu(url: string, n: number, concurrency: number): Promise<ConnectCpuResult> {
  await warmUp(url);
  const runner = runnerFor(idleFleet(url, n, concurrency, 'cpu'));
  const { used, wallMs } = await measuredWindow(async () => {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    await runner.connect();
    return { wallMs: performance.now() - t0, used: cpuMicros(cpu) };
  });
  requireAllConnected(runner);
  await runner.finish();
  return { harness: HARNESS, n, concurrency, cpuUsPerConnection: used / n, wallMs, connectionsPerSec: (n / wallMs) * 1000 };
}

export async function measureQos1MessageCpu(
  url: string,
  messages: number,
  rate: number,
  publishers = DEFAULT_PUBLISHERS,
): Promise<FleetstormQos1Result> {
  const bench = qos1Stream(url, messages, rate, publishers);
  const runner = runnerFor(bench);
  await runner.connect();
  requireAllConnected(runner);
  const [sub, pub] = runner.metrics.counters;
  const { used, wallMs } = await measuredWindow(async () => {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    runner.steady(runner.clock.now() + 50, { subscriptions: runner.missingSubscriptions, clients: runner.missingClients });
    await runner.drain();
    return { wallMs: performance.now() - t0, used: cpuMicros(cpu) };
  });
  const { late, maxLagMs } = runner.metrics;
  await runner.finish();
  const steadyMs = bench.scenario.durationMs;
  const received = sub.received;
  return {
    harness: HARNESS,
    messages,
    rate,
    publishers,
    received,
    acked: pub.acked,
    published: pub.published,
    expected: sub.expected,
    lost: Math.max(0, sub.expected - (received - sub.duplicated)),
    duplicated: sub.duplicated,
    late,
    maxLagMs,
    // Divided by what actually went out, so a short run cannot look cheap.
    cpuUsPerMessage: used / Math.max(1, pub.published),
    wallMs,
    steadyMs,
    // Every send falls inside the steady window by construction (coordinator/merge.ts does the same).
    achievedRate: (pub.published / steadyMs) * 1000,
  };
}
