// Stage schedules that follow their plan: within each stage the send phases are spread over the
// devices online in that stage, so every stage's per-second rate is flat. Counted on fake time
// with nobody connected (every planned send is a skipped one), one second at a time.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock.ts';
import { scenarioOf, steadyParts } from './shard-parts.ts';

describe('stage schedules', () => {
  it('a day curve of 500 locks sends at each stage’s planned rate every second', () => {
    const scenario = scenarioOf({
      stages: [
        { name: 'night', duration: '10s', connections: '20%' },
        { name: 'day', duration: '10s', connections: '100%' },
        { name: 'evening', duration: '10s', connections: '40%', rate: 2 },
      ],
      groups: [{ name: 'locks', count: 500, connectRate: '1000/s', publish: [{ topic: 'l/{i}', rate: '0.1/s' }] }],
    });
    const clock = new FakeClock();
    const shard = steadyParts(scenario, [{ group: 0, start: 0, count: 500, connectRate: 1000 }], clock);
    const counters = shard.ctx.metrics.counters[0]!;
    const perSecond: number[] = [];
    let before = 0;
    for (let t = 0; t < 30; t++) {
      clock.advance(1000);
      perSecond.push(counters.skipped - before);
      before = counters.skipped;
    }
    shard.ctx.events.stop();
    // night 100 × 0.1/s, day 500 × 0.1/s, evening 200 × 0.1/s × 2
    const plan = [10, 50, 40];
    for (let t = 0; t < 30; t++) {
      const stage = Math.floor(t / 10);
      // newcomers send from SETTLE_MS (1 s) after their planned connect: the first second of a stage is ramp
      if (t % 10 < 2 && stage > 0) continue;
      expect(Math.abs(perSecond[t]! / plan[stage]! - 1), `second ${t + 1}: ${perSecond.join(' ')}`).toBeLessThanOrEqual(0.15);
    }
  });
});
