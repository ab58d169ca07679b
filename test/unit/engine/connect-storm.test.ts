// The connect storm on fake time with fake connections: pacing from the start (never from the
// last connect), the in-flight bound, and the same rules for comebacks after a quiet spell.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock.ts';
import { fakeShard, scenarioOf } from './shard-parts.ts';

const opens = (conns: { opens: { at: number }[] }[], t0: number) =>
  conns.flatMap((c) => c.opens.map((o) => o.at - t0)).sort((a, b) => a - b);

describe('connect storm', () => {
  it('paces the n-th connect at start + n / connectRate', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const shard = fakeShard(scenarioOf({ groups: [{ name: 'd', count: 10, connectRate: '5/s' }] }), clock);
    shard.parts.storm.begin([10], t0);
    clock.advance(1000);
    expect(opens(shard.conns, t0)).toEqual([0, 200, 400, 600, 800, 1000]);
    clock.advance(1000);
    expect(opens(shard.conns, t0)).toEqual([0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800]);
  });

  it('keeps at most maxConnectsInFlight awaiting their CONNACK, and records the most', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const scenario = scenarioOf({ groups: [{ name: 'd', count: 20, connectRate: '1000/s', maxConnectsInFlight: 3 }] });
    const shard = fakeShard(scenario, clock);
    shard.answer = () => ({ accept: true, afterMs: 50 });
    let waiting = 0;
    let most = 0;
    for (const conn of shard.conns) {
      const open = conn.open.bind(conn);
      conn.open = (e, p, now) => {
        most = Math.max(most, ++waiting);
        open(e, p, now);
      };
    }
    const onConnack = shard.parts.session.onConnack.bind(shard.parts.session);
    shard.parts.session.onConnack = (conn, reason) => {
      waiting--;
      onConnack(conn, reason);
    };
    shard.parts.storm.begin([20], t0);
    clock.advance(2000);
    expect(most).toBe(3);
    expect(shard.parts.storm.maxInFlight).toBe(3);
    expect(shard.ctx.metrics.counters[0].succeeded).toBe(20);
    // three every 50 ms, 1 ms apart: the 20th is the second of the 7th round
    expect(opens(shard.conns, t0).at(-1)).toBe(301);
  });

  it('starts a new run of slots for comebacks after a quiet spell (no burst)', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const shard = fakeShard(scenarioOf({ groups: [{ name: 'd', count: 4, connectRate: '10/s' }] }), clock);
    shard.parts.storm.begin([1], t0);
    clock.advance(10_000);
    for (const c of [1, 2, 3]) shard.parts.storm.request(c, clock.now());
    clock.advance(1000);
    expect(opens(shard.conns, t0)).toEqual([0, 10_000, 10_100, 10_200]);
  });

  it('catches up after a stall: slots stay on the schedule from the start', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const scenario = scenarioOf({ groups: [{ name: 'd', count: 10, connectRate: '10/s', maxConnectsInFlight: 2 }] });
    const shard = fakeShard(scenario, clock);
    shard.answer = (c) => ({ accept: true, afterMs: c < 2 ? 450 : 1 });
    shard.parts.storm.begin([10], t0);
    clock.advance(2000);
    // 0 and 100 hold both places until 450 / 550; 200–500 go as soon as a place frees, the rest on time
    expect(opens(shard.conns, t0)).toEqual([0, 100, 450, 451, 452, 500, 600, 700, 800, 900]);
  });
});
