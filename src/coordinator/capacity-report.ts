// A finished (or interrupted) capacity search → the capacity.json document.

import type { CapacitySpec, LoadedScenario } from '../scenario/types.ts';
import { analyseSteps } from './capacity-analysis.ts';
import { capacityStatement } from './capacity-statement.ts';
import { CAPACITY_SCHEMA, type CapacityReport, type CapacityStep } from '../result/capacity.ts';

export { isCapacityReport } from '../result/capacity.ts';

export interface CapacityMeta {
  loaded: LoadedScenario;
  spec: CapacitySpec;
  /** The scenario had no `capacity:` section; the defaults were used. */
  defaults: boolean;
  startedAt: number;
  endedAt: number;
  interrupted: boolean;
}

export function buildCapacityReport(steps: readonly CapacityStep[], meta: CapacityMeta): CapacityReport {
  const analysis = analyseSteps(steps, meta.spec);
  return {
    schema: CAPACITY_SCHEMA,
    scenario: { name: meta.loaded.scenario.name, sha256: meta.loaded.sha256 },
    startedAt: new Date(meta.startedAt).toISOString(),
    endedAt: new Date(meta.endedAt).toISOString(),
    interrupted: meta.interrupted,
    spec: { ...meta.spec, defaults: meta.defaults },
    steps: [...steps],
    lastGood: analysis.lastGood,
    firstBad: analysis.firstBad,
    brokeFirst: analysis.brokeFirst,
    knee: analysis.knee,
    recommendations: analysis.recommendations,
    statement: capacityStatement(analysis, { interrupted: meta.interrupted, maxSteps: meta.spec.maxSteps, steps: steps.length }),
  };
}
