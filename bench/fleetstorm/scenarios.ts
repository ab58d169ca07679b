// The scenarios the fleetstorm harness runs, written as raw scenario objects (what a YAML file
// would hold) and validated by the real schema, so the benchmark drives exactly what a user's
// run drives. Client ids carry the process id so two measurements never share a session.

import { validateScenarioObject } from '../../src/scenario/schema.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import type { ShardGroupSlice } from '../../src/engine/slices.ts';
import { MESSAGE_SIZE } from '../reference/measure.ts';

/**
 * Connect pace for the connection measurements. The reference harnesses open connections as fast
 * as their pool allows; a rate far above what a core can do leaves `maxConnectsInFlight` as the
 * only bound, so fleetstorm is measured under the same conditions.
 */
export const UNBOUNDED_CONNECT_RATE = '1000000/s';

/** Publishing clients of the QoS 1 measurement; the group's totalRate is spread over them. */
export const DEFAULT_PUBLISHERS = 100;

export interface BenchScenario {
  scenario: Scenario;
  slices: ShardGroupSlice[];
}

function build(raw: Record<string, unknown>): BenchScenario {
  const { scenario, issues } = validateScenarioObject(raw);
  if (!scenario) throw new Error(`bench scenario is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  const slices = scenario.groups.map((g, group) => ({ group, start: 0, count: g.count, connectRate: g.connectRate }));
  return { scenario, slices };
}

/** `n` idle clients: keepalive 60 s, no subscriptions, no publishing. */
export function idleFleet(url: string, n: number, maxConnectsInFlight: number, label: string): BenchScenario {
  return build({
    schema: 1,
    name: `bench-${label}`,
    broker: { url, protocol: 4 },
    groups: [
      {
        name: 'idle',
        count: n,
        clientId: `fs-${label}-${process.pid}-{i}`,
        keepalive: '60s',
        clean: true,
        connectRate: UNBOUNDED_CONNECT_RATE,
        maxConnectsInFlight,
      },
    ],
  });
}

/**
 * `publishers` clients publishing QoS 1, tracked, `MESSAGE_SIZE` bytes, to their own topics at
 * `rate` messages/s in total, for exactly `messages / rate` seconds; one wildcard subscriber
 * (QoS 1) receives everything. Every publish, PUBACK, delivery and the subscriber's PUBACK
 * happen in this one process, as in the reference harnesses.
 */
export function qos1Stream(url: string, messages: number, rate: number, publishers: number): BenchScenario {
  const durationMs = Math.round((messages / rate) * 1000);
  const root = `bench/fs/${process.pid}`;
  return build({
    schema: 1,
    name: 'bench-qos1',
    duration: `${durationMs}ms`,
    drain: '30s',
    broker: { url, protocol: 4 },
    groups: [
      {
        name: 'subscriber',
        count: 1,
        clientId: `fs-sub-${process.pid}-{i}`,
        subscribe: [{ topic: `${root}/#`, qos: 1 }],
      },
      {
        name: 'publishers',
        count: publishers,
        clientId: `fs-pub-${process.pid}-{i}`,
        connectRate: UNBOUNDED_CONNECT_RATE,
        maxConnectsInFlight: 100,
        publish: [{ topic: `${root}/{i}`, qos: 1, size: MESSAGE_SIZE, totalRate: `${rate}/s`, track: true }],
      },
    ],
  });
}
