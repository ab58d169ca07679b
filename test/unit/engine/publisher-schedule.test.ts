// The real Publisher on the real TimerHeap and a FakeClock, with no connection at all: every scheduled send finds no connection and is counted as skipped,
// which makes the number of sends the open-model schedule produced countable without a socket.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock.ts';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';
import { steadyParts } from './shard-parts.ts';

function sendsScheduled(count: number, rate: string, duration: string): number {
  const { scenario, issues } = validateScenarioObject({
    schema: 1,
    name: 'schedule',
    duration,
    groups: [{ name: 'p', count, publish: [{ topic: 't/{i}', rate }] }],
  });
  expect(issues).toEqual([]);
  const clock = new FakeClock();
  const runner = steadyParts(scenario!, [{ group: 0, start: 0, count, connectRate: 100 }], clock);
  for (let step = 0; step < 100 && runner.parts.publisher.active > 0; step++) clock.advance(1000);
  runner.ctx.events.stop();
  expect(runner.parts.publisher.active).toBe(0);
  return runner.ctx.metrics.counters[0].skipped;
}

describe('open-model schedule (Publisher)', () => {
  it.each([
    [3, '50/s', '10s', 1500],
    [3, '30/s', '10s', 900],
    [2, '3/s', '10s', 60],
    [5, '17/s', '10s', 850],
    [4, '70/s', '10s', 2800],
    [1, '0.2/s', '60s', 12],
  ])('%i clients at %s for %s send exactly %i', (count, rate, duration, expected) => {
    expect(sendsScheduled(count, rate, duration)).toBe(expected);
  });
});
