// The parts of a shard wired together around one context: who tells whom what. The runner and
// the unit tests both build a shard this way, so a test on FakeClock runs the production wiring.

import { PLAN_NONE, ST_CONNECTING } from './client-table.ts';
import { CommandSender } from './commands.ts';
import { ConnectPhase } from './connect-phase.ts';
import { ConnectStorm } from './connect-storm.ts';
import type { ShardContext } from './context.ts';
import { Publisher } from './publisher.ts';
import { Receiver } from './receive.ts';
import { Reconnects } from './reconnects.ts';
import { Session } from './session.ts';
import { Stages } from './stages.ts';

export interface ShardParts {
  phase: ConnectPhase;
  publisher: Publisher;
  commands: CommandSender;
  storm: ConnectStorm;
  reconnects: Reconnects;
  stages: Stages;
  session: Session;
}

export function wireShard(ctx: ShardContext): ShardParts {
  const phase = new ConnectPhase(ctx.clients.count);
  const publisher = new Publisher(ctx);
  const commands = new CommandSender(ctx);
  const storm = new ConnectStorm(ctx, (c, now) => openIfWanted(ctx, session, c, now));
  const reconnects = new Reconnects(ctx, storm);
  const stages = new Stages(ctx, storm);
  const receiver = new Receiver(ctx, commands);
  const session: Session = new Session(ctx, phase, {
    settled: (c) => storm.release(c),
    reconnected: (c, gap) => reconnects.reconnected(c, gap),
    connected: (c, now) => publisher.publishOnConnect(c, now),
    closed: (c, plan, now) => reconnects.closed(c, plan, now),
    message: receiver.message,
  });
  return { phase, publisher, commands, storm, reconnects, stages, session };
}

/** Opens client c unless it should no longer connect (stopping, busy, or offline by plan). */
function openIfWanted(ctx: ShardContext, session: Session, c: number, now: number): boolean {
  if (ctx.stopping || ctx.clients.status[c] === ST_CONNECTING || ctx.conns[c]?.socket) return false;
  if (!ctx.onlineByPlan(c, now)) return false; // a comeback the load profile has since cancelled
  ctx.clients.plan[c] = PLAN_NONE;
  session.open(c, now);
  return true;
}
