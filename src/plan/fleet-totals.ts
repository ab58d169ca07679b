// Fleet-wide totals a scenario plans, used wherever a run is sized: the layout of hosts, the
// capacity steps, the run's own bookkeeping.

import type { Scenario } from '../scenario/types.ts';

/** Clients a scenario plans, over every group. */
export function fleetClients(scenario: Scenario): number {
  return scenario.groups.reduce((n, g) => n + g.count, 0);
}

/**
 * Messages per second a scenario plans to publish (before fan-out): every publish stream, every
 * command, and the reply each command gets from a group that answers. That is what the shards
 * count as `published`, so it is the rate to compare `publishedPerSec` against.
 */
export function plannedPublishRate(scenario: Scenario): number {
  let rate = 0;
  for (const g of scenario.groups) {
    for (const p of g.publish) rate += p.totalRate ?? (p.rate ?? 0) * g.count;
    for (const c of g.commands ?? []) {
      const commands = c.totalRate ?? (c.rate ?? 0) * g.count;
      const target = scenario.groups.find((t) => t.name === c.to);
      rate += target?.reply ? 2 * commands : commands;
    }
  }
  return rate;
}
