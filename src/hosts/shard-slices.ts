// A planned shard (plan/split.ts) as the slices a host runs. Empty blocks are dropped: a shard
// lists only groups it has clients of, so it never waits for deliveries to a group whose
// subscribers all run on another host.

import type { ShardGroupSlice } from '../engine/slices.ts';
import type { Shard } from '../plan/split.ts';

export function shardSlices(shard: Shard): ShardGroupSlice[] {
  return shard.groups
    .filter((g) => g.count > 0)
    .map((g) => ({ group: g.groupIndex, start: g.start, count: g.count, connectRate: g.connectRate }));
}
