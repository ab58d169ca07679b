// The engine's parts wired as the runner wires them (wireShard), on a FakeClock and without a
// socket: every client gets a FakeConnection whose "broker" the test drives — accept, refuse or
// stay silent — while the session, storm, reconnects and stages run their production code.
import { Connection, type Endpoint } from '../../../src/client/connection.ts';
import { PINGREQ } from '../../../src/client/fast-codec.ts';
import type { FakeClock } from '../../../src/engine/clock.ts';
import { ShardContext } from '../../../src/engine/context.ts';
import { OwedStreams } from '../../../src/engine/owed.ts';
import { wireShard, type ShardParts } from '../../../src/engine/parts.ts';
import type { ShardGroupSlice } from '../../../src/engine/slices.ts';
import { StageFanout } from '../../../src/engine/stage-fanout.ts';
import { StagePlan } from '../../../src/engine/stage-plan.ts';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';
import type { Scenario } from '../../../src/scenario/types.ts';

const CONNECTING = 1;
const CONNECTED = 2;
const CLOSING = 3;

/** What the fake broker does with a CONNECT: answer after `afterMs` (accept or refuse), or never. */
export type Answer = { accept: boolean; afterMs: number } | null;

export class FakeConnection extends Connection {
  /** Wall times of each open, and the endpoint index used. */
  readonly opens: { at: number; endpoint: number }[] = [];
  readonly writes: { at: number; buf: Buffer }[] = [];

  constructor(
    private readonly shard: FakeShard,
    listener: Connection['listener'],
    id: number,
    persistent: boolean,
  ) {
    super(listener, id, 4, persistent);
  }

  override open(_endpoint: Endpoint, _connectPacket: Buffer, nowMs: number): void {
    this.opens.push({ at: nowMs, endpoint: this.endpoint });
    this.state = CONNECTING;
    this.closeReason = null;
    this.socket = this.fakeSocket() as unknown as Connection['socket'];
    this.lastWriteMs = nowMs;
    const answer = this.shard.answer(this.id);
    if (answer === null) return;
    this.shard.clock.setTimer(() => {
      if (this.state !== CONNECTING) return;
      if (answer.accept) {
        this.state = CONNECTED;
        this.listener.onConnack(this, null);
      } else {
        this.closeReason = 'connack:not-authorized';
        this.listener.onConnack(this, this.closeReason);
        this.destroy(this.closeReason);
      }
    }, answer.afterMs);
  }

  /** The broker drops the connection. */
  drop(): void {
    if (this.socket !== null) this.closeNow();
  }

  pings(): number[] {
    return this.writes.filter((w) => w.buf === PINGREQ).map((w) => w.at);
  }

  private fakeSocket() {
    const closeSoon = () => this.shard.clock.setTimer(() => this.closeNow(), 0);
    return {
      write: (buf: Buffer) => {
        this.writes.push({ at: this.shard.clock.now(), buf });
        return true;
      },
      end: () => {},
      destroySoon: closeSoon,
      destroy: closeSoon,
    };
  }

  /** As the socket's close handler does. */
  private closeNow(): void {
    if (this.socket === null) return;
    const reason = this.state === CLOSING ? this.closeReason : (this.closeReason ?? 'conn:closed-by-broker');
    this.state = 0;
    this.socket = null;
    this.listener.onClose(this, reason);
  }
}

export interface FakeShard {
  clock: FakeClock;
  ctx: ShardContext;
  parts: ShardParts;
  conns: FakeConnection[];
  /** The broker's answer to client c's next CONNECT (default: accept after 10 ms). */
  answer: (c: number) => Answer;
  /** Starts steady state now, as the runner does. */
  steady(): void;
}

export function scenarioOf(input: Record<string, unknown>): Scenario {
  const { scenario, issues } = validateScenarioObject({ schema: 1, name: 'unit', ...input });
  if (!scenario) throw new Error(JSON.stringify(issues));
  return scenario;
}

/** One shard holding every client of the scenario, on fake connections. */
export function fakeShard(scenario: Scenario, clock: FakeClock, slices?: ShardGroupSlice[]): FakeShard {
  slices ??= scenario.groups.map((g, k) => ({ group: k, start: 0, count: g.count, connectRate: g.connectRate }));
  const ctx = new ShardContext({ scenario, slices, hostId: 'unit', clock, baseDir: process.cwd(), runStartMs: clock.now() });
  const parts = wireShard(ctx);
  const shard: FakeShard = {
    clock,
    ctx,
    parts,
    conns: [],
    answer: () => ({ accept: true, afterMs: 10 }),
    steady() {
      const startAt = clock.now();
      const plan = (ctx.stagePlan = new StagePlan(scenario, startAt));
      const missing = { subscriptions: [], clients: [] };
      const fanout = new StageFanout(ctx.fleet, plan, () => parts.publisher.streamRefs(), missing);
      ctx.metrics.markSteady(startAt, startAt + scenario.durationMs);
      const owed = new OwedStreams(ctx.fleet, missing);
      ctx.metrics.owe((group, i, stream) => owed.owes(group, i, stream));
      parts.stages.start(plan, fanout);
      parts.publisher.start(plan, fanout.at);
      parts.commands.start(plan);
      parts.reconnects.schedule(startAt);
    },
  };
  for (let c = 0; c < ctx.clients.count; c++) {
    const conn = new FakeConnection(shard, parts.session, c, !ctx.clients.groupOf(c).spec.clean);
    shard.conns.push(conn);
    ctx.conns[c] = conn;
  }
  return shard;
}

/** Steady state with nobody connected: every planned send is counted as skipped. */
export function steadyParts(scenario: Scenario, slices: ShardGroupSlice[], clock: FakeClock): FakeShard {
  const shard = fakeShard(scenario, clock, slices);
  shard.answer = () => null;
  shard.steady();
  return shard;
}
