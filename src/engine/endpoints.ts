// Which broker endpoint each client uses. Groups may be pinned to endpoints; migrating groups
// start on the old cluster; everyone else spreads round-robin over the pool. When two clusters
// do not forward each other's messages (an unbridged migration), a publish is only expected at
// subscribers on the publisher's own endpoint — the fan-out is then kept per endpoint.

import type { FleetGroup } from './fleet.ts';
import type { Scenario } from '../scenario/types.ts';

export function initialEndpoint(scenario: Scenario, g: FleetGroup, i: number): number {
  const pinned = g.spec.endpoints;
  if (pinned && pinned.length > 0) return pinned[i % pinned.length];
  const m = scenario.migration;
  if (m && m.groups.includes(g.spec.name)) return m.from;
  return (g.clientBase + i) % Math.max(1, scenario.broker.urls.length);
}

export interface EndpointModel {
  /** Number of separate endpoints in the fan-out (1 = one cluster, everyone sees everything). */
  count: number;
  scenario: Scenario;
}

export function endpointModel(scenario: Scenario): EndpointModel {
  const m = scenario.migration;
  const separate = m !== undefined && !m.bridged;
  return { count: separate ? Math.max(1, scenario.broker.urls.length) : 1, scenario };
}
