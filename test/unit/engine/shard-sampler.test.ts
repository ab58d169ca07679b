// The per-second timeline on fake time, with tick timers that fire early or late as Node's do:
// every sample belongs to the wall-clock second it covers, no second is duplicated or shifted,
// and a second with no tick is absent rather than a zero.
import { describe, expect, it } from 'vitest';
import { FakeClock, type Clock } from '../../../src/engine/clock.ts';
import type { ShardSample } from '../../../src/engine/samples.ts';
import { ShardSampler } from '../../../src/engine/shard-sampler.ts';
import { ShardContext } from '../../../src/engine/context.ts';
import { scenarioOf } from './shard-parts.ts';

/** A clock whose timers fire off by the next of `offsets` (ms, negative = early). */
function jittery(inner: FakeClock, offsets: number[]): Clock {
  let k = 0;
  return {
    now: () => inner.now(),
    setTimer: (fn, delayMs) => inner.setTimer(fn, delayMs + (offsets[k++ % offsets.length] ?? 0)),
    clearTimer: (h) => inner.clearTimer(h),
  };
}

function run(offsets: number[], seconds: number) {
  const fake = new FakeClock();
  const clock = jittery(fake, offsets);
  const scenario = scenarioOf({ groups: [{ name: 'p', count: 1 }] });
  const slices = [{ group: 0, start: 0, count: 1, connectRate: 100 }];
  const ctx = new ShardContext({ scenario, slices, hostId: 'unit', clock, baseDir: process.cwd(), runStartMs: fake.now() });
  const samples: ShardSample[] = [];
  const sampler = new ShardSampler(
    ctx,
    () => 0,
    (s) => samples.push(s),
  );
  const counters = ctx.metrics.counters[0]!;
  // 200 publishes a second, exactly on time: one every 5 ms from 2.5 ms on
  const runStart = fake.now();
  let n = 0;
  const publish = () => {
    counters.published++;
    if (++n < seconds * 200) fake.setTimer(publish, runStart + 2.5 + n * 5 - fake.now());
  };
  fake.setTimer(publish, 2.5);
  sampler.start();
  fake.advance(seconds * 1000 + 300);
  sampler.stop();
  return samples.map((s) => [s.t, s.groups.p!.delta.published]);
}

describe('wall-clock timeline', () => {
  it('labels each sample by the second it covers when ticks fire early and late', () => {
    const got = run([-3, 40, -1, 0, 90, -60, 7], 20);
    expect(got.map(([t]) => t)).toEqual(Array.from({ length: 21 }, (_, k) => k + 1));
    // each second's count is 200, give or take what its two ticks moved across the edges
    // (a tick 90 ms late, then one 60 ms early: 150 ms = 30 publishes at most)
    for (const [t, published] of got.slice(0, 20)) expect(Math.abs(published! - 200), `t=${t}`).toBeLessThanOrEqual(30);
    expect(got.reduce((sum, [, p]) => sum + p!, 0)).toBe(4000);
  });

  it('with exact ticks every second holds exactly its 200', () => {
    const got = run([0], 10);
    expect(got.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, k) => [k + 1, 200]));
  });

  it('leaves a second with no tick absent (never a zero, never shifted)', () => {
    // the third tick fires 1.5 s late, at 4.5 s: second 3 has no sample of its own, and the
    // sample taken then closes second 4 with everything since 2 s; the next tick is back on time
    const got = run([0, 0, 1500, 0], 8);
    const ts = got.map(([t]) => t);
    expect(ts.slice(0, 6)).toEqual([1, 2, 4, 5, 6, 7]);
    expect(got.slice(2, 4)).toEqual([
      [4, 500],
      [5, 100],
    ]);
    expect(got.every(([, p]) => p! > 0)).toBe(true);
  });
});
