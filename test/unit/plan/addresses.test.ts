import { describe, expect, it } from 'vitest';
import { checkAddressCapacity } from '../../../src/plan/addresses.ts';

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
