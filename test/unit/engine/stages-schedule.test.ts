// Load profile on fake time: the real Publisher, CommandSender, Stages and TimerHeap with no
// connection at all (newcomers pass the connect storm, which opens nothing), so every send the plan makes is counted as skipped (no socket) while sends
// of clients offline by plan are not counted at all. Exact counts per stage follow from
// start_k + (phase + n·interval) / rate_k with the last send before the stage's end.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock.ts';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';
import { steadyParts, type FakeShard } from './shard-parts.ts';

function run(groups: unknown[], stages: unknown[]): FakeShard {
  const { scenario, issues } = validateScenarioObject({ schema: 1, name: 'stages', stages, groups });
  expect(issues).toEqual([]);
  const clock = new FakeClock();
  const slices = scenario!.groups.map((g, k) => ({ group: k, start: 0, count: g.count, connectRate: g.connectRate }));
  const runner = steadyParts(scenario!, slices, clock);
  for (let step = 0; step < 200 && (runner.parts.publisher.active > 0 || runner.parts.commands.active > 0); step++) clock.advance(500);
  runner.ctx.events.stop();
  expect(runner.parts.publisher.active).toBe(0);
  expect(runner.parts.commands.active).toBe(0);
  return runner;
}

const sends = (count: number, rate: string, stages: unknown[]) =>
  run([{ name: 'p', count, connectRate: '100/s', publish: [{ topic: 't/{i}', rate }] }], stages).ctx.metrics.counters[0].skipped;

describe('load profile: sends per stage', () => {
  const curve = [{ duration: '2s' }, { duration: '2s', rate: 2.5 }, { duration: '1s', rate: 0 }];
  it.each([
    // 4 clients at 5/s: 10 each in 2 s ×1, 25 each in 2 s ×2.5, none at ×0
    [4, '5/s', curve, 4 * (10 + 25)],
    [3, '3/s', curve, 3 * (6 + 15)],
    [2, '1/s', [{ duration: '1500ms' }], 3], // phases 0 and 500 ms: sends at 0, 1000 | 500 (1500 is the end)
    [
      2,
      '1/s',
      [
        { duration: '1500ms', rate: 0 },
        { duration: '3s', rate: 1 / 3 },
      ],
      2,
    ], // one each, 3 s period
    [
      5,
      '17/s',
      [
        { duration: '10s', rate: 0.5 },
        { duration: '10s', rate: 3 },
      ],
      5 * (85 + 510),
    ],
  ])('%i clients at %s over %j send exactly %i', (count, rate, stages, expected) => {
    expect(sends(count, rate, stages)).toBe(expected);
  });

  it('clients offline by plan neither send nor skip', () => {
    // 4 clients at 5/s: all 4 × 10, then 2 × 10
    expect(sends(4, '5/s', [{ duration: '2s' }, { duration: '2s', connections: '50%' }])).toBe(60);
  });

  it('newcomers send from SETTLE_MS after their planned connect', () => {
    // stage 1 brings clients 2 and 3 at 100/s (2000, 2010 ms); they send from 3000 / 3010 ms:
    // client 2's sends at 3100…3900, client 3's at 3150…3950 → 5 each, plus 2 × 10 stayers
    expect(sends(4, '5/s', [{ duration: '2s', connections: '50%' }, { duration: '2s' }])).toBe(20 + 20 + 10);
  });

  it('commands follow the stages too', () => {
    const runner = run(
      [
        { name: 'devices', count: 4, subscribe: [{ topic: 'd/{i}/cmd' }] },
        { name: 'app', count: 1, commands: [{ to: 'devices', topic: 'd/{target}/cmd', rate: '2/s' }] },
      ],
      [{ duration: '2s' }, { duration: '2s', rate: 2.5 }, { duration: '1s', rate: 0 }],
    );
    expect(runner.ctx.metrics.counters[1].skipped).toBe(4 + 10);
  });
});
