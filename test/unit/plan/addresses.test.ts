import { describe, expect, it } from 'vitest';
import { addressCrowdingNote, checkAddressCapacity } from '../../../src/plan/addresses.ts';

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

describe('addressCrowdingNote', () => {
  const six = [1, 2, 3, 4, 5, 6].map((k) => `mqtt://127.0.0.1:${18830 + k}`);

  const sources = (n: number) => Array.from({ length: n }, (_, i) => `127.0.0.${i + 2}`);

  it('stays quiet while every pool holds at most 14,000 connections per pair, 7,000 per bound address', () => {
    expect(addressCrowdingNote(14_000, ['mqtt://127.0.0.1:1883'], [])).toBeNull();
    expect(addressCrowdingNote(84_000, six, [])).toBeNull();
    expect(addressCrowdingNote(100_000, six, sources(15))).toBeNull();
    expect(addressCrowdingNote(100_000, six, sources(14))).not.toBeNull();
  });

  it('names the connections per pool and how many source addresses spread them', () => {
    expect(addressCrowdingNote(100_000, six, [])).toBe(
      'note: 100000 connections over 6 broker urls × 1 source address is 16667 per local port pool; above ~14000 the kernel scans ' +
        'for every new port (ms per connect instead of µs): give broker.sourceAddresses 15 or more addresses (~7000 each) (e.g. 127.0.0.2-127.0.0.16)',
    );
    // Bound source addresses are the pools; a remote broker gets no loopback example.
    expect(addressCrowdingNote(30_000, ['mqtt://broker.example:1883'], ['10.0.0.5', '10.0.0.6'])).toBe(
      'note: 30000 connections over 2 source addresses is 15000 per local port pool; above ~7000 the kernel scans ' +
        'for every new port (ms per connect instead of µs): give broker.sourceAddresses 5 or more addresses (~7000 each)',
    );
  });

  it('leaves a fleet that does not fit at all to checkAddressCapacity', () => {
    expect(addressCrowdingNote(30_000, ['mqtt://127.0.0.1:1883'], [])).toBeNull();
  });
});
