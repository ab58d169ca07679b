// /proc readers for the benchmarks: CPU seconds, resident memory and the process tree of the
// generator (the fleetstorm CLI and every process it started), read from outside so the figures
// do not depend on the generator's own bookkeeping.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime of `pid` in seconds; 0 when it has exited. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch {
    return 0;
  }
}

/** VmRSS of `pid` in bytes; 0 when it has exited. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Open file descriptors of `pid` (a broker's client sockets plus a few files); 0 when it has exited. */
export function fdCount(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** `pid` and all its descendants. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...childrenOf(p));
  }
  return out;
}

export function loadavg(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').trim();
  } catch {
    return '';
  }
}

/** One reading of every process in the tree: pid → [cpu seconds, rss bytes]. */
export interface ProcTick {
  at: number;
  procs: Record<number, [number, number]>;
}

/** Samples the tree under `root` every `everyMs` until stopped. */
export function sampleTree(root: number, everyMs = 1000): { ticks: ProcTick[]; stop(): void } {
  const ticks: ProcTick[] = [];
  const take = () => {
    const procs: Record<number, [number, number]> = {};
    for (const p of processTree(root)) {
      const rss = rssBytes(p);
      if (rss > 0) procs[p] = [cpuSeconds(p), rss];
    }
    ticks.push({ at: Date.now(), procs });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    ticks,
    stop: () => {
      clearInterval(timer);
      take();
    },
  };
}

export function totalRss(t: ProcTick): number {
  let s = 0;
  for (const v of Object.values(t.procs)) s += v[1];
  return s;
}

/** Total CPU seconds of the tree at this tick (processes that exited earlier are not counted). */
export function totalCpu(t: ProcTick): number {
  let s = 0;
  for (const v of Object.values(t.procs)) s += v[0];
  return s;
}

/** CPU cores used by the tree between two ticks, summed per pid (a pid missing at `a` counts from 0). */
export function coresBetween(a: ProcTick, b: ProcTick): number {
  const dt = (b.at - a.at) / 1000;
  if (dt <= 0) return 0;
  let s = 0;
  for (const [pid, v] of Object.entries(b.procs)) s += v[0] - (a.procs[Number(pid)]?.[0] ?? 0);
  return s / dt;
}

/** TCP sockets in TIME_WAIT on this machine (/proc/net/sockstat), 0 where it cannot be read. */
export function timeWaitSockets(): number {
  try {
    const m = /TCP: .*\btw (\d+)/.exec(readFileSync('/proc/net/sockstat', 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Waits (at most `maxMs`) until an earlier run's TIME_WAIT sockets are gone: they hold local
 * ports, and a connect storm that starts among tens of thousands of them finds ports slowly and
 * times out (src/plan/addresses.ts).
 */
export async function settleTimeWait(maxMs = 75_000, below = 1000): Promise<number> {
  const until = Date.now() + maxMs;
  let tw = timeWaitSockets();
  if (tw >= below) process.stderr.write(`waiting for ${tw} TIME_WAIT sockets of an earlier run to expire\n`);
  while (tw >= below && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 1000));
    tw = timeWaitSockets();
  }
  return tw;
}
