// Many hosts' ShardResults → one result.json. Counts add, histograms add bucket by bucket,
// timelines align by wall-clock second (every host counts t from the same run start);
// percentiles are computed only after merging. Rates and gated latencies cover the steady
// window only (metrics/steady.ts).

import os from 'node:os';
import type { ShardResult } from '../engine/samples.ts';
import { mergeEncoded, summarizeEncoded } from '../metrics/histogram.ts';
import { findDowngrades } from '../metrics/downgrades.ts';
import { hostHealthOf } from '../metrics/host-health-series.ts';
import { mergeTimelines, openByGroup, type Sample } from '../metrics/sample.ts';
import { steadyFromSamples, wholeSeconds, type SteadyCounts } from '../metrics/steady.ts';
import { buildSummary, mergeGroupTotals, type GroupTotals } from '../metrics/summary.ts';
import type { CohortSummary, HostInfo, LatencyName, Result, Summary, TimelinePoint } from '../result/types.ts';
import { LATENCY_NAMES, RESULT_SCHEMA } from '../result/types.ts';
import type { LoadedScenario } from '../scenario/types.ts';
import { VERSION } from '../version.ts';

export interface RunMeta {
  loaded: LoadedScenario;
  brokers: string[];
  /** Wall-scale ms the hosts count timeline seconds from (the runStartMs given to prepare). */
  startedAt: number;
  endedAt: number;
  hosts: HostInfo[];
  interrupted: boolean;
}

export function mergeResults(meta: RunMeta, shards: ShardResult[]): Result {
  const { scenario } = meta.loaded;
  const timeline = mergeTimelines(shards.map((s) => s.samples));
  const steadyStarts = shards.map((s) => s.steadyStartMs).filter((x): x is number => x !== null);
  const steadyEnds = shards.map((s) => s.steadyEndMs).filter((x): x is number => x !== null);
  const steadyStart = steadyStarts.length ? Math.min(...steadyStarts) : null;
  const steadyEnd = steadyEnds.length ? Math.max(...steadyEnds) : null;
  const window =
    steadyStart !== null && steadyEnd !== null ? { fromMs: steadyStart - meta.startedAt, toMs: steadyEnd - meta.startedAt } : null;
  const fromSamples = steadyFromSamples(
    shards.map((s) => s.samples),
    window,
  );
  labelPhases(timeline, fromSamples.seconds > 0 ? wholeSeconds(window!) : null);
  const exactSeconds = window ? Math.max(0, (window.toMs - window.fromMs) / 1000) : 0;

  const groups: Record<string, Summary> = {};
  const groupTotals: GroupTotals[] = [];
  const peaks = peaksByGroup(shards);
  for (const g of scenario.groups) {
    const parts = shards.map((s) => s.groups[g.name]).filter((x): x is GroupTotals => x !== undefined);
    const totals = mergeGroupTotals(parts, peaks[g.name] ?? 0);
    groupTotals.push(totals);
    const fallback = fromSamples.groups[g.name] ?? { seconds: fromSamples.seconds, published: 0, received: 0 };
    groups[g.name] = steadySummary(totals, exactSeconds, fallback, {});
  }
  const total = mergeGroupTotals(groupTotals, Math.max(0, ...timeline.map((p) => p.connected)));
  const histograms = {} as Result['histograms'];
  for (const name of LATENCY_NAMES) histograms[name] = mergeEncoded(groupTotals.map((t) => t.histograms[name]));
  if (total.connectParts) histograms.connectParts = total.connectParts;
  const summary = steadySummary(total, exactSeconds, fromSamples.all, fromSamples.seconds > 0 ? { endToEnd: fromSamples.endToEnd } : {});

  return {
    schema: RESULT_SCHEMA,
    interrupted: meta.interrupted || shards.some((s) => s.interrupted),
    scenario: {
      name: scenario.name,
      sha256: meta.loaded.sha256,
      description: scenario.description,
      resolved: meta.loaded.redacted,
    },
    run: {
      startedAt: new Date(meta.startedAt).toISOString(),
      endedAt: new Date(meta.endedAt).toISOString(),
      durationMs: Math.round(meta.endedAt - meta.startedAt),
      version: VERSION,
      node: process.version,
      hosts: meta.hosts,
      brokers: meta.brokers,
      steadyStartMs: steadyStart !== null ? Math.round(steadyStart - meta.startedAt) : null,
      steadyEndMs: steadyEnd !== null ? Math.round(steadyEnd - meta.startedAt) : null,
      steadySeconds: total.steady ? exactSeconds : fromSamples.seconds,
      schedule: {
        late: shards.reduce((n, s) => n + s.schedule.late, 0),
        maxLagMs: Math.max(0, ...shards.map((s) => s.schedule.maxLagMs)),
      },
      generatorHost: os.hostname(),
      ...(scenario.stages && steadyStart !== null
        ? { stages: scenario.stages.map((st) => ({ ...st, startMs: Math.round(steadyStart - meta.startedAt + st.startMs) })) }
        : {}),
    },
    summary: withMaxInFlight(withGroupLosses(summary, groups), shards),
    groups,
    timeline,
    histograms,
    thresholds: [],
    ...downgradesOf(scenario.groups, groupTotals),
    ...healthOf(shards),
    ...(scenario.migration ? { migration: mergeCohorts(scenario, shards) } : {}),
  };
}

/** Each host's own health, per host (never summed); absent when no host reported any. */
function healthOf(shards: ShardResult[]): Pick<Result, 'health'> {
  const health = hostHealthOf(shards.map((s) => ({ host: s.hostId, samples: s.samples, health: s.health })));
  return health.length > 0 ? { health } : {};
}

/** A group's excess never fills another's loss: the total lost is the sum of the groups' lost. */
function withGroupLosses(summary: Summary, groups: Record<string, Summary>): Summary {
  const m = summary.messages;
  m.lost = Object.values(groups).reduce((n, g) => n + g.messages.lost, 0);
  m.lossRate = m.expected > 0 ? m.lost / m.expected : 0;
  return summary;
}

function downgradesOf(specs: LoadedScenario['scenario']['groups'], totals: GroupTotals[]): Pick<Result, 'downgrades'> {
  const downgrades = findDowngrades(specs.map((spec, k) => ({ spec, counters: totals[k].counters, errors: totals[k].errors })));
  return downgrades.length > 0 ? { downgrades } : {};
}

function mergeCohorts(scenario: LoadedScenario['scenario'], shards: ShardResult[]): NonNullable<Result['migration']> {
  const m = scenario.migration!;
  const byIndex = new Map<number, { atMs: number[]; moved: number; reconnected: number; gaps: string[] }>();
  for (const shard of shards) {
    for (const c of shard.cohorts ?? []) {
      const entry = byIndex.get(c.index) ?? { atMs: [], moved: 0, reconnected: 0, gaps: [] };
      entry.atMs.push(c.atMs);
      entry.moved += c.moved;
      entry.reconnected += c.reconnected;
      entry.gaps.push(c.gap);
      byIndex.set(c.index, entry);
    }
  }
  const cohorts: CohortSummary[] = [...byIndex.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([index, e]) => ({
      index,
      atMs: Math.min(...e.atMs),
      moved: e.moved,
      reconnected: e.reconnected,
      stranded: e.moved - e.reconnected,
      gapMs: summarizeEncoded(mergeEncoded(e.gaps)),
    }));
  return { from: scenario.broker.urls[m.from], to: scenario.broker.urls[m.to], bridged: m.bridged, cohorts };
}

/** Sum of the hosts' maxima: an upper bound on connects awaiting CONNACK at once fleet-wide. */
function withMaxInFlight(summary: Summary, shards: ShardResult[]): Summary {
  const maxInFlight = shards.reduce((n, s) => n + (s.maxConnectsInFlight ?? 0), 0);
  return { ...summary, connections: { ...summary.connections, maxInFlight } };
}

/**
 * A summary whose rates and latencies cover the steady window: the engine's own record when every
 * shard sent one, else the whole seconds of the per-second samples (`fromSamples`).
 */
function steadySummary(
  totals: GroupTotals,
  exactSeconds: number,
  fromSamples: SteadyCounts,
  sampleLatency: Partial<Record<LatencyName, string>>,
): Summary {
  if (totals.steady && exactSeconds > 0) {
    const { published, received, histograms } = totals.steady;
    return buildSummary(totals, { seconds: exactSeconds, published, received }, histograms);
  }
  return buildSummary(totals, fromSamples.seconds > 0 ? fromSamples : null, sampleLatency);
}

/** Marks each point before, inside or after the steady window's whole seconds. */
function labelPhases(timeline: TimelinePoint[], steady: { first: number; last: number } | null): void {
  for (const p of timeline) {
    if (!steady) p.phase = 'before';
    else p.phase = p.t < steady.first ? 'before' : p.t > steady.last ? 'after' : 'steady';
  }
}

/** Per group: the highest number of its connections open at the same wall-clock second across hosts. */
function peaksByGroup(shards: ShardResult[]): Record<string, number> {
  const byT = new Map<number, Sample[]>();
  for (const s of shards)
    for (const sample of s.samples) {
      const list = byT.get(sample.t);
      if (list) list.push(sample);
      else byT.set(sample.t, [sample]);
    }
  const peaks: Record<string, number> = {};
  for (const samples of byT.values())
    for (const [name, open] of Object.entries(openByGroup(samples))) peaks[name] = Math.max(peaks[name] ?? 0, open);
  return peaks;
}
