// Migration rehearsal: devices move in fixed 25 % cohorts from cluster A to cluster B (two
// unbridged Mosquitto processes) while a backend keeps consuming from both. fleetstorm reports
// each cohort's reconnect gap and accounts for every message across the cut-overs; MQTT.js
// oracles on A and B count what the brokers really delivered.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../../../src/broker/mosquitto.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

const DEVICES = 80;

describeWithMosquitto('migration in cohorts between two clusters', () => {
  let a: MosquittoHandle;
  let b: MosquittoHandle;
  beforeAll(async () => {
    [a, b] = await Promise.all([startMosquitto({ maxQueuedMessages: 0 }), startMosquitto({ maxQueuedMessages: 0 })]);
  });
  afterAll(async () => Promise.all([a?.stop(), b?.stop()]));

  it('moves every cohort, reports the gaps, and loses nothing the clusters accepted', async () => {
    const out = tempDir();
    const file = writeScenario({
      schema: 1,
      name: 'migration-rehearsal',
      duration: '12s',
      drain: '3s',
      broker: { urls: [a.url, b.url] },
      groups: [
        { name: 'backend-a', count: 1, clientId: 'mig-backend-a', endpoints: [0], subscribe: [{ topic: 'mig/+/state', qos: 1 }] },
        { name: 'backend-b', count: 1, clientId: 'mig-backend-b', endpoints: [1], subscribe: [{ topic: 'mig/+/state', qos: 1 }] },
        {
          name: 'devices',
          count: DEVICES,
          clientId: 'mig-dev-{i}',
          connectRate: '400/s',
          publish: [{ topic: 'mig/{i}/state', qos: 1, size: 64, rate: '2/s' }],
        },
      ],
      migration: { from: 0, to: 1, groups: ['devices'], cohort: '25%', start: '2s', every: '2s' },
    });
    const [onA, onB] = await Promise.all([startOracle(a.url, ['mig/+/state']), startOracle(b.url, ['mig/+/state'])]);
    const run = await runCli(['run', file, '--out', out, '--quiet'], { timeoutMs: 60_000 });
    const [seenA, seenB] = await Promise.all([onA.waitForQuiet(1000, 10_000), onB.waitForQuiet(1000, 10_000)]);
    await Promise.all([onA.stop(), onB.stop()]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const r = readResultFile(out);
    const mig = r.migration!;
    expect(mig.from).toBe(a.url);
    expect(mig.to).toBe(b.url);
    expect(mig.cohorts.map((c) => c.moved)).toEqual([20, 20, 20, 20]);
    expect(mig.cohorts.map((c) => c.reconnected)).toEqual([20, 20, 20, 20]);
    expect(mig.cohorts.map((c) => c.stranded)).toEqual([0, 0, 0, 0]);
    for (const c of mig.cohorts) expect(c.gapMs.count).toBe(20);
    // Cohorts were cut 2 s apart.
    const at = mig.cohorts.map((c) => c.atMs);
    for (let k = 1; k < at.length; k++) expect(at[k] - at[k - 1]).toBeGreaterThan(1500);

    const m = r.summary.messages;
    expect(r.summary.connections.reconnects).toBe(DEVICES);
    expect(r.summary.errors).toEqual({});
    expect(m.published + (m.skipped ?? 0)).toBe(DEVICES * 2 * 12);
    expect(m.expected).toBe(m.published);
    expect(m.lost).toBe(0);
    expect(m.duplicated).toBe(0);
    // Each backend received what was published to its own cluster, as the oracles saw it.
    expect(r.groups['backend-a'].messages.received).toBe(seenA.tracked.unique);
    expect(r.groups['backend-b'].messages.received).toBe(seenB.tracked.unique);
    expect(seenA.tracked.unique + seenB.tracked.unique).toBe(m.published);
    console.log(
      `migration rehearsal: published ${m.published} (A ${seenA.tracked.unique}, B ${seenB.tracked.unique}), skipped ${m.skipped}, lost ${m.lost}; ` +
        `gaps p50/p99 ms by cohort: ${mig.cohorts.map((c) => `${c.gapMs.p50}/${c.gapMs.p99}`).join(', ')}`,
    );
  }, 90_000);
});
