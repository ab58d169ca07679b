// After merging hosts: the kinds counted apart add up per group and in total, and one group's
// surplus never fills another group's loss (the total lost is the sum of the groups' lost).
import { describe, expect, it } from 'vitest';
import { mergeResults } from '../../../src/coordinator/merge.ts';
import type { ShardResult } from '../../../src/engine/samples.ts';
import { GroupCounters } from '../../../src/metrics/counters.ts';
import { createLatencyHistograms, groupTotalsOf } from '../../../src/metrics/summary.ts';
import type { LoadedScenario } from '../../../src/scenario/types.ts';
import { scenarioOf } from '../engine/shard-parts.ts';

const scenario = scenarioOf({
  groups: [
    { name: 'a', count: 1, clientId: 'a-{i}', subscribe: [{ topic: 'a/#', qos: 1 }] },
    { name: 'b', count: 1, clientId: 'b-{i}', subscribe: [{ topic: 'b/#', qos: 1 }] },
  ],
});

function shard(hostId: string, counts: Record<string, Partial<GroupCounters>>): ShardResult {
  const groups: ShardResult['groups'] = {};
  for (const [name, c] of Object.entries(counts))
    groups[name] = groupTotalsOf(Object.assign(new GroupCounters(), c), createLatencyHistograms());
  return {
    hostId,
    groups,
    samples: [],
    steadyStartMs: 0,
    steadyEndMs: 1000,
    schedule: { late: 0, maxLagMs: 0 },
    missingSubscriptions: [],
    missingClients: [],
    interrupted: false,
  };
}

describe('mergeResults, owed-only figures', () => {
  it('adds the kinds apart over hosts, and never lets a group surplus offset another group loss', () => {
    const r = mergeResults(
      {
        loaded: { scenario, secrets: [], redacted: {}, sha256: '', baseDir: '.' } as unknown as LoadedScenario,
        brokers: [],
        startedAt: 0,
        endedAt: 1000,
        hosts: [],
        interrupted: false,
      },
      [
        shard('h1', { a: { expected: 50, received: 49, retained: 3 }, b: { expected: 50, received: 51, notOwed: 1 } }),
        shard('h2', { a: { expected: 50, received: 50, will: 2, refused: 4 }, b: { expected: 50, received: 50 } }),
      ],
    );
    expect(r.groups.a.messages).toMatchObject({ expected: 100, received: 99, lost: 1, retained: 3, will: 2, notOwed: 0, refused: 4 });
    expect(r.groups.b.messages).toMatchObject({ expected: 100, received: 101, lost: 0, notOwed: 1 });
    expect(r.summary.messages).toMatchObject({
      expected: 200,
      received: 200,
      lost: 1,
      lossRate: 0.005,
      retained: 3,
      will: 2,
      notOwed: 1,
      refused: 4,
    });
  });
});
