// Every connection attempt of a shard — the first storm, stage joins, reconnects, churn comebacks,
// migration moves — asks here, and goes out when two rules allow it:
//
//  - pacing: per slice, attempts are slotted at the slice's connectRate. Slot n is due at
//    nextSlot + n·interval, computed from the previous slot and never from `now`, so a late timer
//    catches up instead of lowering the rate; an attempt asked for after a quiet spell starts a
//    new run of slots at its own time. Stage joins are already paced by the plan (the j-th
//    newcomer at stage start + j / connectRate, counted over the group), so they keep their
//    planned time and only move the slots of everything else along.
//  - the in-flight bound: at most the group's maxConnectsInFlight attempts of a slice await their
//    CONNACK at once; an attempt holds its place until the CONNACK (either way) or the close.
//
// The most attempts awaiting a CONNACK at once over the whole shard is kept as `maxInFlight`.

import { EV_GATE } from './events.ts';
import type { ShardContext } from './context.ts';

/** Opens client c now; false when it no longer should (then no slot is used). */
export type Opener = (c: number, nowMs: number) => boolean;

export class ConnectStorm {
  /** Per slice: a ring of waiting clients (each client waits at most once). */
  private readonly queues: Int32Array[];
  private readonly head: Int32Array;
  private readonly size: Int32Array;
  private readonly nextSlot: Float64Array;
  private readonly armedAt: Float64Array;
  private readonly sliceInFlight: Int32Array;
  private readonly interval: Float64Array;
  private readonly bound: Int32Array;
  private readonly queued: Uint8Array;
  private readonly planned: Uint8Array;
  private readonly requestedAt: Float64Array;
  private readonly holding: Uint8Array;
  /** Attempts awaiting a CONNACK now, and the most at once so far. */
  inFlight = 0;
  maxInFlight = 0;
  /** When the first storm began (0 = not yet). */
  startedAt = 0;

  constructor(
    private readonly ctx: ShardContext,
    private readonly open: Opener,
  ) {
    const slices = ctx.slices;
    const n = ctx.clients.count;
    this.queues = slices.map((s) => new Int32Array(Math.max(1, s.count)));
    this.head = new Int32Array(slices.length);
    this.size = new Int32Array(slices.length);
    this.nextSlot = new Float64Array(slices.length);
    this.armedAt = new Float64Array(slices.length);
    this.sliceInFlight = new Int32Array(slices.length);
    this.interval = Float64Array.from(slices, (s) => (s.connectRate > 0 ? 1000 / s.connectRate : 0));
    this.bound = Int32Array.from(slices, (s) => ctx.fleet.groups[s.group].spec.maxConnectsInFlight);
    this.queued = new Uint8Array(n);
    this.planned = new Uint8Array(n);
    this.requestedAt = new Float64Array(n);
    this.holding = new Uint8Array(n);
    ctx.events.on(EV_GATE, (s, due, now) => {
      if (due === this.armedAt[s]) this.armedAt[s] = 0;
      this.pump(s, now);
    });
  }

  /** The first storm: the first `online[s]` clients of every slice, paced from `nowMs`. */
  begin(online: ArrayLike<number>, nowMs: number): void {
    this.startedAt = nowMs;
    this.ctx.slices.forEach((_, s) => {
      for (let k = 0; k < online[s]; k++) this.enqueue(this.ctx.clients.firstClient[s] + k, nowMs, false);
      this.pump(s, nowMs);
    });
  }

  /** Client c wants to connect from `nowMs`; `planned` when the plan already paced that time. */
  request(c: number, nowMs: number, planned = false): void {
    if (this.queued[c] === 1) return;
    this.enqueue(c, nowMs, planned);
    this.pump(this.ctx.clients.slice[c], nowMs);
  }

  /** Client c's attempt ended (CONNACK either way, or closed before it): frees its place. */
  release(c: number): void {
    if (this.holding[c] === 0) return;
    this.holding[c] = 0;
    this.inFlight--;
    const s = this.ctx.clients.slice[c];
    this.sliceInFlight[s]--;
    if (this.size[s] > 0) this.pump(s, this.ctx.clock.now());
  }

  private enqueue(c: number, nowMs: number, planned: boolean): void {
    const s = this.ctx.clients.slice[c];
    const q = this.queues[s];
    q[(this.head[s] + this.size[s]++) % q.length] = c;
    this.queued[c] = 1;
    this.planned[c] = planned ? 1 : 0;
    this.requestedAt[c] = nowMs;
  }

  private pump(s: number, nowMs: number): void {
    const q = this.queues[s];
    while (this.size[s] > 0 && !this.ctx.stopping) {
      const c = q[this.head[s]];
      const slot = this.planned[c] === 1 ? this.requestedAt[c] : Math.max(this.nextSlot[s], this.requestedAt[c]);
      if (slot > nowMs) {
        if (this.armedAt[s] !== slot) {
          this.armedAt[s] = slot;
          this.ctx.events.push(EV_GATE, s, slot);
        }
        return;
      }
      if (this.sliceInFlight[s] >= this.bound[s]) return; // release() pumps again
      this.head[s] = (this.head[s] + 1) % q.length;
      this.size[s]--;
      this.queued[c] = 0;
      if (!this.open(c, nowMs)) continue;
      this.nextSlot[s] = Math.max(this.nextSlot[s], slot + this.interval[s]);
      this.holding[c] = 1;
      this.sliceInFlight[s]++;
      if (++this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    }
  }

  /** Planned connections at `atMs` during the connect phase: the ramp the report compares against. */
  plannedConnected(online: ArrayLike<number>, atMs: number): number {
    if (this.startedAt === 0) return 0;
    const elapsed = (atMs - this.startedAt) / 1000;
    let n = 0;
    this.ctx.slices.forEach((slice, s) => (n += Math.min(online[s], Math.floor(elapsed * slice.connectRate) + 1)));
    return n;
  }
}
