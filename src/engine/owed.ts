// Which (receiver, stream) pairs the plan owes deliveries: the receiving client holds a granted
// subscription whose filter matches the stream's topic (for a `$share/` filter, the filter after
// the share name), and neither it nor that subscription is on the fleet's missing list — the same
// rule the fan-out behind `expected` follows. Asked once per pair, when its first delivery
// arrives (the receive tracker remembers the answer), so nothing here is on the per-message path.
// A command stream's topic changes with its target, so a command is owed to its target group.

import type { MissingClient, MissingSubscription } from './fanout.ts';
import type { Fleet, FleetGroup } from './fleet.ts';
import { parseShared, topicMatches } from './topic-trie.ts';

export class OwedStreams {
  private readonly missingClients: Set<string>;
  private readonly missingSubs: Set<string>;

  constructor(
    private readonly fleet: Fleet,
    missing: { subscriptions: readonly MissingSubscription[]; clients: readonly MissingClient[] },
  ) {
    this.missingClients = new Set(missing.clients.map((m) => `${m.group}:${m.i}`));
    this.missingSubs = new Set(missing.subscriptions.map((m) => `${m.group}:${m.i}:${m.sub}`));
  }

  /** Whether client i of group `group` is owed the deliveries of stream `stream`. */
  owes(group: number, i: number, stream: number): boolean {
    if (this.missingClients.has(`${group}:${i}`)) return false;
    const fleet = this.fleet;
    const seed = fleet.scenario.seed;
    for (const g of fleet.groups) {
      const k = stream - g.commandStreamBase;
      if (g.commands.length > 0 && k >= 0 && k < g.spec.count * g.commands.length)
        return g.commands[k % g.commands.length].target === group;
      const p = stream - g.streamBase;
      if (p < 0 || p >= g.spec.count * g.publish.length) continue;
      const sender = { i: Math.floor(p / g.publish.length), group: g.spec.name, seed, clientId: '' };
      sender.clientId = g.clientId(sender);
      return this.matches(fleet.groups[group], i, g.publish[p % g.publish.length](sender));
    }
    return false; // a stream id this run does not have (another run's, or a foreign publisher's)
  }

  private matches(g: FleetGroup, i: number, topic: string): boolean {
    const ctx = { i, group: g.spec.name, seed: this.fleet.scenario.seed, clientId: '' };
    ctx.clientId = g.clientId(ctx);
    for (let k = 0; k < g.subscribe.length; k++) {
      if (this.missingSubs.size > 0 && this.missingSubs.has(`${g.index}:${i}:${k}`)) continue;
      const filter = g.subscribe[k](ctx);
      if (topicMatches(parseShared(filter)?.filter ?? filter, topic)) return true;
    }
    return false;
  }
}
