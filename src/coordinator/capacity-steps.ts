// The load of each capacity step: step k runs the scenario (as loaded, `scale` already applied)
// at factor start + k·step, changing only what `vary` names:
//
//   connections  every group count ×f (rounded, at least 1) and its connectRate ×f; per-client
//                publish rates stay, so those streams grow with the fleet, totalRate streams do not.
//   rate         every publish rate ×f (per-client `rate` and group `totalRate`); counts stay.
//   both         the whole fleet ×f, the way `scale` does it: counts, connectRate and totalRate ×f.
//                Per-client rates stay as they are (more devices already bring f× their messages;
//                multiplying them as well would grow msg/s with f², and "load factor" would stop
//                meaning one thing).
//
// Each step holds the steady state for `holdMs` instead of the scenario's duration.

import { applyScale } from '../scenario/schema-run-checks.ts';
import type { CapacitySpec, Scenario } from '../scenario/types.ts';

/** Floating-point noise trimmed: 0.25 + 3·0.25 is 1, not 0.9999999999999999. */
export function stepFactor(spec: Pick<CapacitySpec, 'start' | 'step'>, k: number): number {
  return Number((spec.start + k * spec.step).toPrecision(12));
}

export function stepFactors(spec: Pick<CapacitySpec, 'start' | 'step' | 'maxSteps'>): number[] {
  return Array.from({ length: spec.maxSteps }, (_, k) => stepFactor(spec, k));
}

/** A copy of the scenario at one step's load; the input is left untouched. */
export function scenarioAtFactor(scenario: Scenario, vary: CapacitySpec['vary'], factor: number, holdMs: number): Scenario {
  const out = structuredClone(scenario);
  out.durationMs = holdMs;
  // A step is one steady hold at one load: a load profile would override the hold.
  delete out.stages;
  // `both` is exactly the scenario's own `scale`; `connections` is that fleet with its rates kept.
  if (vary === 'both') out.groups = applyScale(out.groups, factor);
  else if (vary === 'connections') {
    out.groups = applyScale(out.groups, factor).map((g, k) => ({
      ...g,
      publish: out.groups[k]!.publish,
      commands: out.groups[k]!.commands,
    }));
  } else {
    // Commands scale like publish streams.
    for (const g of out.groups) {
      for (const p of [...g.publish, ...(g.commands ?? [])]) {
        if (p.totalRate !== undefined) p.totalRate *= factor;
        if (p.rate !== undefined) p.rate *= factor;
      }
    }
  }
  return out;
}
