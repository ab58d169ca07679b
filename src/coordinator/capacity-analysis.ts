// What a list of measured steps says: the last good step, the first bad one and what broke it,
// the knee, and the monitoring thresholds. Pure functions on step figures.
//
// The knee is the first step where latency rises faster than load: the elasticity
//   e = (Δp99 / p99) / (Δload / load)
// between a step and the one before it reaches the scenario's `knee` (e = 1 is latency growing
// in proportion to load). Load is the step's factor (what was asked of the broker, not what it
// managed). Latency is e2e p99, or connect p99 when the run carries no end-to-end data. A rise
// smaller than `minRiseMs` is not counted: on loopback a p99 of 0.4 ms that becomes 0.9 ms is
// timer noise, not a knee.

import type { CapacitySpec } from '../scenario/types.ts';
import { brokeFirstAt } from './capacity-figures.ts';
import type { BrokeFirst, CapacityStep, Knee, LatencyLimit, LatencyMetric, Recommendations } from '../result/capacity.ts';

export const DEFAULT_MIN_RISE_MS = 1;

export interface StepVerdict {
  lastGood: CapacityStep | null;
  firstBad: CapacityStep | null;
  brokeFirst: BrokeFirst | null;
  /** Steps that count: judged in order up to and including the first bad one (interrupted ones left out). */
  judged: CapacityStep[];
}

export function judgeSteps(steps: readonly CapacityStep[]): StepVerdict {
  const judged: CapacityStep[] = [];
  let lastGood: CapacityStep | null = null;
  let firstBad: CapacityStep | null = null;
  for (const step of steps) {
    if (step.interrupted) continue;
    judged.push(step);
    if (!step.ok) {
      firstBad = step;
      break;
    }
    lastGood = step;
  }
  return { lastGood, firstBad, brokeFirst: firstBad ? brokeFirstAt(firstBad) : null, judged };
}

/** e2e p99 when any step measured end-to-end latency, else connect p99. */
export function latencyMetric(steps: readonly CapacityStep[]): LatencyMetric {
  return steps.some((s) => s.endToEndSamples > 0) ? 'endToEnd.p99' : 'connect.p99';
}

export function p99Of(step: CapacityStep, metric: LatencyMetric): number | null {
  if (metric === 'endToEnd.p99') return step.endToEndSamples > 0 ? step.endToEndP99Ms : null;
  return step.connectSamples > 0 ? step.connectP99Ms : null;
}

export function elasticity(fromLoad: number, toLoad: number, fromP99: number, toP99: number): number {
  const loadRise = (toLoad - fromLoad) / fromLoad;
  if (!(loadRise > 0) || !(fromP99 > 0)) return 0;
  return (toP99 - fromP99) / fromP99 / loadRise;
}

export function findKnee(steps: readonly CapacityStep[], kneeAt: number, minRiseMs = DEFAULT_MIN_RISE_MS): Knee | null {
  const metric = latencyMetric(steps);
  let prev: { step: CapacityStep; p99: number } | null = null;
  for (const step of steps) {
    const p99 = p99Of(step, metric);
    if (p99 === null) continue;
    if (prev && p99 - prev.p99 >= minRiseMs) {
      const e = elasticity(prev.step.factor, step.factor, prev.p99, p99);
      if (e >= kneeAt) {
        return {
          k: step.k,
          factor: step.factor,
          fromFactor: prev.step.factor,
          elasticity: round(e, 3),
          metric,
          p99Ms: p99,
          fromP99Ms: prev.p99,
        };
      }
    }
    prev = { step, p99 };
  }
  return null;
}

/** Latency at a load factor from the measured curve, and how it was obtained. */
export function latencyAt(
  steps: readonly CapacityStep[],
  metric: LatencyMetric,
  factor: number,
): { ms: number; method: LatencyLimit['warnMethod'] } | null {
  const points = steps
    .map((s) => ({ f: s.factor, ms: p99Of(s, metric) }))
    .filter((p): p is { f: number; ms: number } => p.ms !== null)
    .sort((a, b) => a.f - b.f);
  if (points.length === 0) return null;
  const exact = points.find((p) => Math.abs(p.f - factor) < 1e-9);
  if (exact) return { ms: exact.ms, method: 'measured' };
  if (factor < points[0]!.f) return { ms: points[0]!.ms, method: 'nearest' };
  if (factor > points[points.length - 1]!.f) return { ms: points[points.length - 1]!.ms, method: 'nearest' };
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    if (factor < b.f) return { ms: round(a.ms + ((b.ms - a.ms) * (factor - a.f)) / (b.f - a.f), 3), method: 'interpolated' };
  }
  return null; // unreachable: factor lies within [first, last]
}

/** warn / page at shares of the last good step's figures; latency from the good steps' curve. */
export function recommend(
  good: readonly CapacityStep[],
  lastGood: CapacityStep,
  spec: Pick<CapacitySpec, 'warnAt' | 'pageAt'>,
): Recommendations {
  const pair = (v: number, digits: number) => ({ warn: round(v * spec.warnAt, digits), page: round(v * spec.pageAt, digits) });
  const metric = latencyMetric(good);
  const warnAtFactor = round(lastGood.factor * spec.warnAt, 6);
  const pageAtFactor = round(lastGood.factor * spec.pageAt, 6);
  const warn = latencyAt(good, metric, warnAtFactor);
  const page = latencyAt(good, metric, pageAtFactor);
  return {
    warnAt: spec.warnAt,
    pageAt: spec.pageAt,
    connections: pair(lastGood.connections, 0),
    publishedPerSec: pair(lastGood.publishedPerSec, 1),
    receivedPerSec: pair(lastGood.receivedPerSec, 1),
    p99:
      warn && page
        ? // Measured p99 is noisy from step to step; a paging level below the warning one would be useless.
          {
            metric,
            warnAtFactor,
            pageAtFactor,
            warnMs: warn.ms,
            pageMs: Math.max(page.ms, warn.ms),
            warnMethod: warn.method,
            pageMethod: page.method,
          }
        : null,
  };
}

export interface Analysis extends StepVerdict {
  knee: Knee | null;
  recommendations: Recommendations | null;
}

export function analyseSteps(
  steps: readonly CapacityStep[],
  spec: Pick<CapacitySpec, 'knee' | 'warnAt' | 'pageAt'>,
  minRiseMs = DEFAULT_MIN_RISE_MS,
): Analysis {
  const verdict = judgeSteps(steps);
  const good = verdict.judged.filter((s) => s.ok);
  return {
    ...verdict,
    knee: findKnee(verdict.judged, spec.knee, minRiseMs),
    recommendations: verdict.lastGood ? recommend(good, verdict.lastGood, spec) : null,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
