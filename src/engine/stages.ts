// The load profile while it runs: at each stage start the newcomers join (each at its planned
// time, through the connect storm) and the leavers are marked, then disconnect cleanly a little
// later so messages already on their way still arrive.

import { PLAN_STAGE } from './client-table.ts';
import type { ConnectStorm } from './connect-storm.ts';
import type { ShardContext } from './context.ts';
import { EV_JOIN, EV_LEAVE, EV_STAGE } from './events.ts';
import type { StageFanout } from './stage-fanout.ts';
import type { StagePlan } from './stage-plan.ts';

export class Stages {
  private fanout: StageFanout | null = null;

  constructor(
    private readonly ctx: ShardContext,
    private readonly storm: ConnectStorm,
  ) {
    ctx.events.on(EV_STAGE, (k) => this.stage(k));
    ctx.events.on(EV_LEAVE, (k) => this.leave(k));
    ctx.events.on(EV_JOIN, (c, _due, now) => this.storm.request(c, now, true));
  }

  /** Steady state begins: the plan's stage starts are scheduled. */
  start(plan: StagePlan, fanout: StageFanout): void {
    this.fanout = fanout;
    fanout.of(0, true);
    if (plan.stages.length > 1) fanout.of(1, false);
    for (let k = 1; k < plan.stages.length; k++) this.ctx.events.push(EV_STAGE, k, plan.stages[k].start);
  }

  /** Stage k begins: newcomers join at their group's connectRate, leavers are marked and go a little later. */
  private stage(k: number): void {
    const { ctx } = this;
    const plan = ctx.stagePlan!;
    if (ctx.stopping) return;
    if (k + 1 < plan.stages.length) this.fanout!.of(k + 1, false); // ahead of need, off the hot path
    ctx.slices.forEach((slice, s) => {
      const prev = plan.online[k - 1][slice.group];
      const cur = plan.online[k][slice.group];
      const lo = Math.max(slice.start, Math.min(prev, cur));
      const hi = Math.min(slice.start + slice.count, Math.max(prev, cur));
      for (let i = lo; i < hi; i++) {
        const c = ctx.clients.clientAt(s, i);
        if (cur > prev) ctx.events.push(EV_JOIN, c, plan.joinAt(k, slice.group, i));
        else ctx.clients.plan[c] = PLAN_STAGE;
      }
    });
    ctx.events.push(EV_LEAVE, k, plan.leaveAt[k]);
  }

  /** Leavers of stage k disconnect cleanly (not an error, not a dropped connection). */
  private leave(k: number): void {
    const { ctx } = this;
    const plan = ctx.stagePlan!;
    if (ctx.stopping) return;
    const now = ctx.clock.now();
    ctx.slices.forEach((slice, s) => {
      const lo = Math.max(slice.start, plan.online[k][slice.group]);
      const hi = Math.min(slice.start + slice.count, plan.online[k - 1][slice.group]);
      for (let i = lo; i < hi; i++) {
        const c = ctx.clients.clientAt(s, i);
        const conn = ctx.conns[c];
        if (ctx.onlineByPlan(c, now) || conn === null || !conn.connected) continue;
        ctx.clients.plan[c] = PLAN_STAGE;
        conn.disconnect();
      }
    });
  }

  /** Planned connections at `atMs` once the profile runs, or -1 before it (the storm's ramp applies). */
  plannedConnected(atMs: number): number {
    const plan = this.ctx.stagePlan;
    if (plan === null || !plan.staged || atMs < plan.start) return -1;
    let n = 0;
    for (const slice of this.ctx.slices) n += Math.max(0, Math.min(slice.count, plan.plannedOnline(slice.group, atMs) - slice.start));
    return n;
  }
}
