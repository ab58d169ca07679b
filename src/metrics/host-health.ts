// The load host's own health, once a second: CPU, memory, event-loop delay and GC pauses. A
// generator that stalls adds its stalls to every latency it measures, so a run records them per
// host and says when the generator, not the broker, was the bottleneck.
//
// Nothing here runs per message: event-loop delay is sampled by Node's own timer
// (perf_hooks.monitorEventLoopDelay, in C++), GC pauses arrive through a PerformanceObserver, and
// CPU and memory are read once a second.
//
// CPU: a host that is a whole process (the CLI's own shard, a --processes child, an agent)
// reports the process's CPU time (user + system) per wall second, in cores. A worker thread
// cannot read its own CPU time on Node 20 (process.cpuUsage counts every thread of the process),
// so a thread reports its event-loop utilisation instead: the share of the second its loop was
// busy, which is the share of one core its JavaScript and socket work took. `cpuSource` says
// which one a host reports. RSS is always the whole process's.

import {
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
  type EventLoopUtilization,
  type IntervalHistogram,
} from 'node:perf_hooks';
import v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import type { HostHealthSecond, HostHealthSummary } from '../result/types.ts';

/** Timer period of the event-loop delay monitor; a reading is the delay beyond it. */
const RESOLUTION_MS = 10;
const MB = 1024 * 1024;

interface GcTally {
  count: number;
  totalMs: number;
  maxMs: number;
}

interface Tally {
  seconds: number;
  cpuSum: number;
  cpuMax: number;
  rssMaxMb: number;
  heapMaxMb: number;
  gc: GcTally;
}

function tally(): Tally {
  return { seconds: 0, cpuSum: 0, cpuMax: 0, rssMaxMb: 0, heapMaxMb: 0, gc: { count: 0, totalMs: 0, maxMs: 0 } };
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Delay in ms beyond the monitor's own timer period at percentile `p` (100 = max); 0 when empty. */
function delayMs(h: IntervalHistogram, p: number): number {
  if (h.count === 0) return 0;
  const ns = p >= 100 ? h.max : h.percentile(p);
  return round(Math.max(0, ns / 1e6 - RESOLUTION_MS));
}

export class HostHealth {
  readonly cpuSource: 'process' | 'thread' = isMainThread ? 'process' : 'thread';
  private readonly second = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly whole = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private readonly steadyDelay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private steadyOn = false;
  private steadySeen = false;
  private observer: PerformanceObserver | null = null;
  /** GC pauses since the last second was closed. */
  private gc: GcTally = { count: 0, totalMs: 0, maxMs: 0 };
  private readonly run = tally();
  private readonly steady = tally();
  private lastCpu: NodeJS.CpuUsage = process.cpuUsage();
  private lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  private lastWall = performance.now();

  start(): void {
    this.second.enable();
    this.whole.enable();
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        this.gc.count++;
        this.gc.totalMs += e.duration;
        if (e.duration > this.gc.maxMs) this.gc.maxMs = e.duration;
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
    this.lastCpu = process.cpuUsage();
    this.lastElu = performance.eventLoopUtilization();
    this.lastWall = performance.now();
  }

  stop(): void {
    this.second.disable();
    this.whole.disable();
    this.steadyDelay.disable();
    this.observer?.disconnect();
    this.observer = null;
  }

  /**
   * Closes the second just ended and resets the per-second figures. `steady`: that second lay
   * inside the steady window; `steadyNext`: the one now starting does (the steady-only delay
   * monitor runs exactly over steady seconds).
   */
  sample(steady: boolean, steadyNext: boolean): HostHealthSecond {
    const wall = performance.now();
    const elapsedMs = Math.max(1, wall - this.lastWall);
    let cpu: number;
    if (this.cpuSource === 'process') {
      const used = process.cpuUsage(this.lastCpu);
      cpu = (used.user + used.system) / 1000 / elapsedMs;
      this.lastCpu = process.cpuUsage();
    } else {
      const elu = performance.eventLoopUtilization();
      cpu = performance.eventLoopUtilization(elu, this.lastElu).utilization;
      this.lastElu = elu;
    }
    this.lastWall = wall;
    const gc = this.gc;
    this.gc = { count: 0, totalMs: 0, maxMs: 0 };
    const out: HostHealthSecond = {
      cpu: round(cpu),
      rssMb: round(process.memoryUsage.rss() / MB, 1),
      heapMb: round(v8.getHeapStatistics().used_heap_size / MB, 1),
      eldP50Ms: delayMs(this.second, 50),
      eldP99Ms: delayMs(this.second, 99),
      eldMaxMs: delayMs(this.second, 100),
      gcCount: gc.count,
      gcMs: round(gc.totalMs),
      gcMaxMs: round(gc.maxMs),
    };
    this.second.reset();
    add(this.run, out);
    if (steady) add(this.steady, out);
    if (steadyNext !== this.steadyOn) {
      if (steadyNext) this.steadyDelay.enable();
      else this.steadyDelay.disable();
      this.steadyOn = steadyNext;
      this.steadySeen ||= steadyNext;
    }
    return out;
  }

  /** The whole run, and its steady seconds (null when none was steady). */
  summary(): { run: HostHealthSummary; steady: HostHealthSummary | null } {
    return {
      run: summaryOf(this.run, this.whole),
      steady: this.steadySeen && this.steady.seconds > 0 ? summaryOf(this.steady, this.steadyDelay) : null,
    };
  }
}

function add(t: Tally, s: HostHealthSecond): void {
  t.seconds++;
  t.cpuSum += s.cpu;
  t.cpuMax = Math.max(t.cpuMax, s.cpu);
  t.rssMaxMb = Math.max(t.rssMaxMb, s.rssMb);
  t.heapMaxMb = Math.max(t.heapMaxMb, s.heapMb);
  t.gc.count += s.gcCount;
  t.gc.totalMs += s.gcMs;
  t.gc.maxMs = Math.max(t.gc.maxMs, s.gcMaxMs);
}

function summaryOf(t: Tally, delay: IntervalHistogram): HostHealthSummary {
  return {
    seconds: t.seconds,
    cpu: { avg: t.seconds > 0 ? round(t.cpuSum / t.seconds) : 0, max: t.cpuMax },
    rssMaxMb: t.rssMaxMb,
    heapMaxMb: t.heapMaxMb,
    eventLoopDelayMs: { p50: delayMs(delay, 50), p99: delayMs(delay, 99), max: delayMs(delay, 100) },
    gc: { count: t.gc.count, totalMs: round(t.gc.totalMs), maxMs: t.gc.maxMs },
  };
}
