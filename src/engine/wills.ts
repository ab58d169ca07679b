// Recognises a will message among untracked deliveries by its payload: the payloads of every
// will the fleet registered, expanded once on the first untracked delivery (a rare path; a fleet
// without wills never builds anything).

import type { Fleet } from './fleet.ts';

export class Wills {
  private payloads: Set<string> | null = null;
  private readonly any: boolean;

  constructor(private readonly fleet: Fleet) {
    this.any = fleet.groups.some((g) => g.willPayload !== null);
  }

  isWill(buf: Buffer, start: number, end: number): boolean {
    if (!this.any) return false;
    this.payloads ??= this.expand();
    return this.payloads.has(buf.toString('utf8', start, end));
  }

  private expand(): Set<string> {
    const out = new Set<string>();
    const seed = this.fleet.scenario.seed;
    for (const g of this.fleet.groups) {
      if (g.willPayload === null) continue;
      for (let i = 0; i < g.spec.count; i++) {
        const ctx = { i, group: g.spec.name, seed, clientId: '' };
        ctx.clientId = g.clientId(ctx);
        out.add(g.willPayload(ctx));
      }
    }
    return out;
  }
}
