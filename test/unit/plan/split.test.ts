import { describe, expect, it } from 'vitest';
import { planShards, shareRate, splitCount } from '../../../src/plan/split.ts';
import type { GroupSpec, Scenario } from '../../../src/scenario/types.ts';

function group(name: string, count: number, extra: Partial<GroupSpec> = {}): GroupSpec {
  return {
    name,
    count,
    clientId: `${name}-{i}`,
    keepaliveMs: 60_000,
    clean: true,
    sessionExpiryMs: 0,
    connectRate: 100,
    maxConnectsInFlight: 100,
    subscribe: [],
    publish: [],
    ...extra,
  };
}

function scenario(groups: GroupSpec[]): Scenario {
  return {
    schema: 1,
    name: 't',
    seed: 1,
    durationMs: 1000,
    drainMs: 1000,
    broker: { urls: ['mqtt://127.0.0.1:1883'], protocol: 4, sourceAddresses: [], connectTimeoutMs: 5000 },
    groups,
    scale: 1,
    monitor: { sys: false, intervalMs: 5000 },
    thresholds: {},
  };
}

const stream = (rate: { rate?: number; totalRate?: number }) => ({
  topic: 't/{i}',
  qos: 1 as const,
  retain: false,
  size: 64,
  track: true,
  arrival: 'fixed' as const,
  jitter: 0,
  onConnect: false,
  ...rate,
});
const sumLeftToRight = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('splitCount', () => {
  it('hands out the remainder instead of dropping it', () => {
    expect(splitCount(10, [1, 1, 1])).toEqual([3, 3, 4]);
    expect(splitCount(10, [1, 1, 1], 1)).toEqual([4, 3, 3]);
    expect(splitCount(2, [1, 1, 1, 1])).toEqual([0, 1, 0, 1]);
    expect(splitCount(0, [1, 1])).toEqual([0, 0]);
  });

  it('follows weights', () => {
    expect(splitCount(100, [3, 1])).toEqual([75, 25]);
    expect(splitCount(7, [0, 1, 0])).toEqual([0, 7, 0]);
  });
});

describe('shareRate', () => {
  it('shares in proportion to counts and gives hosts with no clients nothing', () => {
    expect(shareRate(40, [100, 100])).toEqual([20, 20]);
    expect(shareRate(10, [0, 3, 0, 1])).toEqual([0, 7.5, 0, 2.5]);
    expect(shareRate(10, [0, 0])).toEqual([0, 0]);
  });
});

describe('planShards (property style)', () => {
  const hostCounts = [1, 2, 3, 4, 5, 7, 8, 13, 16, 64];
  const sizes = [0, 1, 2, 3, 5, 7, 10, 99, 100, 101, 997, 1000, 12_345, 130_000];
  const rates = [0.2, 1, 3, 7.7, 40, 100, 333.3, 16_000];

  it('counts add up exactly; blocks are contiguous, disjoint and in host order; rates add up exactly', () => {
    let checked = 0;
    for (const hosts of hostCounts) {
      for (const n of sizes) {
        const rate = rates[(n + hosts) % rates.length]!;
        const sc = scenario([
          group('a', n, { connectRate: rate, publish: [stream({ totalRate: rate * 3 }), stream({ rate: 0.5 })] }),
          group('b', (n * 7) % 13, { connectRate: 11 }),
        ]);
        const shards = planShards(sc, hosts);
        expect(shards.map((s) => s.index)).toEqual([...Array(hosts).keys()]);
        for (const [gi, g] of sc.groups.entries()) {
          const blocks = shards.map((s) => s.groups[gi]!);
          let next = 0;
          for (const b of blocks) {
            expect(b.name).toBe(g.name);
            expect(b.groupIndex).toBe(gi);
            expect(b.start).toBe(next);
            expect(b.count).toBeGreaterThanOrEqual(0);
            expect(b.count).toBeLessThanOrEqual(Math.ceil(g.count / hosts));
            expect(b.count).toBeGreaterThanOrEqual(Math.floor(g.count / hosts));
            next += b.count;
          }
          expect(next).toBe(g.count);
          if (g.count > 0) expect(sumLeftToRight(blocks.map((b) => b.connectRate))).toBe(g.connectRate);
          checked++;
        }
      }
    }
    expect(checked).toBe(hostCounts.length * sizes.length * 2);
  });

  it('spreads the leftovers of many one-client groups over different hosts', () => {
    const sc = scenario(['a', 'b', 'c', 'd'].map((n) => group(n, 1)));
    const perHost = planShards(sc, 4).map((s) => s.groups.reduce((a, g) => a + g.count, 0));
    expect(perHost).toEqual([1, 1, 1, 1]);
  });

  it('honours weights and rejects bad ones with one clear line', () => {
    const sc = scenario([group('a', 1000, { publish: [stream({ totalRate: 500 })] })]);
    const shards = planShards(sc, 2, { weights: [3, 1] });
    expect(shards.map((s) => s.groups[0]!.count)).toEqual([750, 250]);
    expect(() => planShards(sc, 2, { weights: [1] })).toThrow('1 weights given for 2 hosts');
    expect(() => planShards(sc, 2, { weights: [0, 0] })).toThrow('not all 0');
    expect(() => planShards(sc, 0)).toThrow('host count');
  });
});
