// Clients that come back: after an unplanned loss (backoff with seeded jitter), after a churn
// round took them offline (comeback after offlineMs), and after a migration cohort moved them to
// another endpoint (straight away). Every comeback asks the connect storm, so it is paced and
// bounded like the first connect.

import { PLAN_CHURN, PLAN_MOVE, PLAN_NONE } from './client-table.ts';
import type { ConnectStorm } from './connect-storm.ts';
import type { ShardContext } from './context.ts';
import { backoffDelay, churnRound, cohortRange } from './behaviour.ts';
import { EV_CHURN, EV_MIGRATE, EV_RECONNECT } from './events.ts';

export class Reconnects {
  private churnRoundOf: Int32Array;
  /** Cohort of a client being moved, until it has reconnected. */
  private readonly cohortOf = new Map<number, number>();

  constructor(
    private readonly ctx: ShardContext,
    private readonly storm: ConnectStorm,
  ) {
    this.churnRoundOf = new Int32Array(ctx.slices.length);
    ctx.events.on(EV_RECONNECT, (c, _due, now) => this.storm.request(c, now));
    ctx.events.on(EV_CHURN, (s, due, now) => this.churn(s, due, now));
    ctx.events.on(EV_MIGRATE, (k, _due, now) => this.migrate(k, now));
  }

  /** Churn rounds and migration cohorts, from the start of steady state. */
  schedule(startAt: number): void {
    const { ctx } = this;
    ctx.slices.forEach((slice, s) => {
      const churn = ctx.fleet.groups[slice.group].spec.churn;
      if (churn && slice.count > 0) ctx.events.push(EV_CHURN, s, startAt + churn.everyMs);
    });
    this.churnRoundOf = new Int32Array(ctx.slices.length);
    const migration = ctx.scenario.migration;
    if (!migration) return;
    for (let k = 0; k < migration.cohorts; k++) ctx.events.push(EV_MIGRATE, k, startAt + migration.startMs + k * migration.everyMs);
  }

  /** Client c's socket closed: plan its comeback by why it closed. */
  closed(c: number, plan: number, nowMs: number): void {
    if (plan === PLAN_MOVE)
      this.storm.request(c, nowMs); // straight to the new endpoint
    else if (plan === PLAN_NONE) this.planReconnect(c, nowMs);
    // PLAN_CHURN: its comeback is already scheduled; PLAN_STAGE: a later stage brings it back
  }

  /** Client c is connected again after `gapMs`: a reconnect, and part of its cohort's move. */
  reconnected(c: number, gapMs: number): void {
    const cohort = this.cohortOf.get(c);
    this.ctx.metrics.recordReconnect(this.ctx.clients.group[c], gapMs, cohort);
    if (cohort !== undefined) this.cohortOf.delete(c);
  }

  /** Plans the next attempt for a client that lost (or never got) its connection. */
  private planReconnect(c: number, nowMs: number): void {
    const { ctx } = this;
    const clients = ctx.clients;
    const g = clients.groupOf(c);
    const spec = g.spec.reconnect;
    if (!spec || ctx.stopping) return;
    const delay = backoffDelay(spec, clients.attempts[c], ctx.scenario.seed, clients.globalId(c));
    if (clients.attempts[c] < 255) clients.attempts[c]++;
    ctx.events.push(EV_RECONNECT, c, nowMs + delay);
  }

  private churn(s: number, due: number, nowMs: number): void {
    const { ctx } = this;
    const slice = ctx.slices[s];
    const g = ctx.fleet.groups[slice.group];
    const spec = g.spec.churn!;
    if (ctx.stopping || due >= ctx.metrics.steadyEndMs) return;
    const round = this.churnRoundOf[s]++;
    for (const i of churnRound(g.spec.count, spec.share, round, ctx.scenario.seed, g.index)) {
      if (i < slice.start || i >= slice.start + slice.count) continue;
      const c = ctx.clients.clientAt(s, i);
      const conn = ctx.conns[c];
      if (conn === null || !conn.connected) continue;
      ctx.clients.plan[c] = PLAN_CHURN;
      ctx.clients.lostAt[c] = nowMs;
      if (spec.mode === 'drop') conn.destroy(null);
      else conn.disconnect();
      ctx.events.push(EV_RECONNECT, c, nowMs + spec.offlineMs);
    }
    ctx.events.push(EV_CHURN, s, due + spec.everyMs);
  }

  private migrate(k: number, nowMs: number): void {
    const { ctx } = this;
    const m = ctx.scenario.migration!;
    if (ctx.stopping) return;
    const moved = ctx.metrics.cohortStarted(k, nowMs);
    ctx.slices.forEach((slice, s) => {
      const g = ctx.fleet.groups[slice.group];
      if (!m.groups.includes(g.spec.name)) return;
      const [from, to] = cohortRange(g.spec.count, m.cohort, k);
      const hi = Math.min(to, slice.start + slice.count);
      for (let i = Math.max(from, slice.start); i < hi; i++) {
        const c = ctx.clients.clientAt(s, i);
        ctx.clients.endpoint[c] = m.to;
        moved.moved++;
        this.cohortOf.set(c, k);
        const conn = ctx.conns[c];
        if (conn === null || conn.socket === null) continue;
        ctx.clients.plan[c] = PLAN_MOVE;
        ctx.clients.lostAt[c] = nowMs;
        conn.disconnect();
      }
    });
  }
}
