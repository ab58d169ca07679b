import { describe, expect, it } from 'vitest';
import { shardSlices } from '../../../src/hosts/shard-slices.ts';
import { planShards } from '../../../src/plan/split.ts';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';

describe('shard slices', () => {
  it('lists only the groups a shard has clients of (local, process and agent shards alike)', () => {
    const { scenario } = validateScenarioObject({
      schema: 1,
      name: 'slices',
      groups: [
        { name: 'sensors', count: 5, connectRate: '50/s' },
        { name: 'backend', count: 1, subscribe: [{ topic: 's/#' }] },
      ],
    });
    const slices = planShards(scenario!, 3).map(shardSlices);
    expect(slices.map((s) => s.map((x) => [x.group, x.start, x.count]))).toEqual([
      [
        [0, 0, 1],
        [1, 0, 1],
      ],
      [[0, 1, 2]],
      [[0, 3, 2]],
    ]);
    expect(slices.flat().every((s) => s.count > 0)).toBe(true);
  });
});
