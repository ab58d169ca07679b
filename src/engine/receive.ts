// What a delivery is, from the receiving client's side: a reply to one of its own commands (a
// round trip), a command to answer (after the think time), or a plain delivery counted toward
// loss, duplicates and order when the receiver was owed it. Deliveries owed to nobody — retained
// replays, wills, untracked or foreign messages, someone else's replies — are counted apart by
// kind and never fill a loss.

import {
  FLAG_COMMAND,
  FLAG_REPLY,
  TRACKING_HEADER_BYTES,
  hasTrackingHeader,
  readFlags,
  readIntendedMs,
  readStream,
  readTrackingField,
} from '../client/tracking.ts';
import type { CommandSender } from './commands.ts';
import type { ShardContext } from './context.ts';
import { Wills } from './wills.ts';

export class Receiver {
  private readonly wills: Wills;
  /** The header of a JSON payload's tracking field, decoded here and read like a binary one. */
  private readonly fieldHeader = Buffer.alloc(TRACKING_HEADER_BYTES);

  constructor(
    private readonly ctx: ShardContext,
    private readonly commands: CommandSender,
  ) {
    this.wills = new Wills(ctx.fleet);
  }

  readonly message = (c: number, buf: Buffer, start: number, end: number, nowMs: number, retained: boolean): void => {
    const { ctx } = this;
    const group = ctx.clients.group[c];
    // A retained message replayed on subscribe was published earlier (maybe by another run): a
    // delivery owed to nobody in this run.
    if (retained) {
      ctx.metrics.counters[group].retained++;
      return;
    }
    if (!hasTrackingHeader(buf, start, end)) {
      if (readTrackingField(buf, start, end, this.fieldHeader))
        return this.message(c, this.fieldHeader, 0, TRACKING_HEADER_BYTES, nowMs, false);
      const counters = ctx.metrics.counters[group];
      if (this.wills.isWill(buf, start, end)) counters.will++;
      else counters.notOwed++;
      return;
    }
    const flags = readFlags(buf, start);
    if (flags & FLAG_REPLY) return this.reply(c, group, buf, start, nowMs);
    if (flags & FLAG_COMMAND) {
      const reply = ctx.fleet.groups[group].spec.reply;
      if (reply) this.commands.queueReply(c, buf, start, reply.thinkTimeMs, nowMs);
    }
    const plan = ctx.stagePlan;
    if (plan !== null && plan.staged && ctx.fleet.groups[group].sharedReceiver < 0) {
      // A delivery the stage's fan-out did not owe this client (a newcomer before its stage's
      // ramp is over): counted apart, so it can neither be lost nor fill a loss.
      if (!plan.countedAt(group, ctx.clients.index[c], readIntendedMs(buf, start))) {
        ctx.metrics.counters[group].notOwed++;
        return;
      }
    }
    ctx.metrics.recordMessage(group, ctx.clients.receiver[c], ctx.clients.index[c], buf, start, nowMs);
  };

  /**
   * An answer to a command: a round trip for the client that sent it (the stream id says who),
   * a plain delivery for anyone else who also subscribes to replies.
   */
  private reply(c: number, group: number, buf: Buffer, start: number, nowMs: number): void {
    const { ctx } = this;
    const g = ctx.fleet.groups[group];
    const stream = readStream(buf, start);
    const per = g.commands.length;
    const mine = per > 0 && stream >= g.commandStreamBase && Math.floor((stream - g.commandStreamBase) / per) === ctx.clients.index[c];
    if (!mine) {
      ctx.metrics.counters[group].notOwed++; // someone else's round trip
      return;
    }
    const k = this.commands.commandOfStream(g, stream);
    ctx.metrics.recordReply(group, nowMs - readIntendedMs(buf, start), g.commands[k].spec.timeoutMs);
  }
}
