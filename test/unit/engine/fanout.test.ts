import { describe, expect, it } from 'vitest';
import { computeFanout, type MissingClient, type MissingSubscription } from '../../../src/engine/fanout.ts';
import { buildFleet, type Fleet } from '../../../src/engine/fleet.ts';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';
import type { Scenario } from '../../../src/scenario/types.ts';

function scenarioOf(raw: unknown): Scenario {
  const { scenario, issues } = validateScenarioObject(raw);
  expect(issues).toEqual([]);
  return scenario!;
}

// Group indexes, in scenario order.
const BACKEND = 0;
const WORKERS = 1;
const LOCKS = 2;
const ADMIN = 3;
const AUDIT = 4;

const smartHome = {
  schema: 1,
  name: 'fanout-unit',
  groups: [
    { name: 'backend', count: 1, subscribe: [{ topic: 'home/+/lock/state', qos: 1 }] },
    { name: 'workers', count: 2, subscribe: [{ topic: '$share/workers/home/+/lock/state', qos: 1 }] },
    {
      name: 'locks',
      count: 4,
      clientId: 'lock-{i}',
      subscribe: [{ topic: 'home/{i}/lock/cmd', qos: 1 }],
      publish: [{ topic: 'home/{i}/lock/state', qos: 1, rate: '1/s' }],
    },
    { name: 'admin', count: 1, publish: [{ topic: 'home/2/lock/cmd', totalRate: '4/s' }] },
    // Two overlapping filters on one client: it still receives one copy.
    { name: 'audit', count: 1, subscribe: [{ topic: '#' }, { topic: 'home/#' }] },
  ],
};

/** Streams of the whole fleet, in stream-id order. */
function allStreams(fleet: Fleet): { group: number; i: number; pub: number }[] {
  const out: { group: number; i: number; pub: number }[] = [];
  for (const g of fleet.groups)
    for (let i = 0; i < g.spec.count; i++) for (let pub = 0; pub < g.publish.length; pub++) out.push({ group: g.index, i, pub });
  return out;
}

function fanoutRows(fleet: Fleet, missing: { subscriptions?: MissingSubscription[]; clients?: MissingClient[] } = {}): number[][] {
  const streams = allStreams(fleet);
  const table = computeFanout(fleet, streams, { subscriptions: missing.subscriptions ?? [], clients: missing.clients ?? [] });
  expect(table.groupCount).toBe(fleet.groups.length);
  return streams.map((_, s) => [...table.counts.subarray(s * table.groupCount, (s + 1) * table.groupCount)]);
}

describe('buildFleet', () => {
  it('numbers clients, streams and share receivers from the scenario alone', () => {
    const fleet = buildFleet(scenarioOf(smartHome));
    expect(fleet.totalClients).toBe(9);
    expect(fleet.totalStreams).toBe(5);
    expect(fleet.groups.map((g) => g.clientBase)).toEqual([0, 1, 3, 7, 8]);
    expect(fleet.groups.map((g) => g.streamBase)).toEqual([0, 0, 0, 4, 5]);
    expect([...fleet.shareReceivers]).toEqual([['workers', 9]]);
    expect(fleet.groups.map((g) => g.sharedReceiver)).toEqual([-1, 9, -1, -1, -1]);
    expect(fleet.groups[LOCKS].publishIntervalMs).toEqual([1000]);
    expect(fleet.groups[ADMIN].publishIntervalMs).toEqual([250]);
    const seed = fleet.scenario.seed;
    const locks = fleet.groups[LOCKS];
    expect(locks.clientId({ i: 3, group: 'locks', seed })).toBe('lock-3');
    expect(locks.publish[0]({ i: 3, group: 'locks', seed, clientId: 'lock-3' })).toBe('home/3/lock/state');
    expect(fleet.groups[WORKERS].clientId({ i: 1, group: 'workers', seed })).toBe('workers-1');
  });

  it('gives a totalRate group each client an equal share of the rate', () => {
    const fleet = buildFleet(
      scenarioOf({ schema: 1, name: 'x', groups: [{ name: 'g', count: 8, publish: [{ topic: 't/{i}', totalRate: '40/s' }] }] }),
    );
    expect(fleet.groups[0].publishIntervalMs).toEqual([200]); // 40/s over 8 clients = 5/s each
  });
});

describe('computeFanout', () => {
  it('each lock state goes to the backend, one share group and the audit client; the command to one lock', () => {
    const fleet = buildFleet(scenarioOf(smartHome));
    //            backend workers locks admin audit
    const lock = [1, 1, 0, 0, 1];
    expect(fanoutRows(fleet)).toEqual([lock, lock, lock, lock, [0, 0, 1, 0, 1]]);
  });

  it('a missing backend subscription removes its copy', () => {
    const fleet = buildFleet(scenarioOf(smartHome));
    const rows = fanoutRows(fleet, { subscriptions: [{ group: BACKEND, i: 0, sub: 0 }] });
    expect(rows.slice(0, 4)).toEqual(Array(4).fill([0, 1, 0, 0, 1]));
  });

  it('a share group keeps its copy while one member holds the subscription', () => {
    const fleet = buildFleet(scenarioOf(smartHome));
    const one = fanoutRows(fleet, { subscriptions: [{ group: WORKERS, i: 0, sub: 0 }] });
    expect(one[0]).toEqual([1, 1, 0, 0, 1]);
    const both = fanoutRows(fleet, {
      subscriptions: [
        { group: WORKERS, i: 0, sub: 0 },
        { group: WORKERS, i: 1, sub: 0 },
      ],
    });
    expect(both[0]).toEqual([1, 0, 0, 0, 1]);
  });

  it('a client with two matching filters loses its copy only when both are missing', () => {
    const fleet = buildFleet(scenarioOf(smartHome));
    expect(fanoutRows(fleet, { subscriptions: [{ group: AUDIT, i: 0, sub: 0 }] })[0]).toEqual([1, 1, 0, 0, 1]);
    expect(
      fanoutRows(fleet, {
        subscriptions: [
          { group: AUDIT, i: 0, sub: 0 },
          { group: AUDIT, i: 0, sub: 1 },
        ],
      })[0],
    ).toEqual([1, 1, 0, 0, 0]);
  });

  it('a missing client takes all its subscriptions with it', () => {
    const fleet = buildFleet(scenarioOf(smartHome));
    const rows = fanoutRows(fleet, { clients: [{ group: LOCKS, i: 2 }] });
    expect(rows[4]).toEqual([0, 0, 0, 0, 1]); // the command to lock 2
    const other = fanoutRows(fleet, { clients: [{ group: LOCKS, i: 1 }] });
    expect(other[4]).toEqual([0, 0, 1, 0, 1]);
  });

  it('counts one copy per share name and filter', () => {
    const fleet = buildFleet(
      scenarioOf({
        schema: 1,
        name: 'shares',
        groups: [
          { name: 'a', count: 3, subscribe: [{ topic: '$share/a/t/#' }] },
          { name: 'b', count: 2, subscribe: [{ topic: '$share/b/t/#' }] },
          // Same share name as group a but another filter: a second share.
          { name: 'c', count: 2, subscribe: [{ topic: '$share/a/t/+' }] },
          { name: 'p', count: 2, publish: [{ topic: 't/{i}', rate: '1/s' }] },
        ],
      }),
    );
    expect([...fleet.shareReceivers]).toEqual([
      ['a', 9],
      ['b', 10],
    ]);
    expect(fanoutRows(fleet)).toEqual([
      [1, 1, 1, 0],
      [1, 1, 1, 0],
    ]);
  });

  it('computes only the streams it is given, in their local order', () => {
    const fleet = buildFleet(scenarioOf(smartHome));
    const table = computeFanout(
      fleet,
      [
        { group: ADMIN, i: 0, pub: 0 },
        { group: LOCKS, i: 3, pub: 0 },
      ],
      { subscriptions: [], clients: [] },
    );
    expect([...table.counts]).toEqual([0, 0, 1, 0, 1, 1, 1, 0, 0, 1]);
  });
});
