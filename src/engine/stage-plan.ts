// The load profile as a plan every host computes alike from the scenario: which clients of each
// group are online in each stage (the lowest indices), when a stage's newcomers connect, when
// its leavers go, and which subscribers `expected` counts at a given intended send time.
//
// Newcomers connect at the group's connectRate from the stage start (the j-th at start +
// j/connectRate) and publish from SETTLE_MS after that planned moment, so the few milliseconds
// a CONNECT takes are not counted as skipped sends. Deliveries owed to a stage's newcomers count
// in `expected` once the whole stage's ramp is planned to be over (plus SETTLE_MS); before that
// the fan-out counts only the clients that stayed online, and a delivery a newcomer receives
// anyway is counted by the receiver as expected and received at once (nothing to lose there).
// Leavers stop publishing and stop being owed deliveries at the stage start and disconnect
// cleanly a little later (LINGER_MS), so messages already on their way still arrive.
// A scenario without stages is one stage: everyone online, rate ×1, for the whole duration.

import type { Scenario } from '../scenario/types.ts';

/** Time a newcomer has after its planned connect to be connected and subscribed. */
export const SETTLE_MS = 1000;
/** Longest a leaver stays connected after its stage began (for deliveries in flight). */
export const LINGER_MS = 1000;

export interface TimedStage {
  /** Absolute (wall-scale) ms. */
  start: number;
  end: number;
  rate: number;
  connections: number;
}

/** Clients of a group of `count` online at `share`: rounded, but at least one while share > 0. */
export function onlineCount(count: number, share: number): number {
  if (share <= 0) return 0;
  return Math.min(count, Math.max(1, Math.round(share * count)));
}

/** Online clients of each group in the first stage: what the connect phase connects. */
export function initialOnline(scenario: Scenario): number[] {
  const share = scenario.stages?.[0]?.connections ?? 1;
  return scenario.groups.map((g) => onlineCount(g.count, share));
}

export class StagePlan {
  readonly stages: TimedStage[];
  /** online[k][g]: clients of group g (indices below this) online in stage k. */
  readonly online: number[][];
  /** From when (absolute ms) stage k's newcomers are owed deliveries. */
  readonly fullFrom: number[];
  readonly leaveAt: number[];
  /** True when the scenario has a load profile (else one stage, everyone online). */
  readonly staged: boolean;
  private readonly connectRate: number[];
  private cursor = 0;

  constructor(scenario: Scenario, startAt: number) {
    const specs = scenario.stages ?? [{ name: 'steady', startMs: 0, durationMs: scenario.durationMs, connections: 1, rate: 1 }];
    this.staged = scenario.stages !== undefined;
    this.stages = specs.map((s) => ({
      start: startAt + s.startMs,
      end: startAt + s.startMs + s.durationMs,
      rate: s.rate,
      connections: s.connections,
    }));
    this.online = specs.map((s) => scenario.groups.map((g) => onlineCount(g.count, s.connections)));
    this.connectRate = scenario.groups.map((g) => g.connectRate);
    this.fullFrom = this.stages.map((st, k) => {
      if (k === 0) return st.start;
      let ramp = -1;
      scenario.groups.forEach((_, g) => {
        const joining = this.online[k][g] - this.online[k - 1][g];
        if (joining > 0) ramp = Math.max(ramp, ((joining - 1) / this.connectRate[g]) * 1000);
      });
      return ramp < 0 ? st.start : st.start + ramp + SETTLE_MS;
    });
    this.leaveAt = this.stages.map((st) => st.start + Math.min(LINGER_MS, scenario.drainMs, (st.end - st.start) / 2));
  }

  get start(): number {
    return this.stages[0].start;
  }

  get end(): number {
    return this.stages[this.stages.length - 1].end;
  }

  /** Stage in force at `t` (the first before the start, the last after the end). */
  stageAt(t: number): number {
    const stages = this.stages;
    let k = this.cursor;
    if (t >= stages[k].start && (t < stages[k].end || k === stages.length - 1)) return k;
    k = 0;
    while (k + 1 < stages.length && t >= stages[k].end) k++;
    this.cursor = k;
    return k;
  }

  /** Online clients of group g in the stage before k (the connect phase counts as stage 0). */
  private before(k: number, g: number): number {
    return this.online[k > 0 ? k - 1 : 0][g];
  }

  /** Planned connect time of client i of group g when it joins in stage k. */
  joinAt(k: number, g: number, i: number): number {
    return this.stages[k].start + ((i - this.before(k, g)) / this.connectRate[g]) * 1000;
  }

  /** Whether client i of group g is planned to publish at `t` (planned-offline sends are no skips). */
  sendsAt(g: number, i: number, t: number): boolean {
    const k = this.stageAt(t);
    if (i >= this.online[k][g]) return false;
    return i < this.before(k, g) || t >= this.joinAt(k, g, i) + SETTLE_MS;
  }

  /** Whether the fan-out owes client i of group g the deliveries of a send intended at `t`. */
  countedAt(g: number, i: number, t: number): boolean {
    if (t < this.start || t >= this.end) return true; // outside steady state nothing changes here
    const k = this.stageAt(t);
    return i < this.online[k][g] && (i < this.before(k, g) || t >= this.fullFrom[k]);
  }

  /** Clients of group g owed deliveries in stage k: before fullFrom only those who stayed. */
  countedClients(k: number, g: number, full: boolean): number {
    return full ? this.online[k][g] : Math.min(this.online[k][g], this.before(k, g));
  }

  /** Targets of commands to group g at `t`: the devices owed deliveries then. */
  commandTargets(g: number, t: number): number {
    const k = this.stageAt(t);
    return this.countedClients(k, g, t >= this.fullFrom[k]);
  }

  /** Clients of group g connected at `t` per plan (newcomers on their ramp, leavers until they go). */
  plannedOnline(g: number, t: number): number {
    const k = this.stageAt(t);
    const prev = this.before(k, g);
    const cur = this.online[k][g];
    if (cur < prev) return t < this.leaveAt[k] ? prev : cur;
    if (cur === prev) return cur;
    const elapsed = t - this.stages[k].start;
    return elapsed < 0 ? prev : prev + Math.min(cur - prev, Math.floor((elapsed / 1000) * this.connectRate[g]) + 1);
  }
}
