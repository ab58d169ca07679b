// The load profile's plan (who is online when, who is owed deliveries) and its validation.
import { describe, expect, it } from 'vitest';
import { LINGER_MS, SETTLE_MS, StagePlan, onlineCount } from '../../../src/engine/stage-plan.ts';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';

const groups = [
  { name: 'backend', count: 1, subscribe: [{ topic: 'd/+/s' }] },
  { name: 'd', count: 100, connectRate: '50/s', publish: [{ topic: 'd/{i}/s', rate: '1/s' }] },
];

function plan(stages: unknown[]): StagePlan {
  const { scenario, issues } = validateScenarioObject({ schema: 1, name: 'p', stages, groups });
  expect(issues).toEqual([]);
  return new StagePlan(scenario!, 10_000);
}

describe('StagePlan', () => {
  const p = plan([
    { duration: '3s', connections: '20%' },
    { duration: '4s', connections: '100%', rate: 2 },
    { duration: '2s', connections: '50%' },
  ]);

  it('online counts round, keep one client of a group while above 0 %', () => {
    expect(p.online).toEqual([
      [1, 20],
      [1, 100],
      [1, 50],
    ]);
    expect([onlineCount(3, 0.1), onlineCount(3, 0), onlineCount(10, 0.07), onlineCount(5, 0.5)]).toEqual([1, 0, 1, 3]);
  });

  it('plannedOnline follows the ramp at connectRate and the leavers after LINGER_MS', () => {
    expect(p.plannedOnline(1, 10_000)).toBe(20);
    expect(p.plannedOnline(1, 13_000)).toBe(21); // the first newcomer at the stage start
    expect(p.plannedOnline(1, 13_999)).toBe(20 + 50); // 50/s → 50 joined within the first second
    expect(p.plannedOnline(1, 14_580)).toBe(100);
    expect(p.plannedOnline(1, 17_000 + LINGER_MS - 1)).toBe(100);
    expect(p.plannedOnline(1, 17_000 + LINGER_MS)).toBe(50);
    expect(p.plannedOnline(0, 15_000)).toBe(1);
  });

  it('newcomers send from SETTLE_MS after their planned connect; leavers stop at the stage start', () => {
    expect(p.joinAt(1, 1, 30)).toBe(13_200);
    expect(p.sendsAt(1, 30, 13_200 + SETTLE_MS - 1)).toBe(false);
    expect(p.sendsAt(1, 30, 13_200 + SETTLE_MS)).toBe(true);
    expect(p.sendsAt(1, 19, 13_000)).toBe(true);
    expect(p.sendsAt(1, 60, 16_999)).toBe(true);
    expect(p.sendsAt(1, 60, 17_000)).toBe(false);
  });

  it('deliveries to newcomers are owed once the stage ramp is over', () => {
    expect(p.fullFrom).toEqual([10_000, 13_000 + (79 / 50) * 1000 + SETTLE_MS, 17_000]);
    expect(p.countedAt(1, 50, p.fullFrom[1] - 1)).toBe(false);
    expect(p.countedAt(1, 50, p.fullFrom[1])).toBe(true);
    expect(p.countedAt(1, 10, 13_000)).toBe(true);
    expect(p.countedAt(1, 60, 17_000)).toBe(false);
    expect(p.countedClients(1, 1, false)).toBe(20);
    expect(p.commandTargets(1, 16_000)).toBe(100);
  });

  it('a scenario without stages is one stage, everyone online', () => {
    const { scenario } = validateScenarioObject({ schema: 1, name: 'p', duration: '5s', groups });
    const one = new StagePlan(scenario!, 0);
    expect(one.staged).toBe(false);
    expect(one.stages).toEqual([{ start: 0, end: 5000, rate: 1, connections: 1 }]);
    expect(one.plannedOnline(1, 100)).toBe(100);
  });
});

describe('stages in the scenario file', () => {
  const issues = (extra: Record<string, unknown>) => validateScenarioObject({ schema: 1, name: 'p', groups, ...extra }).issues;

  it('normalises into stages with start times; duration is their sum', () => {
    const { scenario } = validateScenarioObject({
      schema: 1,
      name: 'p',
      groups,
      stages: [
        { duration: '30s', connections: '50%', rate: 1.5 },
        { name: 'peak', at: '30s', duration: '1m' },
      ],
    });
    expect(scenario!.durationMs).toBe(90_000);
    expect(scenario!.stages).toEqual([
      { name: 'stage-1', startMs: 0, durationMs: 30_000, connections: 0.5, rate: 1.5 },
      { name: 'peak', startMs: 30_000, durationMs: 60_000, connections: 1, rate: 1 },
    ]);
  });

  it('reports every bad stage with its path', () => {
    expect(issues({ duration: '5s', stages: [{ duration: '0s' }, { duration: '1s', connections: '150%', rate: -1 }] })).toEqual([
      { path: 'duration', message: 'leave out duration when stages are given: the steady state lasts as long as the stages together' },
      { path: 'stages[0].duration', message: 'must be at least 1ms, got "0s"' },
      { path: 'stages[1].connections', message: 'must be a share like 10% or 0.1 (0 to 100 %), got "150%"' },
      { path: 'stages[1].rate', message: 'must be a number from 0 to 1000, got -1' },
    ]);
    expect(issues({ stages: [] })).toEqual([{ path: 'stages', message: 'must have at least 1 entry' }]);
  });

  it('rejects stages that overlap, go backwards or leave a gap', () => {
    expect(
      issues({
        stages: [{ duration: '2s' }, { at: '1s', duration: '2s' }, { at: '500ms', duration: '1s' }, { at: '10s', duration: '1s' }],
      }),
    ).toEqual([
      { path: 'stages[1].at', message: 'overlaps stages[0], which runs until 2s' },
      { path: 'stages[2].at', message: 'goes backwards: 500ms is before stages[1], which starts at 1s' },
      { path: 'stages[3].at', message: 'leaves a gap after stages[2], which ends at 1500ms; stages follow each other (leave out at)' },
    ]);
    expect(issues({ stages: [{ at: '1s', duration: '2s' }] })).toEqual([
      { path: 'stages[0].at', message: 'the first stage starts with steady state, at 0s, not 1s' },
    ]);
  });
});
