// Comebacks on fake time with a fake broker: reconnect backoff with seeded jitter, churn rounds,
// and migration cohorts moving devices to the new endpoint.
import { describe, expect, it } from 'vitest';
import { backoffDelay, churnRound, cohortRange } from '../../../src/engine/behaviour.ts';
import { FakeClock } from '../../../src/engine/clock.ts';
import { fakeShard, scenarioOf } from './shard-parts.ts';

describe('reconnect backoff with jitter', () => {
  const spec = { initialDelayMs: 1000, maxDelayMs: 8000, multiplier: 2, jitter: 0.2 };

  it('spreads each delay within ±jitter of the exponential step, capped, and the same for the same seed', () => {
    for (let attempt = 0; attempt < 6; attempt++) {
      const base = Math.min(8000, 1000 * 2 ** attempt);
      const delays = Array.from({ length: 2000 }, (_, client) => backoffDelay(spec, attempt, 7, client));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(base * 0.8);
      expect(Math.max(...delays)).toBeLessThanOrEqual(base * 1.2);
      const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
      expect(Math.abs(mean / base - 1)).toBeLessThan(0.02);
      expect(new Set(delays).size).toBeGreaterThan(1900); // clients do not retry in lockstep
      expect(delays.map((_, client) => backoffDelay(spec, attempt, 7, client))).toEqual(delays);
    }
  });

  it('retries a refused device after each delay in turn, through the storm', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const scenario = scenarioOf({
      seed: 7,
      groups: [{ name: 'd', count: 1, reconnect: { initialDelay: '1s', maxDelay: '8s', multiplier: 2, jitter: 0.2 } }],
    });
    const shard = fakeShard(scenario, clock);
    shard.answer = () => ({ accept: false, afterMs: 10 });
    shard.parts.storm.begin([1], t0);
    clock.advance(20_000);
    const key = shard.ctx.clients.globalId(0);
    let at = 0;
    const expected = [0];
    for (let attempt = 0; at < 20_000; attempt++) {
      at += 10 + backoffDelay(spec, attempt, 7, key);
      if (at <= 20_000) expected.push(at);
    }
    const ms = (t: number) => Math.round(t * 100) / 100;
    expect(shard.conns[0].opens.map((o) => ms(o.at - t0))).toEqual(expected.map(ms));
    expect(Object.fromEntries(shard.ctx.metrics.counters[0].errors)).toEqual({ 'connack:not-authorized': expected.length });
  });
});

describe('churn rounds', () => {
  it('takes each round’s devices offline and brings them back after offlineMs; everyone flaps once per cycle', () => {
    const clock = new FakeClock();
    const scenario = scenarioOf({
      seed: 3,
      duration: '10s',
      groups: [{ name: 'd', count: 10, connectRate: '1000/s', churn: { share: 0.2, every: '1s', offline: '500ms' } }],
    });
    const shard = fakeShard(scenario, clock);
    shard.parts.storm.begin([10], clock.now());
    clock.advance(1000);
    const t0 = clock.now();
    shard.steady();
    clock.advance(5600);
    const flapped: number[][] = [];
    for (let round = 0; round < 5; round++) {
      const at = t0 + (round + 1) * 1000;
      // back offlineMs later, paced by the storm (1 ms apart at 1000/s)
      const back = shard.conns.filter((c) => c.opens.some((o) => o.at >= at + 500 && o.at <= at + 502)).map((c) => c.id);
      flapped.push(back.sort((a, b) => a - b));
      expect(back.sort((a, b) => a - b)).toEqual(churnRound(10, 0.2, round, 3, 0).sort((a, b) => a - b));
    }
    expect(flapped.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const counters = shard.ctx.metrics.counters[0];
    expect(counters.reconnects).toBe(10);
    expect(counters.errors.size).toBe(0); // planned, not errors
  });
});

describe('migration cohorts', () => {
  it('moves each cohort to the new endpoint at its time and counts its reconnects', () => {
    const clock = new FakeClock();
    const scenario = scenarioOf({
      duration: '10s',
      broker: { urls: ['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.1:1884'] },
      migration: { groups: ['d'], cohort: 0.25, start: '1s', every: '1s' },
      groups: [{ name: 'd', count: 8, connectRate: '1000/s' }],
    });
    const shard = fakeShard(scenario, clock);
    shard.parts.storm.begin([8], clock.now());
    clock.advance(1000);
    expect(shard.conns.map((c) => c.opens.map((o) => o.endpoint))).toEqual(Array.from({ length: 8 }, () => [0]));
    const t0 = clock.now();
    shard.steady();
    clock.advance(2500); // cohorts 0 and 1 moved
    for (const k of [0, 1]) {
      const [from, to] = cohortRange(8, 0.25, k);
      for (let i = from; i < to; i++) {
        // moved at the cohort's time, reconnecting straight away (paced 1 ms apart at 1000/s)
        expect(shard.conns[i].opens.map((o) => [Math.round(o.at - t0), o.endpoint])).toEqual([
          [expect.any(Number), 0],
          [(k + 1) * 1000 + (i - from), 1],
        ]);
      }
    }
    for (let i = 4; i < 8; i++) expect(shard.conns[i].opens).toHaveLength(1);
    const cohorts = [...shard.ctx.metrics.cohorts.values()].map((c) => ({ index: c.index, moved: c.moved, reconnected: c.reconnected }));
    expect(cohorts).toEqual([
      { index: 0, moved: 2, reconnected: 2 },
      { index: 1, moved: 2, reconnected: 2 },
    ]);
  });
});
