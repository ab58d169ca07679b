// Top-level sections that shape a whole run: the scale factor, broker-side monitoring, the
// capacity search, the migration rehearsal and the load profile (stages).

import type { CapacitySpec, MigrationSpec, MonitorSpec, StageSpec } from './types.ts';
import { bool, duration, fraction, httpUrl, integer, list, name, number, oneOf, section } from './fields.ts';

export const scaleField = number(0.000001, 1000, 'multiplies every group count, totalRate and connectRate (1 = as written)');

export const monitorSection = section(
  {
    sys: bool("sample the broker's $SYS topics during the run (Mosquitto, EMQX)").prefault(true),
    prometheus: httpUrl('Prometheus metrics endpoint of the broker, http://host:port/metrics').optional(),
    interval: duration({ min: 100 }, 'sampling interval for the Prometheus endpoint').prefault('5s'),
  },
  "broker-side figures beside fleetstorm's own",
).transform((m): MonitorSpec => ({ sys: m.sys, ...(m.prometheus ? { prometheus: m.prometheus } : {}), intervalMs: m.interval }));

export const capacitySection = section(
  {
    vary: oneOf(['connections', 'rate', 'both'] as const, 'must be connections, rate or both').prefault('both'),
    start: number(0.000001, 1000, 'load factor of the first step (1 = the scenario as written)').prefault(0.25),
    step: number(0.000001, 1000, 'load factor added per step').prefault(0.25),
    maxSteps: integer(1, 100, 'stop after this many steps').prefault(8),
    hold: duration({ min: 1000 }, 'steady-state time per step').prefault('30s'),
    knee: number(1, 100, 'latency elasticity (relative p99 rise ÷ relative load rise) that marks the knee').prefault(2),
    warnAt: fraction('warning threshold as a share of the capacity found').prefault(0.7),
    pageAt: fraction('paging threshold as a share of the capacity found').prefault(0.85),
  },
  'how `fleetstorm capacity` steps the load up',
).transform((c): CapacitySpec => ({
  vary: c.vary,
  start: c.start,
  step: c.step,
  maxSteps: c.maxSteps,
  holdMs: c.hold,
  knee: c.knee,
  warnAt: c.warnAt,
  pageAt: c.pageAt,
}));

export const migrationSection = section(
  {
    from: integer(0, 1000, 'broker.urls index of the old cluster').prefault(0),
    to: integer(0, 1000, 'broker.urls index of the new cluster').prefault(1),
    groups: list(name('group name'), { min: 1, description: 'groups whose devices move' }),
    cohort: fraction('share of each moving group per cohort, e.g. 10%').prefault(0.1),
    cohorts: integer(1, 1000, 'number of cohorts moved (default: all devices)').optional(),
    start: duration({}, 'first cut-over, measured from the start of steady state').prefault('5s'),
    every: duration({ min: 100 }, 'time between cohorts').prefault('5s'),
    bridged: bool("the two clusters forward each other's messages (then a subscriber on either sees every publish)").prefault(false),
  },
  'migration rehearsal: move fixed cohorts of devices from one endpoint to another',
).transform((m): MigrationSpec => ({
  from: m.from,
  to: m.to,
  groups: m.groups,
  cohort: m.cohort,
  cohorts: m.cohorts ?? Math.ceil(1 / Math.max(m.cohort, 1e-9) - 1e-9),
  startMs: m.start,
  everyMs: m.every,
  bridged: m.bridged,
}));

const stageEntry = section(
  {
    name: name('stage name, [a-z0-9-]+ (default stage-1, stage-2, …)').optional(),
    at: duration({}, 'start of the stage from the start of steady state; optional, checked against the stages before it').optional(),
    duration: duration({ min: 1 }, 'how long the stage lasts'),
    connections: fraction(
      "share of every group's clients online during the stage (at least one client of a group while above 0 %)",
    ).prefault(1),
    rate: number(0, 1000, 'multiplier of every publish and command rate during the stage (0 = silent)').prefault(1),
  },
  'one stage of the load profile',
);

/** The load profile: stages run back to back from the start of steady state. */
export const stagesSection = list(stageEntry, {
  min: 1,
  description: 'load profile over the steady state (ramp up, hold, peak, ramp down); replaces duration',
}).transform((list): StageSpec[] => {
  let startMs = 0;
  return list.map((st, k) => {
    const stage = { name: st.name ?? `stage-${k + 1}`, startMs, durationMs: st.duration, connections: st.connections, rate: st.rate };
    startMs += st.duration;
    return stage;
  });
});
