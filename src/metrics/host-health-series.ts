// Each load host's health as result.json keeps it: the per-second figures its samples carried,
// column by column (hosts are never summed: one host's stall is not another's), the host's own
// whole-run and steady summaries, and the one-line verdict when the generator itself was the
// bottleneck.

import type { HostHealth, HostHealthSecond, HostHealthSeries } from '../result/types.ts';
import type { Sample } from './sample.ts';

/** Event-loop delay p99 over the steady seconds above which latency figures carry the generator's stalls. */
export const GENERATOR_DELAY_P99_MS = 50;
/** Average cores over the steady seconds at which a host had no CPU left (one event loop = one core). */
export const GENERATOR_CPU_CORES = 0.95;

/** A process host stalled with its CPU never above this waited off-CPU rather than worked. */
const OFF_CPU_CORES = 0.5;

const FIELDS: (keyof HostHealthSecond)[] = ['cpu', 'rssMb', 'heapMb', 'eldP50Ms', 'eldP99Ms', 'eldMaxMs', 'gcCount', 'gcMs', 'gcMaxMs'];

export interface HostHealthInput {
  host: string;
  samples: readonly Sample[];
  health?: Pick<HostHealth, 'cpuSource' | 'run' | 'steady'>;
}

/** One entry per host that reported health, in the order given. */
export function hostHealthOf(hosts: readonly HostHealthInput[]): HostHealth[] {
  const out: HostHealth[] = [];
  for (const h of hosts) {
    if (!h.health) continue;
    const series = { t: [] } as unknown as HostHealthSeries;
    for (const f of FIELDS) series[f] = [];
    for (const s of h.samples) {
      if (!s.health) continue;
      series.t.push(s.t);
      for (const f of FIELDS) series[f].push(s.health[f]);
    }
    out.push({ host: h.host, cpuSource: h.health.cpuSource, run: h.health.run, steady: h.health.steady, series });
  }
  return out;
}

/**
 * "generator-bound: host X event-loop delay p99 120 ms — …" when some host's steady seconds (the
 * whole run when there were none) show the generator stalling or out of CPU; null otherwise.
 */
export function generatorBound(health: readonly HostHealth[] | undefined): string | null {
  const found: string[] = [];
  for (const h of health ?? []) {
    const span = h.steady ?? h.run;
    const why: string[] = [];
    if (span.eventLoopDelayMs.p99 > GENERATOR_DELAY_P99_MS) why.push(`event-loop delay p99 ${fmt(span.eventLoopDelayMs.p99)} ms`);
    if (span.cpu.avg >= GENERATOR_CPU_CORES)
      why.push(`CPU ${fmt(span.cpu.avg)} core${h.cpuSource === 'thread' ? ' (event-loop busy)' : ''}`);
    // Stalled most of the time (the median second, not a burst) while never using much CPU: the
    // process waited off-CPU (more runnable threads than cores, or blocking I/O).
    else if (h.cpuSource === 'process' && span.eventLoopDelayMs.p50 > GENERATOR_DELAY_P99_MS && span.cpu.max < OFF_CPU_CORES)
      why.push(`at CPU ${fmt(span.cpu.avg)} core (stalled off-CPU: machine oversubscribed or blocking I/O)`);
    if (why.length) found.push(`host ${h.host} ${why.join(', ')}`);
  }
  if (found.length === 0) return null;
  return `generator-bound: ${found.join('; ')} — latency figures include the generator's own stalls`;
}

function fmt(x: number): string {
  return String(Math.round(x * 100) / 100);
}
