// The shape of capacity.json ("fleetstorm/capacity@1"): what `fleetstorm capacity` found by
// stepping the load up. Every step figure is read from that step's own result.json.

import type { ThresholdResult } from './types.ts';

export const CAPACITY_SCHEMA = 'fleetstorm/capacity@1';

export interface CapacityStep {
  /** Step number, from 0. */
  k: number;
  /** Load factor applied to the scenario as loaded (1 = as written, after `scale`). */
  factor: number;
  /** Clients the step planned (every group's count after the factor). */
  clients: number;
  /** Connections open at the same time at the step's peak (achieved, not planned). */
  connections: number;
  /** Over the step's steady state. */
  publishedPerSec: number;
  receivedPerSec: number;
  /** 0 when nothing was measured (see the counts). */
  connectP99Ms: number;
  endToEndP99Ms: number;
  /** Samples behind the two p99s: 0 means "not measured", not "0 ms". */
  connectSamples: number;
  endToEndSamples: number;
  lossRate: number;
  /** reason → count, connection and subscription failures included. */
  errors: Record<string, number>;
  thresholds: ThresholdResult[];
  /** Every threshold passed and no error appeared (and the step ran to its end). */
  ok: boolean;
  /** Ctrl-C cut the step short: it is shown but judged neither good nor bad. */
  interrupted: boolean;
  /** Path of the step's result.json, relative to capacity.json. */
  resultFile?: string;
}

export type BrokeFirst =
  { kind: 'threshold'; expr: string; value: number | null } | { kind: 'errors'; reason: string; count: number; total: number };

export type LatencyMetric = 'endToEnd.p99' | 'connect.p99';

export interface Knee {
  /** The step at which latency first rose faster than load (compared with the step before). */
  k: number;
  factor: number;
  fromFactor: number;
  elasticity: number;
  metric: LatencyMetric;
  p99Ms: number;
  fromP99Ms: number;
}

export interface LimitPair {
  warn: number;
  page: number;
}

export interface LatencyLimit {
  metric: LatencyMetric;
  /** The load factor each threshold corresponds to (warnAt / pageAt of the capacity's factor). */
  warnAtFactor: number;
  pageAtFactor: number;
  warnMs: number;
  pageMs: number;
  /** measured: a step ran at exactly that load; interpolated: linear between the two steps around it; nearest: outside the measured range, the closest step's figure. */
  warnMethod: 'measured' | 'interpolated' | 'nearest';
  pageMethod: 'measured' | 'interpolated' | 'nearest';
}

export interface Recommendations {
  warnAt: number;
  pageAt: number;
  connections: LimitPair;
  publishedPerSec: LimitPair;
  receivedPerSec: LimitPair;
  /** null when no latency was measured at all. */
  p99: LatencyLimit | null;
}

export interface CapacityReport {
  schema: typeof CAPACITY_SCHEMA;
  scenario: { name: string; sha256: string };
  startedAt: string;
  endedAt: string;
  interrupted: boolean;
  /** The search settings used; `defaults` is true when the scenario had no `capacity:` section. */
  spec: CapacitySpec & { defaults: boolean };
  steps: CapacityStep[];
  /** The highest load that passed every gate, with no good step skipped below it; null if none. */
  lastGood: CapacityStep | null;
  firstBad: CapacityStep | null;
  /** What failed at the first bad step: its first failing threshold (scenario order), else its dominant error. */
  brokeFirst: BrokeFirst | null;
  knee: Knee | null;
  recommendations: Recommendations | null;
  /** The finding in plain words, one sentence a line, as printed and shown in the report. */
  statement: string[];
}

/** A value read back from capacity.json (or handed to the report) that has the expected shape. */
export function isCapacityReport(value: unknown): value is CapacityReport {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<CapacityReport>;
  return v.schema === CAPACITY_SCHEMA && Array.isArray(v.steps) && Array.isArray(v.statement);
}

/** How `fleetstorm capacity` steps the load (scenario.capacity with defaults applied). */
export interface CapacitySpec {
  vary: 'connections' | 'rate' | 'both';
  start: number;
  step: number;
  maxSteps: number;
  holdMs: number;
  knee: number;
  warnAt: number;
  pageAt: number;
}
