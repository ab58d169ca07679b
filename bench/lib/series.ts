// Per-minute series from what a benchmark collected: the /proc ticks of the generator, the loop
// probe's per-second lines and fleetstorm's own timeline (result.json).

import type { Result, TimelinePoint } from '../../src/result/types.ts';
import { round, MB } from './args.ts';
import type { ProbeLine } from './run-cli.ts';
import { coresBetween, totalRss, type ProcTick } from './proc.ts';

const KNOWN_POINT_KEYS = new Set([
  't',
  'connected',
  'plannedConnected',
  'published',
  'acked',
  'received',
  'lost',
  'endToEndP50Ms',
  'endToEndP99Ms',
  'connectP50Ms',
  'connectP99Ms',
  'errors',
  'phase',
]);

export interface Minute {
  /** Minute of the run (0 = the first 60 s after the run started). */
  minute: number;
  /** Seconds of this minute fleetstorm counted as steady state. */
  steadySeconds: number;
  /** fleetstorm's timeline, last second of the minute (a second merged without a late host's sample counts only the others). */
  connected: number;
  published: number;
  acked: number;
  received: number;
  lost: number;
  endToEndP99MaxMs: number;
  errors: number;
  generatorRssMB: number;
  generatorRssByPidMB: Record<string, number>;
  generatorCores: number;
  generatorProcesses: number;
  /** Over every process and thread of the generator (loop probe): mean of p50s, max of p99s and maxes. */
  eventLoopDelayMs: { p50: number; p99: number; max: number } | null;
  gc: { count: number; pauseMs: number; maxPauseMs: number } | null;
  heapUsedMB: number | null;
  /** Per-second fields of the timeline this script does not know (e.g. generator health), max over the minute. */
  timelineExtras?: Record<string, number>;
  brokerCores?: number;
  brokerRssMB?: number;
  /** Open fds of all brokers at the end of the minute (their client sockets plus a few files). */
  brokerFds?: number;
}

export function perMinute(result: Result, gen: ProcTick[], probes: ProbeLine[], brokers?: ProcTick[]): Minute[] {
  const runStart = Date.parse(result.run.startedAt);
  const minutes = Math.ceil(result.run.durationMs / 60_000);
  const out: Minute[] = [];
  const lastTickBefore = (ticks: ProcTick[], at: number) => {
    let best: ProcTick | undefined;
    for (const t of ticks) if (t.at <= at) best = t;
    return best;
  };
  for (let m = 0; m < minutes; m++) {
    const from = runStart + m * 60_000;
    const to = Math.min(runStart + (m + 1) * 60_000, runStart + result.run.durationMs);
    const pts: TimelinePoint[] = result.timeline.filter((p) => p.t > m * 60 && p.t <= (m + 1) * 60);
    const a = lastTickBefore(gen, from) ?? gen[0];
    const b = lastTickBefore(gen, to);
    const pr = probes.filter((p) => p.at > from && p.at <= to);
    const extras: Record<string, number> = {};
    for (const p of pts)
      for (const [k, v] of Object.entries(p))
        if (!KNOWN_POINT_KEYS.has(k) && typeof v === 'number') extras[k] = Math.max(extras[k] ?? -Infinity, v);
    const lastHeap = new Map<string, number>();
    for (const p of pr) lastHeap.set(`${p.pid}-${p.thread}`, p.heapUsed);
    const minute: Minute = {
      minute: m,
      steadySeconds: pts.filter((p) => p.phase === 'steady').length,
      connected: pts.at(-1)?.connected ?? 0,
      published: sum(pts.map((p) => p.published)),
      acked: sum(pts.map((p) => p.acked)),
      received: sum(pts.map((p) => p.received)),
      lost: sum(pts.map((p) => p.lost)),
      endToEndP99MaxMs: Math.max(0, ...pts.map((p) => p.endToEndP99Ms)),
      errors: sum(pts.map((p) => sum(Object.values(p.errors)))),
      generatorRssMB: b ? MB(totalRss(b)) : 0,
      generatorRssByPidMB: b ? Object.fromEntries(Object.entries(b.procs).map(([pid, v]) => [pid, MB(v[1])])) : {},
      generatorCores: a && b ? round(coresBetween(a, b), 3) : 0,
      generatorProcesses: b ? Object.keys(b.procs).length : 0,
      eventLoopDelayMs: pr.length
        ? {
            p50: round(sum(pr.map((p) => p.eldP50)) / pr.length, 2),
            p99: Math.max(...pr.map((p) => p.eldP99)),
            max: Math.max(...pr.map((p) => p.eldMax)),
          }
        : null,
      gc: pr.length
        ? {
            count: sum(pr.map((p) => p.gcCount)),
            pauseMs: round(sum(pr.map((p) => p.gcMs)), 1),
            maxPauseMs: Math.max(...pr.map((p) => p.gcMaxMs)),
          }
        : null,
      heapUsedMB: lastHeap.size ? MB(sum([...lastHeap.values()])) : null,
    };
    if (Object.keys(extras).length) minute.timelineExtras = extras;
    if (brokers?.length) {
      const ba = lastTickBefore(brokers, from) ?? brokers[0];
      const bb = lastTickBefore(brokers, to);
      if (ba && bb) {
        minute.brokerCores = round(coresBetween(ba, bb), 3);
        minute.brokerRssMB = MB(totalRss(bb));
      }
    }
    out.push(minute);
  }
  return out;
}

/** Least-squares slope of (x, y) pairs, in y units per x unit. */
export function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = sum(points.map((p) => p[0])) / n;
  const my = sum(points.map((p) => p[1])) / n;
  let num = 0,
    den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den ? num / den : 0;
}

export function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Prints rows as an aligned text table. */
export function table(rows: string[][]): string {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(w[i])).join('  ')).join('\n') + '\n';
}
