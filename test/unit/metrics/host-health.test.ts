// The load host's own health, measured for real: a loop blocked for a known time shows up as
// event-loop delay of that size and as CPU; garbage made on purpose shows up as GC pauses that
// an independent PerformanceObserver counts the same; the run and steady summaries add up the
// seconds they cover.

import { performance, PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { HostHealth } from '../../../src/metrics/host-health.ts';
import { generatorBound, GENERATOR_DELAY_P99_MS, hostHealthOf } from '../../../src/metrics/host-health-series.ts';
import type { HostHealth as HostHealthResult, HostHealthSecond, HostHealthSummary } from '../../../src/result/types.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function block(ms: number): number {
  const from = performance.now();
  while (performance.now() - from < ms);
  return performance.now() - from;
}

/** Keeps allocating short-lived objects for `ms`, yielding every few ms so GC entries get delivered. */
async function churn(ms: number): Promise<void> {
  const until = performance.now() + ms;
  let keep: unknown[] = [];
  while (performance.now() < until) {
    for (let k = 0; k < 20_000; k++) keep.push({ k, s: `x${k}` });
    keep = [];
    await sleep(1);
  }
}

describe('HostHealth on the real event loop', () => {
  it('sees a blocked loop as event-loop delay and CPU, and GC pauses as an independent observer counts them', async () => {
    const health = new HostHealth();
    const seen = { count: 0, ms: 0 };
    const oracle = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        seen.count++;
        seen.ms += e.duration;
      }
    });
    oracle.observe({ entryTypes: ['gc'] });
    health.start();
    const seconds: HostHealthSecond[] = [];
    // Second 1: quiet. Second 2: one 150 ms stall and 300 ms of busy CPU in all. Second 3: garbage.
    await sleep(300);
    seconds.push(health.sample(false, true));
    const cpuFrom = process.cpuUsage();
    const eluFrom = performance.eventLoopUtilization();
    const wallFrom = performance.now();
    await sleep(50);
    const blocked = block(150);
    await sleep(50);
    block(60);
    block(90);
    await sleep(100);
    // The oracle: this process's CPU time (or this thread's loop utilisation) read here, apart.
    const used = process.cpuUsage(cpuFrom);
    const elu = performance.eventLoopUtilization(eluFrom).utilization;
    const wall = performance.now() - wallFrom;
    seconds.push(health.sample(true, true));
    await churn(400);
    await sleep(20);
    seconds.push(health.sample(true, false));
    const summary = health.summary();
    health.stop();
    oracle.disconnect();

    const [quiet, stalled, garbage] = seconds as [HostHealthSecond, HostHealthSecond, HostHealthSecond];
    expect(quiet.eldMaxMs).toBeLessThan(blocked / 2);
    // The longest stall is the 150 ms block, less the probe's 10 ms period at most.
    expect(stalled.eldMaxMs).toBeGreaterThanOrEqual(blocked - 12);
    expect(stalled.eldMaxMs).toBeLessThan(blocked + 60);
    expect(stalled.eldP99Ms).toBeLessThanOrEqual(stalled.eldMaxMs);
    expect(stalled.eldP50Ms).toBeLessThanOrEqual(stalled.eldP99Ms);
    // CPU agrees with the oracle read over the same interval (on a shared machine a busy wait
    // gets less CPU than its wall time, so the wall time is no oracle).
    const expected = health.cpuSource === 'process' ? (used.user + used.system) / 1000 / wall : elu;
    expect(stalled.cpu).toBeGreaterThan(0.05);
    expect(Math.abs(stalled.cpu - expected)).toBeLessThan(0.1 * expected + 0.02);
    expect(garbage.gcCount).toBeGreaterThan(0);
    const counted = seconds.reduce((n, s) => n + s.gcCount, 0);
    expect(counted).toBe(seen.count);
    expect(seconds.reduce((n, s) => n + s.gcMs, 0)).toBeCloseTo(seen.ms, 1);
    for (const s of seconds) expect(s.rssMb).toBeGreaterThan(10);

    expect(summary.run.seconds).toBe(3);
    expect(summary.run.gc.count).toBe(counted);
    expect(summary.run.rssMaxMb).toBe(Math.max(...seconds.map((s) => s.rssMb)));
    expect(summary.run.cpu.max).toBe(Math.max(...seconds.map((s) => s.cpu)));
    expect(summary.run.eventLoopDelayMs.max).toBeGreaterThanOrEqual(stalled.eldMaxMs - 0.01);
    // Steady: seconds 2 and 3 only, with their own delay histogram (the stall is in it).
    expect(summary.steady!.seconds).toBe(2);
    expect(summary.steady!.gc.count).toBe(stalled.gcCount + garbage.gcCount);
    expect(summary.steady!.eventLoopDelayMs.max).toBeGreaterThanOrEqual(blocked - 12);
  }, 20_000);
});

function span(over: Partial<HostHealthSummary> & { p99?: number; p50?: number } = {}): HostHealthSummary {
  return {
    seconds: 10,
    cpu: over.cpu ?? { avg: 0.3, max: 0.5 },
    rssMaxMb: 100,
    heapMaxMb: 20,
    eventLoopDelayMs: { p50: over.p50 ?? 1, p99: over.p99 ?? 5, max: 30 },
    gc: { count: 4, totalMs: 8, maxMs: 3 },
  };
}

function host(name: string, steady: HostHealthSummary | null, run = span()): HostHealthResult {
  return hostHealthOf([{ host: name, samples: [], health: { cpuSource: 'process', run, steady } }])[0]!;
}

describe('generator-bound verdict', () => {
  it('names the host whose steady event-loop delay p99 or CPU says the generator was the limit', () => {
    expect(generatorBound([host('a', span())])).toBeNull();
    expect(generatorBound(undefined)).toBeNull();
    expect(generatorBound([host('a', span()), host('b', span({ p99: 120 }))])).toBe(
      "generator-bound: host b event-loop delay p99 120 ms — latency figures include the generator's own stalls",
    );
    expect(generatorBound([host('c', span({ cpu: { avg: 0.97, max: 1 } }))])).toContain('host c CPU 0.97 core');
    // The limit itself is not over it; the run's figures count only when there was no steady state.
    expect(generatorBound([host('d', span({ p99: GENERATOR_DELAY_P99_MS }), span({ p99: 500 }))])).toBeNull();
    expect(generatorBound([host('e', null, span({ p99: 80 }))])).toContain('host e event-loop delay p99 80 ms');
    expect(generatorBound([host('f', span({ p50: 600, p99: 900, cpu: { avg: 0.08, max: 0.1 } }))])).toBe(
      'generator-bound: host f event-loop delay p99 900 ms, at CPU 0.08 core (stalled off-CPU: machine oversubscribed or blocking I/O)' +
        " — latency figures include the generator's own stalls",
    );
  });

  it('keeps each host apart, column by column, from its samples', () => {
    const second = (cpu: number): HostHealthSecond => ({
      cpu,
      rssMb: 50,
      heapMb: 10,
      eldP50Ms: 0.1,
      eldP99Ms: 2,
      eldMaxMs: 3,
      gcCount: 1,
      gcMs: 0.5,
      gcMaxMs: 0.5,
    });
    const sample = (t: number, cpu: number) => ({
      host: 'x',
      t,
      plannedConnected: 0,
      groups: {},
      endToEnd: '',
      connect: '',
      health: second(cpu),
    });
    const [a, b] = hostHealthOf([
      { host: 'a', samples: [sample(1, 0.1), sample(2, 0.2)], health: { cpuSource: 'process', run: span(), steady: null } },
      { host: 'b', samples: [sample(2, 0.7)], health: { cpuSource: 'thread', run: span(), steady: null } },
      { host: 'c', samples: [sample(1, 0.9)] },
    ]);
    expect(a!.series.t).toEqual([1, 2]);
    expect(a!.series.cpu).toEqual([0.1, 0.2]);
    expect(b!.series).toMatchObject({ t: [2], cpu: [0.7], gcCount: [1] });
    expect(b!.cpuSource).toBe('thread');
  });
});
