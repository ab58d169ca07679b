// Preloaded into every fleetstorm process and thread a benchmark starts (`node --import
// bench/lib/loop-probe.mjs …`; agent processes inherit execArgv): once a second it appends one
// NDJSON line to $FLEETSTORM_BENCH_PROBE_DIR/probe-<pid>-<thread>.ndjson with that thread's
// event-loop delay (p50/p99/max over the second, ms), GC pauses in the second (count, total and
// longest, ms; main threads only) and heap in use. Outside the benchmarks it does nothing.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { isMainThread, threadId } from 'node:worker_threads';

const dir = process.env.FLEETSTORM_BENCH_PROBE_DIR;
if (dir) {
  const file = path.join(dir, `probe-${process.pid}-${threadId}.ndjson`);
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  let gcCount = 0;
  let gcMs = 0;
  let gcMaxMs = 0;
  if (isMainThread) {
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        gcCount++;
        gcMs += e.duration;
        if (e.duration > gcMaxMs) gcMaxMs = e.duration;
      }
    });
    obs.observe({ entryTypes: ['gc'] });
  }
  const ms = (ns) => Math.round(ns / 1e3) / 1e3;
  setInterval(() => {
    const line = {
      at: Date.now(),
      pid: process.pid,
      thread: threadId,
      eldP50: ms(h.percentile(50)),
      eldP99: ms(h.percentile(99)),
      eldMax: ms(h.max),
      gcCount,
      gcMs: Math.round(gcMs * 1000) / 1000,
      gcMaxMs: Math.round(gcMaxMs * 1000) / 1000,
      heapUsed: getHeapStatistics().used_heap_size,
    };
    h.reset();
    gcCount = 0;
    gcMs = 0;
    gcMaxMs = 0;
    try {
      appendFileSync(file, JSON.stringify(line) + '\n');
    } catch {
      // the bench removed its directory: nothing more to record
    }
  }, 1000).unref();
}
