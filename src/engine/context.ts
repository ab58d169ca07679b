// What every part of a shard shares: the scenario and its fleet, the clock and the one event
// heap, the per-client table with its connections, and the metrics. Parts take the context and
// register their events; none of them knows the runner.

import type { Connection } from '../client/connection.ts';
import { EndpointConfig } from '../client/endpoint-config.ts';
import type { Scenario } from '../scenario/types.ts';
import { ClientTable } from './client-table.ts';
import type { Clock } from './clock.ts';
import { Events } from './events.ts';
import { buildFleet, type Fleet } from './fleet.ts';
import { applyIdentities, type ShardIdentities } from './identities.ts';
import { ShardMetrics } from './shard-metrics.ts';
import type { ShardGroupSlice } from './slices.ts';
import type { StagePlan } from './stage-plan.ts';

export interface ShardContextOptions {
  scenario: Scenario;
  slices: ShardGroupSlice[];
  hostId: string;
  clock: Clock;
  /** Directory the scenario file lives in (TLS files resolve against it). */
  baseDir: string;
  /** Wall-scale ms that timeline seconds count from. */
  runStartMs: number;
  /** This shard's rows of each group's identity inventory (loadShardIdentities). */
  identities?: ShardIdentities | null;
}

export class ShardContext {
  readonly scenario: Scenario;
  readonly fleet: Fleet;
  readonly clock: Clock;
  readonly events: Events;
  readonly clients: ClientTable;
  readonly conns: (Connection | null)[];
  readonly metrics: ShardMetrics;
  readonly endpoints: EndpointConfig;
  readonly identities: ShardIdentities | null;
  /** Set once the shard winds down: no new connects, sends or reconnects. */
  stopping = false;
  /** Why the run cannot be carried out against this broker (set once, e.g. a missing MQTT 5 feature). */
  fatal: string | null = null;
  /** The load profile, from steady state on. */
  stagePlan: StagePlan | null = null;

  constructor(opts: ShardContextOptions) {
    this.scenario = opts.scenario;
    this.clock = opts.clock;
    this.fleet = buildFleet(opts.scenario);
    this.identities = opts.identities ?? null;
    if (this.identities) applyIdentities(this.fleet, this.identities);
    this.events = new Events(opts.clock);
    this.clients = new ClientTable(opts.scenario, this.fleet, opts.slices);
    this.conns = new Array<Connection | null>(this.clients.count).fill(null);
    this.metrics = new ShardMetrics(this.fleet, opts.hostId, [...new Set(opts.slices.map((s) => s.group))]);
    this.metrics.runStartMs = opts.runStartMs;
    this.endpoints = new EndpointConfig(opts.scenario, opts.baseDir);
  }

  get slices(): readonly ShardGroupSlice[] {
    return this.clients.slices;
  }

  /** Whether the load profile has client c online at `t` (always, without stages). */
  onlineByPlan(c: number, t: number): boolean {
    const plan = this.stagePlan;
    if (plan === null || !plan.staged) return true;
    return this.clients.index[c] < plan.online[plan.stageAt(t)][this.clients.group[c]];
  }
}
