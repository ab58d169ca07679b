// Threshold gates: `connect.p99: "< 500ms"`, `messages.lossRate: "< 0.1%"`,
// `throughput.publishedPerSec: ">= 16000/s"`, `groups.locks.endToEnd.p99: "< 100ms"`.
// Parsed (and every problem reported) before a run; evaluated on the merged result.
//
// A value may also be an object `{ expr: "< 500ms", abortOnFail: true, abortGrace: "10s" }`: the
// coordinator evaluates such a gate on the live figures every second once `abortGrace` (default
// 10 s) of steady state has passed, and stops the run when it fails (see failingAbortGate).
//
// Unless the scenario gates `connections.failed` itself, an implicit `connections.failed == 0`
// applies (withImplicitGates): a run where clients never connected does not pass.
//
// Units are normalised to the metric's own unit: latency → ms (accepts us, µs, ms, s; a bare
// number means ms), ratio → fraction (accepts %, a bare number is a fraction), rate → per second
// (accepts /s, /m, /h; bare = per second), count → a bare number only.
// Comparison is exact: `< 100ms` passes at 99.999 and fails at 100.
//
// No data (a latency statistic with no samples, lossRate with nothing expected, a group missing
// from the result) gives value null and ok false: a gate that measured nothing does not pass.

import type { Summary, ThresholdResult } from '../result/types.ts';
import type { ValidationIssue } from '../errors.ts';
import type { MetricKind, MetricRef } from './metric-path.ts';
import { pickSummary, resolveMetricPath } from './metric-path.ts';

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type ThresholdSpec = string | { expr: string; abortOnFail?: boolean; abortGrace?: string };

export const DEFAULT_ABORT_GRACE_MS = 10_000;

export interface ParsedThreshold {
  /** The key as written in the scenario, e.g. `connect.p99`. */
  key: string;
  /** The condition as written, e.g. `< 500ms`. */
  condition: string;
  ref: MetricRef;
  op: Operator;
  /** In the metric's unit (ms, fraction, per second, count). */
  limit: number;
  abortOnFail: boolean;
  /** Steady-state time before an abortOnFail gate is first evaluated, ms. */
  abortGraceMs: number;
  /** Applied without being written in the scenario. */
  implicit?: boolean;
}

const EXPR = /^\s*(<=|>=|==|!=|<|>)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(ms|us|µs|s|%|\/s|\/m|\/h)?\s*$/i;

const UNIT_FACTORS: Record<MetricKind, Record<string, number>> = {
  latency: { '': 1, ms: 1, us: 0.001, µs: 0.001, s: 1000 },
  ratio: { '': 1, '%': 0.01 },
  rate: { '': 1, '/s': 1, '/m': 1 / 60, '/h': 1 / 3600 },
  count: { '': 1 },
};

const KIND_HINT: Record<MetricKind, string> = {
  latency: 'a latency; use ms, s or us',
  ratio: 'a ratio; use a number or %',
  rate: 'a rate; use a number, /s, /m or /h',
  count: 'a count; use a plain number',
};

export function parseThresholds(
  map: Readonly<Record<string, unknown>> | undefined,
  groupNames: readonly string[],
): { parsed: ParsedThreshold[]; issues: ValidationIssue[] } {
  const parsed: ParsedThreshold[] = [];
  const issues: ValidationIssue[] = [];
  for (const [key, spec] of Object.entries(map ?? {})) {
    const path = `thresholds[${JSON.stringify(key)}]`;
    const one = parseThreshold(key, spec, groupNames);
    if ('message' in one) issues.push({ path, message: one.message });
    else parsed.push(one);
  }
  return { parsed, issues };
}

export function parseThreshold(key: string, spec: unknown, groupNames: readonly string[]): ParsedThreshold | { message: string } {
  let condition: unknown = spec;
  let abortOnFail = false;
  let abortGraceMs = DEFAULT_ABORT_GRACE_MS;
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    const { expr, abortOnFail: abort, abortGrace, ...extra } = spec as Record<string, unknown>;
    const unknownKeys = Object.keys(extra);
    if (unknownKeys.length > 0) return { message: `unknown key '${unknownKeys[0]}' (allowed: expr, abortOnFail, abortGrace)` };
    if (abort !== undefined && typeof abort !== 'boolean') return { message: 'abortOnFail must be true or false' };
    if (abortGrace !== undefined) {
      const grace = typeof abortGrace === 'string' ? readAmount(abortGrace, 'latency') : null;
      if (grace === null || grace < 0) return { message: `abortGrace must be a duration such as "10s", got ${JSON.stringify(abortGrace)}` };
      abortGraceMs = grace;
    }
    condition = expr;
    abortOnFail = abort === true;
  }
  if (typeof condition !== 'string') return { message: 'must be a condition such as "< 500ms" (or { expr, abortOnFail })' };

  const resolved = resolveMetricPath(key, groupNames);
  if (!resolved.ok) return { message: resolved.message };
  const ref = resolved.ref;

  const m = EXPR.exec(condition);
  if (!m)
    return { message: `cannot read '${condition}': expected an operator (< <= > >= == !=), a number and an optional unit, e.g. "< 500ms"` };
  const limit = toUnit(m[2]!, m[3], ref.kind);
  if (limit === null) return { message: `unit '${m[3]}' does not fit ${key} (${KIND_HINT[ref.kind]})` };
  return { key, condition: condition.trim(), ref, op: m[1] as Operator, limit, abortOnFail, abortGraceMs };
}

/** A number and its unit in the metric kind's own unit; null when the unit does not fit. */
function toUnit(value: string, rawUnit: string | undefined, kind: MetricKind): number | null {
  const factor = UNIT_FACTORS[kind][(rawUnit ?? '').toLowerCase().replace('µs', 'us')];
  // toPrecision trims float noise from the conversion (0.1% → 0.001, not 0.0010000000000000002).
  return factor === undefined ? null : Number((Number(value) * factor).toPrecision(12));
}

/** `"10s"`, `"500ms"`: an amount of `kind` alone (no operator); null when unreadable. */
function readAmount(text: string, kind: MetricKind): number | null {
  const m = EXPR.exec(`== ${text}`);
  return m ? toUnit(m[2]!, m[3], kind) : null;
}

/** The scenario's gates plus `connections.failed == 0` when the scenario does not gate it itself. */
export function withImplicitGates(parsed: readonly ParsedThreshold[], groupNames: readonly string[]): ParsedThreshold[] {
  if (parsed.some((t) => t.ref.path === 'connections.failed' && t.ref.group === undefined)) return [...parsed];
  const failed = parseThreshold('connections.failed', '== 0', groupNames) as ParsedThreshold;
  return [...parsed, { ...failed, implicit: true }];
}

export function compare(value: number, op: Operator, limit: number): boolean {
  switch (op) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '==':
      return value === limit;
    case '!=':
      return value !== limit;
  }
}

export interface ResultLike {
  summary: Summary;
  groups?: Record<string, Summary>;
}

/** `expr` in each row reads "<key> <condition>", e.g. "connect.p99 < 500ms". */
export function evaluateThresholds(parsed: readonly ParsedThreshold[], result: ResultLike): ThresholdResult[] {
  return parsed.map((t) => {
    const summary = pickSummary(t.ref, result);
    const value = summary ? t.ref.read(summary) : null;
    const row: ThresholdResult = { expr: `${t.key} ${t.condition}`, value, ok: value !== null && compare(value, t.op, t.limit) };
    if (t.implicit) row.implicit = true;
    return row;
  });
}

/**
 * The first abortOnFail gate that fails on live figures, or null. A gate with no data yet (a
 * latency nothing has measured) does not abort: only a measured failure stops a run.
 */
export function failingAbortGate(parsed: readonly ParsedThreshold[], live: ResultLike, steadyMs: number): ParsedThreshold | null {
  for (const t of parsed) {
    if (!t.abortOnFail || steadyMs < t.abortGraceMs) continue;
    const summary = pickSummary(t.ref, live);
    const value = summary ? t.ref.read(summary) : null;
    if (value !== null && !compare(value, t.op, t.limit)) return t;
  }
  return null;
}
