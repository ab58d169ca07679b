// What a shard runs: per group, one contiguous block of client indices and its share of the
// group's connectRate. Planned by hosts/plan-hosts.ts, run by the engine.

export interface ShardGroupSlice {
  /** Index of the group in scenario.groups. */
  group: number;
  /** First client index (within the group) of this slice, and how many. */
  start: number;
  count: number;
  /** This slice's share of the group's connectRate. */
  connectRate: number;
}
