// `run --agents N [--control URL]`: wait for N agents, cut the scenario into N shards with the
// exact split (plan/split.ts) and pair shard k with agent k. Fails with one clear line when an
// agent cannot hold its shard's sockets.

import type { ShardGroupSlice } from '../../engine/slices.ts';
import { planShards } from '../../plan/split.ts';
import type { Scenario } from '../../scenario/types.ts';
import { clientsPerProcess } from '../fd-limit.ts';
import type { Host } from '../host.ts';
import { shardSlices } from '../shard-slices.ts';
import { connectAgents, type AgentFleet, type ConnectAgentsOptions } from './connect-agents.ts';
import { findEnvFields } from './env-fields.ts';
import { runNeeds } from './run-policy.ts';

export interface AgentPlan {
  hosts: Host[];
  /** Slices per host, in the same order as `hosts` (what coordinate() takes). */
  plan: ShardGroupSlice[][];
  fleet: AgentFleet;
  /** Releases the agents and stops the control plane. */
  close(): Promise<void>;
}

/** `opts.source` (the scenario as written) lets agents resolve its `${env:…}` fields themselves. */
export async function planAgentHosts(scenario: Scenario, opts: Omit<ConnectAgentsOptions, 'needs'>): Promise<AgentPlan> {
  const needs = runNeeds(scenario, opts.source === undefined ? [] : findEnvFields(opts.source, scenario));
  const fleet = await connectAgents({ ...opts, needs });
  const plan = planShards(scenario, fleet.hosts.length).map(shardSlices);
  const short = fleet.hosts
    .map((h, k) => ({ h, clients: plan[k].reduce((n, s) => n + s.count, 0), limit: fleet.agents[k].fdLimit }))
    .filter((x) => x.limit > 0 && x.clients > clientsPerProcess(x.limit));
  if (short.length) {
    await fleet.close();
    const { h, clients, limit } = short[0];
    throw new Error(
      `agent ${h.info.id} can open about ${clientsPerProcess(limit)} connections (open-file limit ${limit}) but its shard has ${clients}: ` +
        'start more agents or raise the limit (ulimit -n) on that machine',
    );
  }
  // An agent's info lists every group of the run, 0 where its shard has none of its clients.
  for (const h of fleet.hosts) for (const g of scenario.groups) h.info.clients[g.name] ??= 0;
  return { hosts: fleet.hosts, plan, fleet, close: () => fleet.close() };
}
