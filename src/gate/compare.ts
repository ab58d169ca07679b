// Baseline comparison: is this run worse than a stored one by more than the noise we accept?
// Throughput regresses when lower, latency percentiles when higher, each beyond its tolerance
// (default 10 %, overridable per metric: `{ "endToEnd.p99": "+15%" }`). lossRate regresses when
// higher at all, unless given an explicit tolerance, which for lossRate is absolute
// (`"messages.lossRate": "0.1%"` allows 0.1 percentage points more loss).
// Beyond the tolerance in the good direction a row is 'better'; it never fails the gate.

import { UsageError } from '../errors.ts';
import type { Summary } from '../result/types.ts';
import { LATENCY_NAMES } from '../result/types.ts';
import type { Baseline } from './baseline.ts';

export type Verdict = 'ok' | 'better' | 'regression' | 'no-data';

export interface CompareRow {
  metric: string;
  /** What the values count: msg/s, ms, or a ratio (lossRate, 0.01 = 1 %). */
  unit: string;
  baseline: number | null;
  current: number | null;
  /** (current − baseline) / baseline × 100; null when the baseline is 0 or either side has no data. */
  deltaPct: number | null;
  tolerancePct: number;
  verdict: Verdict;
}

export interface Comparison {
  rows: CompareRow[];
  verdict: 'ok' | 'regression';
  regressions: number;
}

/** `default` plus per-metric overrides; values like "+15%", "15%", "15" or 15 (all percent). */
export type Tolerances = Record<string, string | number>;

export const DEFAULT_TOLERANCE_PCT = 10;

type Direction = 'higher-is-worse' | 'lower-is-worse' | 'loss';
interface MetricDef {
  metric: string;
  unit: string;
  direction: Direction;
  read(s: Summary): number | null;
}

export const COMPARED_METRICS: readonly MetricDef[] = [
  { metric: 'throughput.publishedPerSec', unit: 'msg/s', direction: 'lower-is-worse', read: (s) => s.throughput.publishedPerSec },
  { metric: 'throughput.receivedPerSec', unit: 'msg/s', direction: 'lower-is-worse', read: (s) => s.throughput.receivedPerSec },
  ...LATENCY_NAMES.flatMap((name) =>
    (['p50', 'p90', 'p99'] as const).map((stat): MetricDef => ({
      metric: `${name}.${stat}`,
      unit: 'ms',
      direction: 'higher-is-worse',
      read: (s) => (s.latencyMs[name] && s.latencyMs[name].count > 0 ? s.latencyMs[name][stat] : null),
    })),
  ),
  { metric: 'messages.lossRate', unit: 'ratio', direction: 'loss', read: (s) => (s.messages.expected > 0 ? s.messages.lossRate : null) },
];

/** Reads "+15%", "15%", "15", 15 → 15. Throws one line on anything else. */
export function parseTolerance(spec: string | number): number {
  const m = typeof spec === 'number' ? [String(spec), String(spec)] : /^\s*\+?\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(spec);
  const pct = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(pct) || pct < 0) throw new UsageError(`bad tolerance '${spec}': use a percentage such as "+15%"`);
  return pct;
}

function toleranceFor(metric: string, direction: Direction, tolerances: Tolerances): number {
  const own = tolerances[metric] ?? tolerances[`latencyMs.${metric}`];
  if (own !== undefined) return parseTolerance(own);
  if (direction === 'loss') return 0;
  return tolerances.default !== undefined ? parseTolerance(tolerances.default) : DEFAULT_TOLERANCE_PCT;
}

const clean = (x: number) => Number(x.toPrecision(12));

function judge(def: MetricDef, base: number | null, cur: number | null, tolPct: number): CompareRow {
  const row: CompareRow = {
    metric: def.metric,
    unit: def.unit,
    baseline: base,
    current: cur,
    deltaPct: null,
    tolerancePct: tolPct,
    verdict: 'no-data',
  };
  if (base === null || cur === null) return row;
  // A baseline that moved nothing gives no scale to compare against.
  if (def.direction === 'lower-is-worse' && base === 0) return row;
  row.deltaPct = base !== 0 ? clean(((cur - base) / base) * 100) : cur === 0 ? 0 : null;
  if (def.direction === 'loss') {
    const allowed = clean(base + tolPct / 100);
    row.verdict = cur > allowed ? 'regression' : cur < base ? 'better' : 'ok';
    return row;
  }
  const d = row.deltaPct ?? Infinity; // base 0 with cur > 0: an infinitely large rise
  const worse = def.direction === 'higher-is-worse' ? d : -d;
  row.verdict = worse > tolPct ? 'regression' : worse < -tolPct ? 'better' : 'ok';
  return row;
}

/**
 * Compares the run-wide summaries (and, with `group`, that group's). A metric with data on one
 * side only is 'no-data' and does not fail the comparison; one with data on neither side (no
 * commands sent, say) is left out.
 */
export function compareWithBaseline(
  result: { summary: Summary; groups?: Record<string, Summary> },
  baseline: Pick<Baseline, 'summary' | 'groups'>,
  tolerances: Tolerances = {},
  opts: { group?: string } = {},
): Comparison {
  for (const key of Object.keys(tolerances)) {
    const known = key === 'default' || COMPARED_METRICS.some((d) => d.metric === key || `latencyMs.${d.metric}` === key);
    if (!known)
      throw new UsageError(`unknown metric '${key}' in tolerances (compared: ${COMPARED_METRICS.map((d) => d.metric).join(', ')})`);
  }
  const cur = opts.group === undefined ? result.summary : result.groups?.[opts.group];
  const base = opts.group === undefined ? baseline.summary : baseline.groups?.[opts.group];
  const rows = COMPARED_METRICS.map((def) =>
    judge(def, base ? def.read(base) : null, cur ? def.read(cur) : null, toleranceFor(def.metric, def.direction, tolerances)),
  ).filter((row) => row.baseline !== null || row.current !== null);
  const regressions = rows.filter((r) => r.verdict === 'regression').length;
  return { rows, verdict: regressions > 0 ? 'regression' : 'ok', regressions };
}
