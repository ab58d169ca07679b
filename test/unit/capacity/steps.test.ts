import { describe, expect, it } from 'vitest';
import { fleetClients, plannedPublishRate } from '../../../src/plan/fleet-totals.ts';
import { applyScale } from '../../../src/scenario/schema-run-checks.ts';
import { scenarioAtFactor, stepFactor, stepFactors } from '../../../src/coordinator/capacity-steps.ts';
import type { GroupSpec, PublishSpec, Scenario } from '../../../src/scenario/types.ts';

function publish(p: Partial<PublishSpec>): PublishSpec {
  return { topic: 't/{i}', qos: 1, retain: false, size: 64, track: true, arrival: 'fixed', jitter: 0, onConnect: false, ...p };
}

function group(name: string, count: number, connectRate: number, pubs: PublishSpec[]): GroupSpec {
  return {
    name,
    count,
    clientId: `${name}-{i}`,
    keepaliveMs: 60_000,
    clean: true,
    sessionExpiryMs: 0,
    connectRate,
    maxConnectsInFlight: 100,
    subscribe: [],
    publish: pubs,
  };
}

function scenario(): Scenario {
  return {
    schema: 1,
    name: 'cap',
    seed: 1,
    durationMs: 60_000,
    drainMs: 3000,
    scale: 0.05,
    broker: { urls: ['mqtt://127.0.0.1:1883'], protocol: 4, sourceAddresses: [], connectTimeoutMs: 10_000 },
    groups: [
      group('backend', 3, 50, []),
      group('locks', 450, 1000, [publish({ rate: 0.1 })]),
      group('meters', 200, 500, [publish({ totalRate: 35 })]),
    ],
    monitor: { sys: true, intervalMs: 5000 },
    thresholds: {},
  };
}

describe('capacity step factors', () => {
  it('are start + k·step without float noise', () => {
    expect(stepFactors({ start: 0.25, step: 0.25, maxSteps: 8 })).toEqual([0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]);
    expect(stepFactors({ start: 0.1, step: 0.1, maxSteps: 4 })).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(stepFactor({ start: 1, step: 1 }, 3)).toBe(4);
  });

  it('round counts and never go below one client', () => {
    const counts = (f: number) => scenarioAtFactor(scenario(), 'connections', f, 1000).groups.map((g) => g.count);
    expect(counts(0.25)).toEqual([1, 113, 50]); // 0.75 → 1, 112.5 rounds up
    expect(counts(0.5)).toEqual([2, 225, 100]); // 1.5 rounds up
    expect(counts(0.75)).toEqual([2, 338, 150]); // 337.5
    expect(counts(0.001)).toEqual([1, 1, 1]);
  });

  it('vary both is the scenario’s own scale, one rule for both', () => {
    const base = scenario();
    expect(scenarioAtFactor(base, 'both', 1.5, 1000).groups).toEqual(applyScale(base.groups, 1.5));
  });
});

describe('scenarioAtFactor', () => {
  it('vary connections: counts and connect rates ×f, publish rates as written', () => {
    const base = scenario();
    const s = scenarioAtFactor(base, 'connections', 2, 5000);
    expect(s.groups.map((g) => g.count)).toEqual([6, 900, 400]);
    expect(s.groups.map((g) => g.connectRate)).toEqual([100, 2000, 1000]);
    expect(s.groups[1]!.publish[0]!.rate).toBe(0.1);
    expect(s.groups[2]!.publish[0]!.totalRate).toBe(35);
    expect(s.durationMs).toBe(5000);
    expect(fleetClients(s)).toBe(1306);
    expect(plannedPublishRate(s)).toBeCloseTo(90 + 35, 9);
    // the input is untouched
    expect(base.groups.map((g) => g.count)).toEqual([3, 450, 200]);
    expect(base.durationMs).toBe(60_000);
  });

  it('vary rate: every publish rate ×f, counts as written', () => {
    const s = scenarioAtFactor(scenario(), 'rate', 3, 5000);
    expect(s.groups.map((g) => g.count)).toEqual([3, 450, 200]);
    expect(s.groups.map((g) => g.connectRate)).toEqual([50, 1000, 500]);
    expect(s.groups[1]!.publish[0]!.rate).toBeCloseTo(0.3, 12);
    expect(s.groups[2]!.publish[0]!.totalRate).toBe(105);
    expect(plannedPublishRate(s)).toBeCloseTo(135 + 105, 9);
  });

  it('vary both: the whole fleet ×f, so clients and msg/s both grow by f', () => {
    const base = scenario();
    const s = scenarioAtFactor(base, 'both', 0.5, 5000);
    expect(s.groups.map((g) => g.count)).toEqual([2, 225, 100]);
    expect(s.groups[1]!.publish[0]!.rate).toBe(0.1);
    expect(s.groups[2]!.publish[0]!.totalRate).toBe(17.5);
    expect(plannedPublishRate(s)).toBeCloseTo(plannedPublishRate(base) * 0.5, 9);
  });
});
