// Many hosts' ShardResults → one result.json. Counts add, histograms add bucket by bucket,
// timelines align by second; percentiles are computed only after merging.

import os from 'node:os';
import type { ShardResult } from '../engine/samples.ts';
import { mergeEncoded, summarizeEncoded } from '../metrics/histogram.ts';
import { findDowngrades } from '../metrics/downgrades.ts';
import { mergeTimelines } from '../metrics/sample.ts';
import { buildSummary, mergeGroupTotals, type GroupTotals } from '../metrics/summary.ts';
import type { CohortSummary, HostInfo, LatencyName, Result, Summary, TimelinePoint } from '../result/types.ts';
import { LATENCY_NAMES, RESULT_SCHEMA } from '../result/types.ts';
import type { LoadedScenario } from '../scenario/types.ts';
import { VERSION } from '../version.ts';

export interface RunMeta {
  loaded: LoadedScenario;
  brokers: string[];
  startedAt: number; // wall ms
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
  const steadySeconds = steadyStart !== null && steadyEnd !== null ? Math.max(0, (steadyEnd - steadyStart) / 1000) : 0;

  const groups: Record<string, Summary> = {};
  const groupTotals: GroupTotals[] = [];
  for (const g of scenario.groups) {
    const parts = shards.map((s) => s.groups[g.name]).filter((x): x is GroupTotals => x !== undefined);
    const peak = peakOf(timeline, shards, g.name);
    const totals = mergeGroupTotals(parts, peak);
    groupTotals.push(totals);
    groups[g.name] = summaryOf(totals, steadySeconds);
  }
  const total = mergeGroupTotals(groupTotals, Math.max(0, ...timeline.map((p) => p.connected)));
  const histograms = {} as Record<LatencyName, string>;
  for (const name of LATENCY_NAMES) histograms[name] = mergeEncoded(groupTotals.map((t) => t.histograms[name]));

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
      schedule: {
        late: shards.reduce((n, s) => n + s.schedule.late, 0),
        maxLagMs: Math.max(0, ...shards.map((s) => s.schedule.maxLagMs)),
      },
      generatorHost: os.hostname(),
      ...(scenario.stages && steadyStart !== null
        ? { stages: scenario.stages.map((st) => ({ ...st, startMs: Math.round(steadyStart - meta.startedAt + st.startMs) })) }
        : {}),
    },
    summary: withGroupLosses(summaryOf(total, steadySeconds), groups),
    groups,
    timeline,
    histograms,
    thresholds: [],
    ...downgradesOf(scenario.groups, groupTotals),
    ...(scenario.migration ? { migration: mergeCohorts(scenario, shards) } : {}),
  };
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

function summaryOf(totals: GroupTotals, steadySeconds: number): Summary {
  // Every publish happens inside the steady window by construction, so rate = count / window.
  const steady =
    steadySeconds > 0 ? { seconds: steadySeconds, published: totals.counters.published, received: totals.counters.received } : null;
  return buildSummary(totals, steady);
}

/** Highest number of this group's connections open at the same second across hosts. */
function peakOf(timeline: TimelinePoint[], shards: ShardResult[], group: string): number {
  const byT = new Map<number, number>();
  for (const s of shards)
    for (const sample of s.samples) {
      const g = sample.groups[group];
      if (g) byT.set(sample.t, (byT.get(sample.t) ?? 0) + g.open);
    }
  void timeline;
  return Math.max(0, ...byT.values());
}
