import { describe, expect, it } from 'vitest';
import { assignEndpoint, checkAddressCapacity, groupOffsets } from '../../../src/plan/addresses.ts';

describe('assignEndpoint', () => {
  it('walks every (url, source) pair round-robin, even when the counts share a factor', () => {
    const urls = ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.2:1883'];
    const sources = ['127.0.1.1', '127.0.1.2'];
    const got = [0, 1, 2, 3, 4].map((i) => assignEndpoint(i, urls, sources));
    expect(got).toEqual([
      { url: urls[0], sourceAddress: sources[0] },
      { url: urls[1], sourceAddress: sources[0] },
      { url: urls[0], sourceAddress: sources[1] },
      { url: urls[1], sourceAddress: sources[1] },
      { url: urls[0], sourceAddress: sources[0] },
    ]);
  });

  it('leaves the source to the OS when none are given', () => {
    expect(assignEndpoint(5, ['mqtt://a:1', 'mqtt://b:1'], [])).toEqual({ url: 'mqtt://b:1' });
  });

  it('spreads evenly: each pair gets total/pairs connections', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const e = assignEndpoint(i, ['u1', 'u2', 'u3'], ['s1', 's2']);
      const key = `${e.url}|${e.sourceAddress}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([1000, 1000, 1000, 1000, 1000, 1000]);
  });
});

describe('groupOffsets', () => {
  it('numbers groups one after another', () => {
    expect(groupOffsets([{ count: 200 }, { count: 2 }, { count: 0 }, { count: 5 }])).toEqual([0, 200, 202, 202]);
  });
});

describe('checkAddressCapacity', () => {
  it('says what to add when one pair cannot carry the fleet', () => {
    expect(checkAddressCapacity(130_000, ['mqtt://127.0.0.1:1883'], [])).toEqual({
      path: 'broker',
      message:
        'scenario asks for 130000 connections but 1 broker url × 1 source address allow about 28000; add broker.sourceAddresses or broker.urls',
    });
  });

  it('passes at exactly the capacity and counts distinct endpoints and sources', () => {
    expect(checkAddressCapacity(28_000, ['mqtt://127.0.0.1:1883'], [])).toBeNull();
    expect(checkAddressCapacity(28_001, ['mqtt://127.0.0.1:1883'], [])).not.toBeNull();
    const sources = ['127.0.1.1', '127.0.1.2', '127.0.1.3', '127.0.1.4', '127.0.1.5'];
    expect(checkAddressCapacity(130_000, ['mqtt://127.0.0.1:1883'], sources)).toBeNull();
    // The same endpoint written twice adds no ports.
    const twice = checkAddressCapacity(50_000, ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1883/'], []);
    expect(twice?.message).toContain('1 broker url × 1 source address allow about 28000');
    expect(checkAddressCapacity(50_000, ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.2:1883'], [], 10_000)?.message).toBe(
      'scenario asks for 50000 connections but 2 broker urls × 1 source address allow about 20000; add broker.sourceAddresses or broker.urls',
    );
    // A bound source address takes its port at bind time: its ports are shared by every url.
    expect(checkAddressCapacity(50_000, ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.2:1883'], ['a', 'b'], 10_000)?.message).toBe(
      'scenario asks for 50000 connections but 2 source addresses allow about 20000; add broker.sourceAddresses or broker.urls',
    );
  });
});
