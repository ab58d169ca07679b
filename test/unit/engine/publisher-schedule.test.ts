// The real Publisher on the real TimerHeap and a FakeClock, through a ShardRunner that never
// connects: every scheduled send finds no connection and is counted as skipped,
// which makes the number of sends the open-model schedule produced countable without a socket.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock.ts';
import { ShardRunner } from '../../../src/engine/shard-runner.ts';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';

function sendsScheduled(count: number, rate: string, duration: string): number {
  const { scenario, issues } = validateScenarioObject({
    schema: 1,
    name: 'schedule',
    duration,
    groups: [{ name: 'p', count, publish: [{ topic: 't/{i}', rate }] }],
  });
  expect(issues).toEqual([]);
  const clock = new FakeClock();
  const runner = new ShardRunner({ scenario: scenario!, slices: [{ group: 0, start: 0, count, connectRate: 100 }], hostId: 'unit', clock });
  runner.steady(clock.now(), { subscriptions: [], clients: [] });
  for (let step = 0; step < 100 && runner.publisher.active > 0; step++) clock.advance(1000);
  runner.heap.stop();
  expect(runner.publisher.active).toBe(0);
  return runner.metrics.counters[0].skipped;
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
