// `scale` multiplies counts, connect rates and group-wide rates (publish and command), never
// per-client rates.

import { describe, expect, it } from 'vitest';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';

describe('scale', () => {
  it('scales counts and group-wide rates, keeps per-client rates', () => {
    const { scenario, issues } = validateScenarioObject({
      schema: 1,
      name: 's',
      scale: 0.05,
      groups: [
        {
          name: 'app',
          count: 10,
          commands: [
            { to: 'locks', topic: 'c/{target}', totalRate: '900/s' },
            { to: 'locks', topic: 'd/{target}', rate: '1/s' },
          ],
        },
        {
          name: 'locks',
          count: 90000,
          connectRate: '20000/s',
          publish: [
            { topic: 's/{i}', rate: '0.1/s' },
            { topic: 't', totalRate: '100/s' },
          ],
        },
      ],
    });
    expect(issues).toEqual([]);
    const [app, locks] = scenario!.groups;
    expect(app.count).toBe(1); // 0.5 rounds to 1: a group never vanishes
    expect(app.commands!.map((c) => [c.totalRate, c.rate])).toEqual([
      [45, undefined],
      [undefined, 1],
    ]);
    expect(locks.count).toBe(4500);
    expect(locks.connectRate).toBe(1000);
    expect(locks.publish.map((p) => [p.rate, p.totalRate])).toEqual([
      [0.1, undefined],
      [undefined, 5],
    ]);
  });
});
