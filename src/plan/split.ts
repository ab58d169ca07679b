// Scale-out planning: each group's clients are cut into one contiguous block of client indices
// per host. Counts add up exactly (remainders are handed out, never dropped), and the group-wide
// connectRate is shared in proportion to the block sizes, so every client connects at the same
// pace whichever host runs it. (A stream's totalRate needs no share: each client's interval is
// count / totalRate wherever it runs, engine/fleet.ts.)

import type { GroupSpec, Scenario } from '../scenario/types.ts';

export interface ShardGroup {
  name: string;
  /** Index of the group in scenario.groups. */
  groupIndex: number;
  /** First client index ({i}) of this host's block. */
  start: number;
  /** Clients in the block; may be 0 when a group has fewer clients than hosts. */
  count: number;
  /** This block's share of the group's connectRate (new connections per second). */
  connectRate: number;
}

export interface Shard {
  index: number;
  groups: ShardGroup[];
}

/**
 * Splits `n` items into one count per weight. Boundaries are cumulative floors, so the counts
 * sum to n exactly and each host gets within one item of its fair share. `rotate` starts the
 * rounding at a different host, so the leftover items of many small groups do not all pile up
 * on the same host.
 */
export function splitCount(n: number, weights: readonly number[], rotate = 0): number[] {
  const h = weights.length;
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = new Array<number>(h).fill(0);
  let cum = 0;
  let prevBoundary = 0;
  for (let k = 0; k < h; k++) {
    const host = (k + rotate) % h;
    cum += weights[host]!;
    const boundary = k === h - 1 ? n : Math.min(n, Math.floor((n * cum) / total));
    counts[host] = boundary - prevBoundary;
    prevBoundary = boundary;
  }
  return counts;
}

/**
 * Shares `total` in proportion to `counts`. The last non-zero share takes whatever is left, so the
 * shares sum (left to right) to `total` exactly in floating point; hosts with no clients get 0.
 */
export function shareRate(total: number, counts: readonly number[]): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  const shares = counts.map(() => 0);
  if (n === 0) return shares;
  let last = -1;
  counts.forEach((c, i) => c > 0 && (last = i));
  let given = 0;
  counts.forEach((c, i) => {
    if (c === 0) return;
    shares[i] = i === last ? total - given : (total * c) / n;
    given += shares[i]!;
  });
  return shares;
}

function checkWeights(hostCount: number, weights: readonly number[] | undefined): number[] {
  if (!Number.isInteger(hostCount) || hostCount < 1) throw new Error(`host count must be a whole number ≥ 1, got ${hostCount}`);
  if (weights === undefined) return new Array<number>(hostCount).fill(1);
  if (weights.length !== hostCount) throw new Error(`${weights.length} weights given for ${hostCount} hosts`);
  if (weights.some((w) => !Number.isFinite(w) || w < 0) || !weights.some((w) => w > 0)) {
    throw new Error('host weights must be finite, ≥ 0 and not all 0');
  }
  return [...weights];
}

function splitGroup(group: GroupSpec, groupIndex: number, weights: readonly number[]): ShardGroup[] {
  const counts = splitCount(group.count, weights, groupIndex % weights.length);
  const connectRates = shareRate(group.connectRate, counts);
  let start = 0;
  return counts.map((count, host) => {
    const block: ShardGroup = {
      name: group.name,
      groupIndex,
      start,
      count,
      connectRate: connectRates[host]!,
    };
    start += count;
    return block;
  });
}

/**
 * One shard per host. Every group appears in every shard (with count 0 where a host gets none),
 * so `groups[k]` is always scenario.groups[k]. Host h's blocks start after hosts 0..h-1's.
 * `weights` (one per host, e.g. cores) skews the split; default is an even split.
 */
export function planShards(scenario: Scenario, hostCount: number, opts: { weights?: number[] } = {}): Shard[] {
  const weights = checkWeights(hostCount, opts.weights);
  const perGroup = scenario.groups.map((g, gi) => splitGroup(g, gi, weights));
  return weights.map((_, host) => ({ index: host, groups: perGroup.map((blocks) => blocks[host]!) }));
}
