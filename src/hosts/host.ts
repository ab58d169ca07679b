// The one interface every place a shard can run implements: this thread, a worker thread, a
// local process, a remote agent. The coordinator drives them all the same way:
// prepare → connect (ready) → steady (start barrier) → finish, with samples every second.

import type { Sample } from '../metrics/sample.ts';
import type { MissingClient, MissingSubscription } from '../engine/fanout.ts';
import type { ShardGroupSlice } from '../engine/slices.ts';
import type { ShardResult } from '../engine/samples.ts';
import type { Scenario } from '../scenario/types.ts';
import type { HostInfo } from '../result/types.ts';

export interface ShardPlan {
  hostId: string;
  scenario: Scenario;
  slices: ShardGroupSlice[];
  baseDir: string;
  runStartMs: number;
}

export interface ConnectReport {
  missingSubscriptions: MissingSubscription[];
  missingClients: MissingClient[];
  /** Connections that succeeded on this host (0 everywhere means no broker was reachable). */
  connected: number;
  /** Why the run cannot be carried out against this broker (e.g. an MQTT 5 feature it lacks); the run stops. */
  fatal?: string;
}

export interface Missing {
  subscriptions: MissingSubscription[];
  clients: MissingClient[];
}

export interface Host {
  readonly info: HostInfo;
  /** Called for every one-second sample the host produces. */
  onSample: ((sample: Sample) => void) | null;
  /** Called when the host is lost mid-run (process died, agent gone). */
  onLost: ((reason: string) => void) | null;
  prepare(plan: ShardPlan): Promise<void>;
  connect(): Promise<ConnectReport>;
  steady(startAtMs: number, missing: Missing): Promise<void>;
  /** Waits for publishing to end and the drain to finish (bounded by the scenario's drain). */
  drain(): Promise<void>;
  finish(interrupted: boolean): Promise<ShardResult>;
}
