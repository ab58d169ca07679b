// Where a run's shards go. For now one local host holds the whole fleet; scale-out (threads,
// processes, agents) plugs in here.

import type { ShardGroupSlice } from '../engine/shard-runner.ts';
import type { Scenario } from '../scenario/types.ts';
import type { Host } from './host.ts';
import { LocalHost } from './local-host.ts';

export interface HostChoice {
  threads?: number;
  processes?: number;
}

export async function planHosts(scenario: Scenario, _choice: HostChoice): Promise<{ hosts: Host[]; plan: ShardGroupSlice[][] }> {
  const slices = scenario.groups.map((g, group) => ({ group, start: 0, count: g.count, connectRate: g.connectRate }));
  return { hosts: [new LocalHost('local')], plan: [slices] };
}
