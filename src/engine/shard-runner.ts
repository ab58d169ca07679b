// Runs one shard of the fleet in this thread: the connect storm, subscriptions, open-model
// publishing and the receive-side accounting, all driven by one TimerHeap. A host (thread,
// process, agent) wraps this; the coordinator only sees samples and the final ShardResult.
//
// Lifecycle: connect() resolves once every client of the shard is connected and subscribed or
// has failed → steady(startAt, missing) publishes from `startAt` for the scenario's duration →
// finish() drains, disconnects and returns the counts.
//
// A load profile (scenario.stages, planned in stage-plan.ts) changes who is online and how fast
// everyone sends, stage by stage: the connect phase connects only the first stage's share, and at
// each stage start newcomers join at their group's connectRate while leavers disconnect cleanly.
// The fan-out behind `expected` is worked out per stage, with the clients offline by plan counted
// out like clients that never connected.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type tls from 'node:tls';
import { Connection, type ConnectionListener, type Endpoint } from '../client/connection.ts';
import { buildConnectPacket, buildSubscribePacket } from '../client/control-packets.ts';
import { realClock, type Clock } from './clock.ts';
import { buildFleet, type Fleet, type FleetGroup } from './fleet.ts';
import { computeFanout, type FanoutTable, type MissingClient, type MissingSubscription } from './fanout.ts';
import { StagePlan, initialOnline } from './stage-plan.ts';
import { TimerHeap } from './timer-heap.ts';
import { backoffDelay, churnRound, cohortRange } from './behaviour.ts';
import { endpointModel, initialEndpoint } from './endpoints.ts';
import { Publisher } from './publisher.ts';
import { CommandSender } from './commands.ts';
import { FLAG_COMMAND, FLAG_REPLY, hasTrackingHeader, readFlags, readIntendedMs, readStream } from '../client/tracking.ts';
import { ShardMetrics } from './shard-metrics.ts';
import type { Scenario } from '../scenario/types.ts';
import type { ShardSample, ShardResult } from './samples.ts';

export interface ShardGroupSlice {
  /** Index of the group in scenario.groups. */
  group: number;
  /** First client index (within the group) of this slice, and how many. */
  start: number;
  count: number;
  /** This slice's share of the group's connectRate. */
  connectRate: number;
}

export interface ShardRunnerOptions {
  scenario: Scenario;
  slices: ShardGroupSlice[];
  hostId: string;
  /** Directory the scenario file lives in (TLS files resolve against it). */
  baseDir?: string;
  clock?: Clock;
  /** Wall-scale ms that timeline seconds count from; the same on every host of a run. */
  runStartMs?: number;
  /** Called once a second with this shard's delta. */
  onSample?: (sample: ShardSample) => void;
}

// Heap events are index * EV_KINDS + kind.
const EV_KINDS = 16;
const EV_PUBLISH = 0;
const EV_KEEPALIVE = 1;
const EV_TIMEOUT = 2;
const EV_STORM = 3;
const EV_RECONNECT = 4;
const EV_CHURN = 5;
const EV_MIGRATE = 6;
const EV_COMMAND = 7;
const EV_REPLY = 8;
const EV_STAGE = 9;
const EV_LEAVE = 10;

// Why a client is offline on purpose (no error, reconnect already planned).
const PLAN_NONE = 0;
const PLAN_CHURN = 1;
const PLAN_MOVE = 2;
const PLAN_STAGE = 3; // offline by the load profile: no comeback until a stage brings it back

// Client status.
const ST_CONNECTING = 1;
const ST_SUBSCRIBING = 2;
const ST_READY = 3;
const ST_FAILED = 4;
const ST_CLOSED = 5;

export class ShardRunner implements ConnectionListener {
  readonly fleet: Fleet;
  readonly clock: Clock;
  readonly heap: TimerHeap;
  readonly metrics: ShardMetrics;
  readonly publisher: Publisher;
  readonly commands: CommandSender;
  private readonly slices: ShardGroupSlice[];
  private readonly groupOfClient: Uint16Array;
  private readonly indexOfClient: Uint32Array;
  private readonly status: Uint8Array;
  private readonly connectStart: Float64Array;
  private readonly subStart: Float64Array;
  private readonly subPending: Uint8Array;
  private readonly receiverOf: Int32Array;
  /** When the client's connection was lost (0 = not lost): start of its reconnect gap. */
  private readonly lostAt: Float64Array;
  private readonly attempts: Uint8Array;
  private readonly plan: Uint8Array;
  /** Counted toward the connect phase (once per client). */
  private readonly resolvedFlag: Uint8Array;
  /** The open attempt came from the connect storm (holds an in-flight slot). */
  private readonly viaStorm: Uint8Array;
  /** Current endpoint (broker.urls index) per client; moved by migrations. */
  private readonly endpointOf: Uint8Array;
  /** Latest keepalive / timeout due time per client, so stale heap entries are ignored. */
  private readonly kaNext: Float64Array;
  private readonly toNext: Float64Array;
  readonly conns: (Connection | null)[];
  private readonly sliceNext: Int32Array;
  private readonly sliceInFlight: Int32Array;
  private readonly sliceStormWaiting: Uint8Array;
  private readonly sliceFirstClient: Int32Array;
  private readonly tlsOptions: tls.ConnectionOptions | undefined;
  private stormStart = 0;
  /** Clients per slice the connect phase connects (the first stage's share of the group). */
  private readonly sliceOnline0: Int32Array;
  private stagePlan: StagePlan | null = null;
  private steadyMissing: { subscriptions: MissingSubscription[]; clients: MissingClient[] } = { subscriptions: [], clients: [] };
  /** Fan-out per stage: [2k] before the stage's newcomers count, [2k + 1] from then on. */
  private fanouts: (FanoutTable | null)[] = [];
  private streamRefs: { group: number; i: number; pub: number }[] | null = null;
  private resolved = 0;
  private onAllResolved: (() => void) | null = null;
  readonly missingSubscriptions: MissingSubscription[] = [];
  readonly missingClients: MissingClient[] = [];
  private stopping = false;
  private sampleTimer: unknown = null;
  readonly startedAt: number;

  constructor(private readonly opts: ShardRunnerOptions) {
    this.clock = opts.clock ?? realClock;
    this.fleet = buildFleet(opts.scenario);
    this.slices = opts.slices;
    const total = opts.slices.reduce((n, s) => n + s.count, 0);
    this.groupOfClient = new Uint16Array(total);
    this.indexOfClient = new Uint32Array(total);
    this.status = new Uint8Array(total);
    this.connectStart = new Float64Array(total);
    this.subStart = new Float64Array(total);
    this.subPending = new Uint8Array(total);
    this.receiverOf = new Int32Array(total);
    this.lostAt = new Float64Array(total);
    this.attempts = new Uint8Array(total);
    this.plan = new Uint8Array(total);
    this.resolvedFlag = new Uint8Array(total);
    this.viaStorm = new Uint8Array(total);
    this.endpointOf = new Uint8Array(total);
    this.kaNext = new Float64Array(total);
    this.toNext = new Float64Array(total);
    this.conns = new Array(total).fill(null);
    this.sliceNext = new Int32Array(opts.slices.length);
    this.sliceInFlight = new Int32Array(opts.slices.length);
    this.sliceStormWaiting = new Uint8Array(opts.slices.length);
    this.sliceFirstClient = new Int32Array(opts.slices.length);
    const online0 = initialOnline(opts.scenario);
    this.sliceOnline0 = Int32Array.from(opts.slices, (slice) => Math.max(0, Math.min(slice.count, online0[slice.group] - slice.start)));
    let c = 0;
    opts.slices.forEach((slice, s) => {
      this.sliceFirstClient[s] = c;
      const g = this.fleet.groups[slice.group];
      for (let k = 0; k < slice.count; k++, c++) {
        this.groupOfClient[c] = slice.group;
        this.indexOfClient[c] = slice.start + k;
        this.receiverOf[c] = g.sharedReceiver >= 0 ? g.sharedReceiver : g.clientBase + slice.start + k;
        this.endpointOf[c] = initialEndpoint(opts.scenario, g, slice.start + k);
      }
    });
    this.metrics = new ShardMetrics(this.fleet, opts.hostId, [...new Set(opts.slices.map((s) => s.group))]);
    this.heap = new TimerHeap(this.clock, this.onEvent, 1024);
    this.publisher = new Publisher(this, this.fleet, opts.slices, this.groupOfClient);
    this.commands = new CommandSender(this, this.fleet, opts.slices);
    this.tlsOptions = loadTls(opts.scenario, opts.baseDir ?? process.cwd());
    this.startedAt = opts.runStartMs ?? this.clock.now();
    this.metrics.runStartMs = this.startedAt;
  }

  get clientCount(): number {
    return this.status.length;
  }

  groupOf(c: number): FleetGroup {
    return this.fleet.groups[this.groupOfClient[c]];
  }

  /** Starts the connect storm; resolves when every client is connected and subscribed, or failed. */
  connect(): Promise<void> {
    this.startSampling();
    this.stormStart = this.clock.now();
    return new Promise((resolve) => {
      this.onAllResolved = resolve;
      if (this.clientCount === 0) return resolve();
      // Clients the first stage has offline are resolved at once: planned, not failed.
      this.slices.forEach((slice, s) => {
        for (let k = this.sliceOnline0[s]; k < slice.count; k++) {
          this.plan[this.sliceFirstClient[s] + k] = PLAN_STAGE;
          this.resolveOne(this.sliceFirstClient[s] + k);
        }
      });
      this.slices.forEach((_, s) => this.heap.push(this.stormStart, s * EV_KINDS + EV_STORM));
    });
  }

  /** Planned connections by time `t` (ms since the storm began): the ramp the report compares against. */
  plannedConnected(atMs: number): number {
    if (this.stormStart === 0) return 0;
    const plan = this.stagePlan;
    let n = 0;
    if (plan !== null && plan.staged && atMs >= plan.start) {
      for (const slice of this.slices) n += Math.max(0, Math.min(slice.count, plan.plannedOnline(slice.group, atMs) - slice.start));
      return n;
    }
    const elapsed = (atMs - this.stormStart) / 1000;
    this.slices.forEach((slice, s) => (n += Math.min(this.sliceOnline0[s], Math.floor(elapsed * slice.connectRate) + 1)));
    return n;
  }

  /**
   * Begins steady state at `startAt` (wall-scale ms). `missing` lists subscriptions and clients
   * fleet-wide that are not held, so `expected` counts only deliveries that can happen.
   */
  steady(startAt: number, missing: { subscriptions: MissingSubscription[]; clients: MissingClient[] }): void {
    const plan = (this.stagePlan = new StagePlan(this.opts.scenario, startAt));
    this.steadyMissing = missing;
    this.fanouts = new Array(plan.stages.length * 2).fill(null);
    this.fanoutOf(0, true);
    if (plan.stages.length > 1) this.fanoutOf(1, false);
    this.metrics.markSteady(startAt, startAt + this.opts.scenario.durationMs);
    this.publisher.start(plan, this.fanoutAt);
    this.commands.start(plan);
    for (let k = 1; k < plan.stages.length; k++) this.heap.push(plan.stages[k].start, k * EV_KINDS + EV_STAGE);
    this.scheduleBehaviour(startAt);
  }

  /** The fan-out that applies to a send intended at `due`. */
  private fanoutAt = (due: number): FanoutTable => {
    const plan = this.stagePlan!;
    const k = plan.stageAt(due);
    return this.fanoutOf(k, k === 0 || due >= plan.fullFrom[k]);
  };

  /** Stage k's fan-out, worked out on first use: clients the stage does not count are left out. */
  private fanoutOf(k: number, full: boolean): FanoutTable {
    const key = 2 * k + (full ? 1 : 0);
    const cached = this.fanouts[key];
    if (cached) return cached;
    const plan = this.stagePlan!;
    const clients = [...this.steadyMissing.clients];
    if (plan.staged) {
      for (const g of this.fleet.groups)
        for (let i = plan.countedClients(k, g.index, full); i < g.spec.count; i++) clients.push({ group: g.index, i });
    }
    this.streamRefs ??= this.publisher.streamRefs();
    const table = computeFanout(
      this.fleet,
      this.streamRefs,
      { subscriptions: this.steadyMissing.subscriptions, clients },
      endpointModel(this.opts.scenario),
    );
    this.fanouts[key] = table;
    return table;
  }

  /** Stage k begins: newcomers join at their group's connectRate, leavers are marked and go a little later. */
  private stage(k: number): void {
    const plan = this.stagePlan!;
    if (this.stopping) return;
    if (k + 1 < plan.stages.length) this.fanoutOf(k + 1, false); // ahead of need, off the hot path
    this.slices.forEach((slice, s) => {
      const prev = plan.online[k - 1][slice.group];
      const cur = plan.online[k][slice.group];
      const lo = Math.max(slice.start, Math.min(prev, cur));
      const hi = Math.min(slice.start + slice.count, Math.max(prev, cur));
      for (let i = lo; i < hi; i++) {
        const c = this.sliceFirstClient[s] + (i - slice.start);
        if (cur > prev) this.heap.push(plan.joinAt(k, slice.group, i), c * EV_KINDS + EV_RECONNECT);
        else this.plan[c] = PLAN_STAGE;
      }
    });
    this.heap.push(plan.leaveAt[k], k * EV_KINDS + EV_LEAVE);
  }

  /** Leavers of stage k disconnect cleanly (not an error, not a dropped connection). */
  private leave(k: number): void {
    const plan = this.stagePlan!;
    if (this.stopping) return;
    this.slices.forEach((slice, s) => {
      const lo = Math.max(slice.start, plan.online[k][slice.group]);
      const hi = Math.min(slice.start + slice.count, plan.online[k - 1][slice.group]);
      for (let i = lo; i < hi; i++) {
        const c = this.sliceFirstClient[s] + (i - slice.start);
        const conn = this.conns[c];
        if (this.onlineByPlan(c, this.clock.now()) || conn === null || !conn.connected) continue;
        this.plan[c] = PLAN_STAGE;
        conn.disconnect();
      }
    });
  }

  /** Whether the load profile has client c online at `t` (always, without stages). */
  private onlineByPlan(c: number, t: number): boolean {
    const plan = this.stagePlan;
    if (plan === null || !plan.staged) return true;
    return this.indexOfClient[c] < plan.online[plan.stageAt(t)][this.groupOfClient[c]];
  }

  /** Churn rounds and migration cohorts, from the start of steady state. */
  private scheduleBehaviour(startAt: number): void {
    this.slices.forEach((slice, s) => {
      const churn = this.fleet.groups[slice.group].spec.churn;
      if (churn && slice.count > 0) this.heap.push(startAt + churn.everyMs, s * EV_KINDS + EV_CHURN);
    });
    this.churnRoundOf = new Int32Array(this.slices.length);
    const migration = this.opts.scenario.migration;
    if (migration) {
      for (let k = 0; k < migration.cohorts; k++)
        this.heap.push(startAt + migration.startMs + k * migration.everyMs, k * EV_KINDS + EV_MIGRATE);
    }
  }

  private churnRoundOf = new Int32Array(0);

  /** Current endpoint of a client (for fan-out by endpoint). */
  endpointOfClient(c: number): number {
    return this.endpointOf[c];
  }

  /** Resolves once publishing has ended and every expected message arrived, or the drain ran out. */
  async drain(): Promise<void> {
    const { durationMs, drainMs } = this.opts.scenario;
    const endAt = this.metrics.steadyStartMs + durationMs;
    // Short naps, so an interrupt (finish) is not kept waiting by a long steady state.
    while (this.clock.now() < endAt && !this.stopping) await sleepUntil(this.clock, Math.min(endAt, this.clock.now() + 250));
    // Sends due just before the end may still be queued behind a busy event loop: they are part
    // of the window, so wait for every stream's last send, then for acks and deliveries.
    const deadline = endAt + drainMs;
    while (
      !this.stopping &&
      this.clock.now() < deadline &&
      (this.publisher.active > 0 || this.commands.active > 0 || !this.metrics.settled())
    ) {
      await sleepUntil(this.clock, this.clock.now() + 20);
    }
    this.publisher.stop();
    this.commands.stop();
  }

  /** Stops everything: publishing, timers, sockets. Returns the shard's final figures. */
  async finish(interrupted = false): Promise<ShardResult> {
    this.stopping = true;
    this.publisher.stop();
    this.commands.stop();
    this.heap.stop();
    if (this.sampleTimer !== null) this.clock.clearTimer(this.sampleTimer);
    this.emitSample(true);
    const closing: Promise<void>[] = [];
    for (const conn of this.conns) {
      if (conn?.socket) {
        const socket = conn.socket;
        closing.push(new Promise((r) => socket.once('close', () => r())));
        conn.disconnect();
      }
    }
    let timer: unknown = null;
    await Promise.race([Promise.all(closing), new Promise<void>((r) => (timer = this.clock.setTimer(r, 2000)))]);
    this.clock.clearTimer(timer);
    for (const conn of this.conns) if (conn?.socket) conn.destroy(null);
    if (this.onAllResolved) this.onAllResolved();
    return this.metrics.result(interrupted, { subscriptions: this.missingSubscriptions, clients: this.missingClients }, this.clock.now());
  }

  private startSampling(): void {
    // Ticks land on whole seconds after runStartMs, so every host's sample t means the same second.
    const tick = () => {
      this.emitSample();
      schedule();
    };
    const schedule = () => {
      const next = this.startedAt + (Math.floor((this.clock.now() - this.startedAt) / 1000) + 1) * 1000;
      this.sampleTimer = this.clock.setTimer(tick, next - this.clock.now());
    };
    schedule();
  }

  private emitSample(final = false): void {
    const now = this.clock.now();
    const sample = this.metrics.sample(now, this.plannedConnected(now), final);
    this.opts.onSample?.(sample);
  }

  // ---- timer heap ---------------------------------------------------------------------------

  private onEvent = (event: number, due: number, now: number): void => {
    const kind = event % EV_KINDS;
    const index = (event - kind) / EV_KINDS;
    if (kind === EV_PUBLISH) this.publisher.fire(index, due, now);
    else if (kind === EV_KEEPALIVE) this.keepalive(index, due, now);
    else if (kind === EV_TIMEOUT) this.timeout(index, due);
    else if (kind === EV_STORM) this.storm(index, now);
    else if (kind === EV_RECONNECT) this.reconnect(index, now);
    else if (kind === EV_CHURN) this.churn(index, due, now);
    else if (kind === EV_MIGRATE) this.migrate(index, now);
    else if (kind === EV_COMMAND) this.commands.fire(index, due, now);
    else if (kind === EV_REPLY) this.commands.sendReply(index, now);
    else if (kind === EV_STAGE) this.stage(index);
    else if (kind === EV_LEAVE) this.leave(index);
  };

  scheduleCommand(stream: number, at: number): void {
    this.heap.push(at, stream * EV_KINDS + EV_COMMAND);
  }

  scheduleReply(slot: number, at: number): void {
    this.heap.push(at, slot * EV_KINDS + EV_REPLY);
  }

  /** Index of a local client within its group. */
  indexOf(c: number): number {
    return this.indexOfClient[c];
  }

  schedulePublish(stream: number, at: number): void {
    this.heap.push(at, stream * EV_KINDS + EV_PUBLISH);
  }

  private storm(s: number, now: number): void {
    if (this.stopping) return;
    const slice = this.slices[s];
    const g = this.fleet.groups[slice.group];
    const interval = 1000 / slice.connectRate;
    const max = g.spec.maxConnectsInFlight;
    this.sliceStormWaiting[s] = 0;
    // The n-th connect of the slice is due at start + n·interval; late ones go out at once.
    while (this.sliceNext[s] < this.sliceOnline0[s]) {
      const due = this.stormStart + this.sliceNext[s] * interval;
      if (due > now) {
        this.heap.push(due, s * EV_KINDS + EV_STORM);
        return;
      }
      if (this.sliceInFlight[s] >= max) {
        this.sliceStormWaiting[s] = 1;
        return;
      }
      const c = this.sliceFirstClient[s] + this.sliceNext[s]++;
      this.sliceInFlight[s]++;
      this.viaStorm[c] = 1;
      this.open(c, now);
    }
  }

  private sliceOf(c: number): number {
    let s = 0;
    while (s + 1 < this.slices.length && this.sliceFirstClient[s + 1] <= c) s++;
    return s;
  }

  private connectSettled(c: number): void {
    if (this.viaStorm[c] === 0) return;
    this.viaStorm[c] = 0;
    const s = this.sliceOf(c);
    this.sliceInFlight[s]--;
    if (this.sliceStormWaiting[s] === 1) this.storm(s, this.clock.now());
  }

  private open(c: number, now: number): void {
    const g = this.groupOf(c);
    const i = this.indexOfClient[c];
    let conn = this.conns[c];
    if (conn === null) conn = this.conns[c] = new Connection(this, c, this.opts.scenario.broker.protocol, !g.spec.clean);
    this.status[c] = ST_CONNECTING;
    this.connectStart[c] = now;
    this.metrics.counters[g.index].attempted++;
    const packet = buildConnectPacket(this.fleet, g, i);
    conn.endpoint = this.endpointOf[c];
    conn.open(this.endpointFor(g.clientBase + i, conn.endpoint), packet, now);
    const due = now + this.opts.scenario.broker.connectTimeoutMs;
    this.toNext[c] = due;
    this.heap.push(due, c * EV_KINDS + EV_TIMEOUT);
  }

  private endpointFor(globalId: number, endpointIndex: number): Endpoint {
    const { urls, sourceAddresses } = this.opts.scenario.broker;
    const url = new URL(urls[endpointIndex]);
    const secure = url.protocol === 'mqtts:';
    const endpoint: Endpoint = {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port) || (secure ? 8883 : 1883),
    };
    if (secure) endpoint.tls = { ...this.tlsOptions, servername: this.tlsOptions?.servername ?? url.hostname };
    if (sourceAddresses.length > 0) {
      endpoint.localAddress = sourceAddresses[Math.floor(globalId / urls.length) % sourceAddresses.length];
    }
    return endpoint;
  }

  private timeout(c: number, due: number): void {
    if (due !== this.toNext[c]) return; // from an earlier attempt
    const st = this.status[c];
    if (st === ST_CONNECTING) {
      this.conns[c]!.destroy('connect:timeout');
    } else if (st === ST_SUBSCRIBING) {
      const g = this.groupOf(c);
      const pending = this.subPending[c];
      this.metrics.counters[g.index].subscribeFailed += pending;
      this.metrics.counters[g.index].countError('suback:timeout', pending);
      // Which ones are missing is not known without per-index state; count them all as missing.
      for (let k = g.subscribe.length - pending; k < g.subscribe.length; k++) {
        this.missingSubscriptions.push({ group: g.index, i: this.indexOfClient[c], sub: k });
      }
      this.subPending[c] = 0;
      this.markReady(c);
    }
  }

  private keepalive(c: number, due: number, now: number): void {
    if (due !== this.kaNext[c]) return; // a chain from an earlier connection
    const conn = this.conns[c];
    if (conn === null || !conn.connected || this.stopping) return;
    const keepaliveMs = this.groupOf(c).spec.keepaliveMs;
    if (now - conn.lastWriteMs >= keepaliveMs * 0.75) conn.sendPing(now);
    this.scheduleKeepalive(c, Math.max(now, conn.lastWriteMs) + keepaliveMs * 0.75);
  }

  private scheduleKeepalive(c: number, at: number): void {
    this.kaNext[c] = at;
    this.heap.push(at, c * EV_KINDS + EV_KEEPALIVE);
  }

  // ---- reconnects, churn, migration ---------------------------------------------------------

  /** Plans the next attempt for a client that lost (or never got) its connection. */
  private planReconnect(c: number, now: number): boolean {
    const g = this.groupOf(c);
    const spec = g.spec.reconnect;
    if (!spec || this.stopping) return false;
    const delay = backoffDelay(spec, this.attempts[c], this.opts.scenario.seed, g.clientBase + this.indexOfClient[c]);
    if (this.attempts[c] < 255) this.attempts[c]++;
    this.heap.push(now + delay, c * EV_KINDS + EV_RECONNECT);
    return true;
  }

  private reconnect(c: number, now: number): void {
    if (this.stopping || this.status[c] === ST_CONNECTING || this.conns[c]?.socket) return;
    if (!this.onlineByPlan(c, now)) return; // a comeback the load profile has since cancelled
    this.plan[c] = PLAN_NONE;
    this.open(c, now);
  }

  private churn(s: number, due: number, now: number): void {
    const slice = this.slices[s];
    const g = this.fleet.groups[slice.group];
    const spec = g.spec.churn!;
    if (this.stopping || due >= this.metrics.steadyEndMs) return;
    const round = this.churnRoundOf[s]++;
    const first = this.sliceFirstClient[s];
    for (const i of churnRound(g.spec.count, spec.share, round, this.opts.scenario.seed, g.index)) {
      if (i < slice.start || i >= slice.start + slice.count) continue;
      const c = first + (i - slice.start);
      const conn = this.conns[c];
      if (conn === null || !conn.connected) continue;
      this.plan[c] = PLAN_CHURN;
      this.lostAt[c] = now;
      if (spec.mode === 'drop') conn.destroy(null);
      else conn.disconnect();
      this.heap.push(now + spec.offlineMs, c * EV_KINDS + EV_RECONNECT);
    }
    this.heap.push(due + spec.everyMs, s * EV_KINDS + EV_CHURN);
  }

  private migrate(k: number, now: number): void {
    const m = this.opts.scenario.migration!;
    if (this.stopping) return;
    const moved = this.metrics.cohortStarted(k, now);
    this.slices.forEach((slice, s) => {
      const g = this.fleet.groups[slice.group];
      if (!m.groups.includes(g.spec.name)) return;
      const [from, to] = cohortRange(g.spec.count, m.cohort, k);
      const lo = Math.max(from, slice.start);
      const hi = Math.min(to, slice.start + slice.count);
      for (let i = lo; i < hi; i++) {
        const c = this.sliceFirstClient[s] + (i - slice.start);
        this.endpointOf[c] = m.to;
        moved.moved++;
        this.cohortOf.set(c, k);
        const conn = this.conns[c];
        if (conn !== null && conn.socket !== null) {
          this.plan[c] = PLAN_MOVE;
          this.lostAt[c] = now;
          conn.disconnect();
        }
      }
    });
  }

  /** Cohort of a client being moved, until it has reconnected. */
  private readonly cohortOf = new Map<number, number>();

  private resolveOne(c: number): void {
    if (this.resolvedFlag[c] === 1) return;
    this.resolvedFlag[c] = 1;
    if (++this.resolved === this.clientCount && this.onAllResolved) {
      const done = this.onAllResolved;
      this.onAllResolved = null;
      done();
    }
  }

  private markReady(c: number): void {
    this.status[c] = ST_READY;
    this.resolveOne(c);
  }

  // ---- ConnectionListener -------------------------------------------------------------------

  onConnack(conn: Connection, reason: string | null): void {
    const c = conn.id;
    const now = this.clock.now();
    const g = this.groupOf(c);
    const counters = this.metrics.counters[g.index];
    this.connectSettled(c);
    if (reason !== null) {
      // Counted as failed when the socket closes (onClose sees status CONNECTING and the reason).
      return;
    }
    counters.succeeded++;
    counters.connectionOpened();
    this.metrics.recordConnect(g.index, now - this.connectStart[c]);
    if (this.lostAt[c] > 0) {
      counters.reconnects++;
      this.metrics.recordReconnect(g.index, now - this.lostAt[c], this.cohortOf.get(c));
      this.cohortOf.delete(c);
      this.lostAt[c] = 0;
    }
    this.attempts[c] = 0;
    if (!this.onlineByPlan(c, now)) {
      // Its stage ended while it was connecting: leave again, as planned.
      this.plan[c] = PLAN_STAGE;
      this.status[c] = ST_READY;
      conn.disconnect();
      return;
    }
    if (conn.persistent && conn.sessionPresent) conn.resendUnacked(now);
    this.publisher.publishOnConnect(c, now);
    const keepaliveMs = g.spec.keepaliveMs;
    if (keepaliveMs > 0) this.scheduleKeepalive(c, now + keepaliveMs * 0.75);
    if (g.subscribe.length > 0) {
      this.status[c] = ST_SUBSCRIBING;
      this.subStart[c] = now;
      this.subPending[c] = g.subscribe.length;
      conn.write(buildSubscribePacket(this.fleet, g, this.indexOfClient[c], conn.allocPid()), now);
    } else {
      this.markReady(c);
    }
  }

  onSuback(conn: Connection, index: number, reason: string | null): void {
    const c = conn.id;
    if (this.status[c] !== ST_SUBSCRIBING) return;
    const g = this.groupOf(c);
    const counters = this.metrics.counters[g.index];
    if (reason === null) counters.subscribeOk++;
    else {
      counters.subscribeFailed++;
      counters.countError(reason);
      this.missingSubscriptions.push({ group: g.index, i: this.indexOfClient[c], sub: index });
    }
    if (--this.subPending[c] === 0) {
      this.metrics.recordSubscribe(g.index, this.clock.now() - this.subStart[c]);
      this.markReady(c);
    }
  }

  onPublishAck(conn: Connection, intendedMs: number): void {
    this.metrics.recordAck(this.groupOfClient[conn.id], this.clock.now() - intendedMs);
  }

  onMessage(conn: Connection, buf: Buffer, start: number, end: number, nowMs: number, retained: boolean): void {
    const c = conn.id;
    const group = this.groupOfClient[c];
    // A retained message replayed on subscribe was published earlier (maybe by another run): a
    // delivery, but not part of this run's tracked streams.
    const tracked = !retained && hasTrackingHeader(buf, start, end);
    if (tracked) {
      const flags = readFlags(buf, start);
      if (flags & FLAG_REPLY) {
        // An answer to a command: a round trip for the client that sent it (the stream id says
        // who), a plain delivery for anyone else who also subscribes to replies.
        const g = this.fleet.groups[group];
        const stream = readStream(buf, start);
        const per = g.commands.length;
        const mine = per > 0 && stream >= g.commandStreamBase && Math.floor((stream - g.commandStreamBase) / per) === this.indexOfClient[c];
        if (!mine) {
          this.metrics.counters[group].received++;
          return;
        }
        const k = this.commands.commandOfStream(g, stream);
        this.metrics.recordReply(group, nowMs - readIntendedMs(buf, start), g.commands[k].spec.timeoutMs);
        return;
      }
      if (flags & FLAG_COMMAND) {
        const reply = this.fleet.groups[group].spec.reply;
        if (reply) this.commands.queueReply(c, buf, start, reply.thinkTimeMs, nowMs);
      }
    }
    const plan = this.stagePlan;
    if (tracked && plan !== null && plan.staged && this.fleet.groups[group].sharedReceiver < 0) {
      // A delivery the stage's fan-out did not owe this client (a newcomer before its stage's
      // ramp is over): expected and received at once, so it can neither be lost nor excess.
      if (!plan.countedAt(group, this.indexOfClient[c], readIntendedMs(buf, start))) this.metrics.counters[group].expected++;
    }
    this.metrics.recordMessage(group, this.receiverOf[c], buf, start, nowMs, tracked);
  }

  onClose(conn: Connection, reason: string | null): void {
    const c = conn.id;
    const g = this.groupOf(c);
    const counters = this.metrics.counters[g.index];
    const st = this.status[c];
    const now = this.clock.now();
    const plan = this.plan[c];
    if (st === ST_CONNECTING) {
      counters.failed++;
      counters.countError(reason ?? 'conn:closed-before-connack');
      this.connectSettledIfNeeded(c, conn);
      this.status[c] = ST_FAILED;
      if (this.resolvedFlag[c] === 0) this.missingClients.push({ group: g.index, i: this.indexOfClient[c] });
      this.resolveOne(c);
      if (this.lostAt[c] === 0) this.lostAt[c] = now;
      this.planReconnect(c, now);
      return;
    }
    // The final disconnect at the end of a run, or a stage's planned one, is not a dropped connection.
    if (this.stopping || plan === PLAN_STAGE) counters.open = Math.max(0, counters.open - 1);
    else counters.connectionClosed();
    if (reason !== null && !this.stopping && plan === PLAN_NONE) counters.countError(reason);
    if (st === ST_SUBSCRIBING && this.resolvedFlag[c] === 0) {
      for (let k = g.subscribe.length - this.subPending[c]; k < g.subscribe.length; k++) {
        this.missingSubscriptions.push({ group: g.index, i: this.indexOfClient[c], sub: k });
      }
      this.resolveOne(c);
    }
    this.status[c] = ST_CLOSED;
    if (this.stopping) return;
    if (plan === PLAN_MOVE) {
      this.open(c, now); // straight to the new endpoint
    } else if (plan === PLAN_NONE) {
      this.lostAt[c] = now;
      this.planReconnect(c, now);
    } // PLAN_CHURN: its comeback is already scheduled; PLAN_STAGE: a later stage brings it back
  }

  /** A refused CONNACK already released the in-flight slot; a TCP failure has not. */
  private connectSettledIfNeeded(c: number, conn: Connection): void {
    if (conn.closeReason === null || !conn.closeReason.startsWith('connack:')) this.connectSettled(c);
  }
}

export function sleepUntil(clock: Clock, at: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, at - clock.now()));
}

function loadTls(scenario: Scenario, baseDir: string): tls.ConnectionOptions | undefined {
  const spec = scenario.broker.tls;
  if (!spec) return undefined;
  const read = (file?: string) => (file ? readFileSync(path.resolve(baseDir, file)) : undefined);
  return {
    ca: read(spec.ca),
    cert: read(spec.cert),
    key: read(spec.key),
    rejectUnauthorized: spec.rejectUnauthorized,
    servername: spec.servername,
  };
}
