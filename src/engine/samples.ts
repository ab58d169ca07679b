// What a shard hands back: one Sample a second while it runs (metrics/sample.ts) and a
// ShardResult at the end. Both are plain JSON so they cross threads, processes and the network.

import type { GroupTotals } from '../metrics/summary.ts';
import type { HostHealth } from '../result/types.ts';
import type { Sample } from '../metrics/sample.ts';
import type { MissingClient, MissingSubscription } from './fanout.ts';

export type ShardSample = Sample;

export interface ShardResult {
  hostId: string;
  /** Keyed by group name; only the groups this shard ran. */
  groups: Record<string, GroupTotals>;
  samples: Sample[];
  steadyStartMs: number | null;
  steadyEndMs: number | null;
  /** Sends that went out more than LATE_MS after their scheduled time, and the worst lag. */
  schedule: { late: number; maxLagMs: number };
  missingSubscriptions: MissingSubscription[];
  missingClients: MissingClient[];
  interrupted: boolean;
  /** Most connection attempts of this shard awaiting their CONNACK at the same moment. */
  maxConnectsInFlight?: number;
  /** Migration cohorts this shard moved: devices, reconnects, encoded gap histogram (µs). */
  cohorts?: { index: number; atMs: number; moved: number; reconnected: number; gap: string }[];
  /** The host's own health over the run and its steady seconds (per second: in each sample). */
  health?: Pick<HostHealth, 'cpuSource' | 'run' | 'steady'>;
}
