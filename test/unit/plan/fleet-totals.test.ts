import { describe, expect, it } from 'vitest';
import { fleetClients, plannedPublishRate } from '../../../src/plan/fleet-totals.ts';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';

const scenarioOf = (groups: unknown[]) => {
  const { scenario, issues } = validateScenarioObject({ schema: 1, name: 'totals', groups });
  expect(issues).toEqual([]);
  return scenario!;
};

describe('fleet totals', () => {
  it('counts every client of every group', () => {
    expect(
      fleetClients(
        scenarioOf([
          { name: 'a', count: 3 },
          { name: 'b', count: 450 },
          { name: 'c', count: 7 },
        ]),
      ),
    ).toBe(460);
  });

  it('plans publishes, commands and the replies answering groups send — what shards count as published', () => {
    const s = scenarioOf([
      {
        name: 'locks',
        count: 50,
        subscribe: [{ topic: 'l/{i}/cmd' }],
        reply: { topic: 'l/{i}/ack' },
        publish: [{ topic: 'l/{i}', rate: '0.5/s' }],
      },
      { name: 'sensors', count: 10, subscribe: [{ topic: 's/{i}/cmd' }], publish: [{ topic: 's/{i}', totalRate: '20/s' }] },
      {
        name: 'app',
        count: 2,
        commands: [
          { to: 'locks', topic: 'l/{target}/cmd', rate: '3/s' },
          { to: 'sensors', topic: 's/{target}/cmd', totalRate: '4/s' },
        ],
      },
    ]);
    // 25 + 20 publishes; 6 commands to locks, each answered (+6); 4 to sensors, which do not answer
    expect(plannedPublishRate(s)).toBeCloseTo(25 + 20 + 6 + 6 + 4, 9);
  });
});
