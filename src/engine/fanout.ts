// How many deliveries each publish stream should produce, and to which receiving group: the
// basis of `expected`. Worked out once when steady state begins, from every subscription the
// fleet holds (all hosts), minus the ones a broker refused or that never got a SUBACK.

import type { Fleet } from './fleet.ts';
import { initialEndpoint, type EndpointModel } from './endpoints.ts';
import { TopicTrie, parseShared } from './topic-trie.ts';

/** A subscription that is not held: client `i` of group `group`, subscription index `sub`. */
export interface MissingSubscription {
  group: number;
  i: number;
  sub: number;
}

/** A client counted out entirely (never connected). */
export interface MissingClient {
  group: number;
  i: number;
}

export interface FanoutTable {
  groupCount: number;
  /** Separate endpoints (1 unless an unbridged migration splits the fleet). */
  endpointCount: number;
  /** counts[(localStream * endpointCount + publisherEndpoint) * groupCount + receivingGroup]. */
  counts: Uint16Array;
}

/**
 * `streams` lists the publish streams of this host as (group, client index, publish index).
 * Targets: a client (distinct clients each get a copy; one client with two overlapping filters
 * counts once), or a share name (one copy per share group, whichever member gets it).
 */
export function computeFanout(
  fleet: Fleet,
  streams: { group: number; i: number; pub: number }[],
  missing: { subscriptions: MissingSubscription[]; clients: MissingClient[] },
  model: EndpointModel = { count: 1, scenario: fleet.scenario },
): FanoutTable {
  const endpoints = model.count;
  const skipSub = new Set(missing.subscriptions.map((m) => `${m.group}:${m.i}:${m.sub}`));
  const skipClient = new Set(missing.clients.map((m) => `${m.group}:${m.i}`));
  // One trie per endpoint: a subscriber on endpoint e only sees what is published to e.
  const tries = Array.from({ length: endpoints }, () => new TopicTrie());
  // Target id → receiving group index.
  const targetGroup = new Map<number, number>();
  // Share targets count once per share group *and filter*: two groups under one share name with
  // different filters are two shares. Keyed by "name\0filter".
  const shareTargets = new Map<string, number>();
  let nextShareTarget = fleet.totalClients;
  const { seed } = fleet.scenario;

  for (const g of fleet.groups) {
    if (g.subscribe.length === 0) continue;
    for (let i = 0; i < g.spec.count; i++) {
      if (skipClient.has(`${g.index}:${i}`)) continue;
      const clientId = g.clientId({ i, group: g.spec.name, seed });
      const e = endpoints > 1 ? initialEndpoint(model.scenario, g, i) : 0;
      const trie = tries[e];
      for (let k = 0; k < g.subscribe.length; k++) {
        if (skipSub.size > 0 && skipSub.has(`${g.index}:${i}:${k}`)) continue;
        const filter = g.subscribe[k]({ i, group: g.spec.name, seed, clientId });
        const shared = parseShared(filter);
        if (shared) {
          const key = `${shared.share}\0${shared.filter}\0${e}`;
          let target = shareTargets.get(key);
          if (target === undefined) {
            target = nextShareTarget++;
            shareTargets.set(key, target);
            targetGroup.set(target, g.index);
            trie.add(shared.filter, target);
          }
        } else {
          const target = g.clientBase + i;
          targetGroup.set(target, g.index);
          trie.add(filter, target);
        }
      }
    }
  }

  const groupCount = fleet.groups.length;
  const counts = new Uint16Array(streams.length * endpoints * groupCount);
  const seen = new Set<number>();
  streams.forEach((s, local) => {
    const g = fleet.groups[s.group];
    const clientId = g.clientId({ i: s.i, group: g.spec.name, seed });
    const topic = g.publish[s.pub]({ i: s.i, group: g.spec.name, seed, clientId });
    for (let e = 0; e < endpoints; e++) {
      seen.clear();
      const base = (local * endpoints + e) * groupCount;
      tries[e].match(topic, (target) => {
        if (seen.has(target)) return;
        seen.add(target);
        counts[base + targetGroup.get(target)!]++;
      });
    }
  });
  return { groupCount, endpointCount: endpoints, counts };
}
