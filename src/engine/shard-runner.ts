// Runs one shard of the fleet in this thread. A host (thread, process, agent) wraps this; the
// coordinator only sees samples and the final ShardResult. The runner only wires the parts
// around one ShardContext and runs the lifecycle:
//
//   connect() — the connect storm; resolves once every client of the shard is connected and
//               subscribed, has failed, or is offline by the first stage's plan;
//   steady(startAt, missing) — publishing, commands, stages, churn and migration from `startAt`;
//   drain() — until the last planned send and every ack and delivery, or the drain runs out;
//   finish() — disconnects and returns the counts.

import { realClock, type Clock } from './clock.ts';
import { PLAN_STAGE } from './client-table.ts';
import { ShardContext } from './context.ts';
import type { MissingClient, MissingSubscription } from './fanout.ts';
import { OwedStreams } from './owed.ts';
import { wireShard, type ShardParts } from './parts.ts';
import type { ShardResult, ShardSample } from './samples.ts';
import { ShardSampler } from './shard-sampler.ts';
import type { ShardGroupSlice } from './slices.ts';
import { StageFanout } from './stage-fanout.ts';
import { StagePlan, initialOnline } from './stage-plan.ts';

export interface ShardRunnerOptions {
  scenario: ShardContext['scenario'];
  slices: ShardGroupSlice[];
  hostId: string;
  /** Directory the scenario file lives in (TLS files resolve against it). */
  baseDir?: string;
  clock?: Clock;
  /** Wall-scale ms that timeline seconds count from; the same on every host of a run. */
  runStartMs?: number;
  /** Called once a second with this shard's delta. */
  onSample?: (sample: ShardSample) => void;
  /** This shard's identity rows (engine/identities.ts loadShardIdentities). */
  identities?: ShardContext['identities'];
}

type Missing = { subscriptions: MissingSubscription[]; clients: MissingClient[] };

export class ShardRunner {
  readonly ctx: ShardContext;
  readonly parts: ShardParts;
  private readonly sampler: ShardSampler;
  /** Clients per slice the connect phase connects (the first stage's share of the group). */
  private readonly online0: Int32Array;

  constructor(opts: ShardRunnerOptions) {
    const clock = opts.clock ?? realClock;
    const ctx = (this.ctx = new ShardContext({
      scenario: opts.scenario,
      slices: opts.slices,
      hostId: opts.hostId,
      clock,
      baseDir: opts.baseDir ?? process.cwd(),
      runStartMs: opts.runStartMs ?? clock.now(),
      identities: opts.identities,
    }));
    const online = initialOnline(opts.scenario);
    this.online0 = Int32Array.from(opts.slices, (s) => Math.max(0, Math.min(s.count, online[s.group] - s.start)));
    this.parts = wireShard(ctx);
    this.sampler = new ShardSampler(ctx, (now) => this.plannedConnected(now), opts.onSample);
  }

  get metrics(): ShardContext['metrics'] {
    return this.ctx.metrics;
  }

  get clock(): Clock {
    return this.ctx.clock;
  }

  get clientCount(): number {
    return this.ctx.clients.count;
  }

  private get phase(): ShardParts['phase'] {
    return this.parts.phase;
  }

  get missingSubscriptions(): MissingSubscription[] {
    return this.phase.missingSubscriptions;
  }

  get missingClients(): MissingClient[] {
    return this.phase.missingClients;
  }

  /** Starts the connect storm; resolves when every client is connected and subscribed, or failed. */
  connect(): Promise<void> {
    const { ctx } = this;
    this.sampler.start();
    const done = this.phase.wait();
    // Clients the first stage has offline are settled at once: planned, not failed.
    ctx.slices.forEach((slice, s) => {
      for (let k = this.online0[s]; k < slice.count; k++) {
        ctx.clients.plan[ctx.clients.firstClient[s] + k] = PLAN_STAGE;
        this.phase.settle(ctx.clients.firstClient[s] + k);
      }
    });
    this.parts.storm.begin(this.online0, ctx.clock.now());
    return done;
  }

  /** Planned connections by `atMs`: the ramp the report compares against. */
  plannedConnected(atMs: number): number {
    const staged = this.parts.stages.plannedConnected(atMs);
    return staged >= 0 ? staged : this.parts.storm.plannedConnected(this.online0, atMs);
  }

  /**
   * Begins steady state at `startAt` (wall-scale ms). `missing` lists subscriptions and clients
   * fleet-wide that are not held, so `expected` counts only deliveries that can happen.
   */
  steady(startAt: number, missing: Missing): void {
    const { ctx, parts } = this;
    const plan = (ctx.stagePlan = new StagePlan(ctx.scenario, startAt));
    const fanout = new StageFanout(ctx.fleet, plan, () => parts.publisher.streamRefs(), missing);
    ctx.metrics.markSteady(startAt, startAt + ctx.scenario.durationMs);
    const owed = new OwedStreams(ctx.fleet, missing);
    ctx.metrics.owe((group, i, stream) => owed.owes(group, i, stream));
    parts.stages.start(plan, fanout);
    parts.publisher.start(plan, fanout.at);
    parts.commands.start(plan);
    parts.reconnects.schedule(startAt);
  }

  /** Resolves once publishing has ended and every expected message arrived, or the drain ran out. */
  async drain(): Promise<void> {
    const { ctx, parts } = this;
    const { durationMs, drainMs } = ctx.scenario;
    const clock = ctx.clock;
    const endAt = ctx.metrics.steadyStartMs + durationMs;
    // Short naps, so an interrupt (finish) is not kept waiting by a long steady state.
    while (clock.now() < endAt && !ctx.stopping) await sleepUntil(clock, Math.min(endAt, clock.now() + 250));
    // Sends due just before the end may still be queued behind a busy event loop: they are part
    // of the window, so wait for every stream's last send, then for acks and deliveries.
    const deadline = endAt + drainMs;
    const busy = () => parts.publisher.active > 0 || parts.commands.active > 0 || !ctx.metrics.settled();
    while (!ctx.stopping && clock.now() < deadline && busy()) await sleepUntil(clock, clock.now() + 20);
    parts.publisher.stop();
    parts.commands.stop();
  }

  /** Stops everything: publishing, timers, sockets. Returns the shard's final figures. */
  async finish(interrupted = false): Promise<ShardResult> {
    const { ctx, parts } = this;
    ctx.stopping = true;
    parts.publisher.stop();
    parts.commands.stop();
    ctx.events.stop();
    this.sampler.stop();
    const closing: Promise<void>[] = [];
    for (const conn of ctx.conns) {
      if (conn?.socket) {
        const socket = conn.socket;
        closing.push(new Promise((r) => socket.once('close', () => r())));
        conn.disconnect();
      }
    }
    let timer: unknown = null;
    await Promise.race([Promise.all(closing), new Promise<void>((r) => (timer = ctx.clock.setTimer(r, 2000)))]);
    ctx.clock.clearTimer(timer);
    for (const conn of ctx.conns) if (conn?.socket) conn.destroy(null);
    this.phase.finish();
    const missing = { subscriptions: this.phase.missingSubscriptions, clients: this.phase.missingClients };
    return {
      ...ctx.metrics.result(interrupted, missing, ctx.clock.now()),
      maxConnectsInFlight: parts.storm.maxInFlight,
      ...this.sampler.healthResult(),
    };
  }
}

export function sleepUntil(clock: Clock, at: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, at - clock.now()));
}
