// The fan-out behind `expected`, per stage of the load profile: [2k] before the stage's
// newcomers count, [2k + 1] from then on. Each table is worked out on first use (the next
// stage's ahead of need, off the hot path), with the clients the stage does not count, and the
// clients and subscriptions the fleet does not hold, left out.

import { computeFanout, type FanoutTable, type MissingClient, type MissingSubscription } from './fanout.ts';
import { endpointModel } from './endpoints.ts';
import type { Fleet } from './fleet.ts';
import type { StagePlan } from './stage-plan.ts';

export type StreamRef = { group: number; i: number; pub: number };

export class StageFanout {
  private readonly tables: (FanoutTable | null)[];

  constructor(
    private readonly fleet: Fleet,
    private readonly plan: StagePlan,
    private readonly streams: () => StreamRef[],
    private readonly missing: { subscriptions: MissingSubscription[]; clients: MissingClient[] },
  ) {
    this.tables = new Array<FanoutTable | null>(plan.stages.length * 2).fill(null);
  }

  private streamRefs: StreamRef[] | null = null;

  /** The fan-out that applies to a send intended at `due`. */
  readonly at = (due: number): FanoutTable => {
    const k = this.plan.stageAt(due);
    return this.of(k, k === 0 || due >= this.plan.fullFrom[k]);
  };

  /** Stage k's fan-out, before (`full` false) or after its newcomers count. */
  of(k: number, full: boolean): FanoutTable {
    const key = 2 * k + (full ? 1 : 0);
    const cached = this.tables[key];
    if (cached) return cached;
    const clients = [...this.missing.clients];
    if (this.plan.staged) {
      for (const g of this.fleet.groups)
        for (let i = this.plan.countedClients(k, g.index, full); i < g.spec.count; i++) clients.push({ group: g.index, i });
    }
    this.streamRefs ??= this.streams();
    const model = endpointModel(this.fleet.scenario);
    const table = computeFanout(this.fleet, this.streamRefs, { subscriptions: this.missing.subscriptions, clients }, model);
    this.tables[key] = table;
    return table;
  }
}
