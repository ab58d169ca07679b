// A load profile against a real Mosquitto: 100 devices go 20 % → 100 % (rate ×2) → 50 % while a
// backend consumes their state and broadcasts news to them. fleetstorm must publish exactly the
// planned sends of every stage, owe exactly what arrives (expected == received, lost 0), show the
// connection curve in its timeline, and agree with an MQTT.js oracle on the state messages.

import { expect, it } from 'vitest';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';
import { SETTLE_MS } from '../../../src/engine/stage-plan.ts';

const STAGES = [
  { name: 'low', duration: '3s', connections: '20%', rate: 1 },
  { name: 'peak', duration: '3s', connections: '100%', rate: 2 },
  { name: 'half', duration: '3s', connections: '50%', rate: 1 },
];
const online = [20, 100, 50];
const rates = [1, 2, 1];

const scenario = {
  schema: 1,
  name: 'stages',
  drain: '2s',
  stages: STAGES,
  groups: [
    {
      name: 'backend',
      count: 1,
      clientId: 'stg-backend-{i}',
      subscribe: [{ topic: 'stg/+/state', qos: 1 }],
      publish: [{ topic: 'stg/all/news', qos: 1, size: 64, rate: '2/s' }],
    },
    {
      name: 'devices',
      count: 100,
      clientId: 'stg-dev-{i}',
      connectRate: '80/s', // newcomers join 12.5 ms apart: no send lands exactly on a settle time
      subscribe: [{ topic: 'stg/all/news', qos: 1 }],
      publish: [{ topic: 'stg/{i}/state', qos: 1, size: 64, rate: '1/s' }],
    },
  ],
};

/** Sends the plan makes for a group of `count` at `perSecond`: stage k re-based at its start. */
function plannedSends(count: number, perSecond: number, onlineOf: (k: number) => number): number {
  const interval = 1000 / perSecond;
  let sends = 0;
  for (let k = 0; k < 3; k++) {
    const start = k * 3000;
    const period = interval / rates[k];
    for (let i = 0; i < onlineOf(k); i++) {
      const newcomer = k > 0 && i >= onlineOf(k - 1);
      const from = newcomer ? start + ((i - onlineOf(k - 1)) / 80) * 1000 + SETTLE_MS : start;
      for (let n = 0; n < 100; n++) {
        const due = start + ((i / count) * interval) / rates[k] + n * period;
        if (due >= start + 3000) break;
        if (due >= from) sends++;
      }
    }
  }
  return sends;
}

describeWithMosquitto('load profile (stages)', () => {
  const broker = useMosquitto();

  it('follows the stages: connections, exact sends per stage, nothing lost', async () => {
    const out = tempDir();
    const oracle = await startOracle(broker().url, ['stg/+/state']);
    const run = await runCli(['run', writeScenario(scenario), '--broker', broker().url, '--out', out, '--quiet'], { timeoutMs: 30_000 });
    const seen = await oracle.waitForQuiet(500, 5000);
    await oracle.stop();
    expect(run.code, run.stderr).toBe(0);
    const r = readResultFile(out);

    expect(plannedSends(100, 1, (k) => online[k])).toBe(60 + 374 + 150);
    expect(plannedSends(1, 2, () => 1)).toBe(6 + 12 + 6);
    expect(r.groups.devices.messages.published).toBe(584);
    expect(r.groups.backend.messages.published).toBe(24);
    expect(r.summary.messages.skipped ?? 0).toBe(0);
    expect(r.groups.backend.messages).toMatchObject({ expected: 584, received: 584, lost: 0, duplicated: 0 });
    // News to the devices online by plan, plus the copies newcomers and leavers got at the edges.
    const dev = r.groups.devices.messages;
    expect(dev.expected).toBeGreaterThanOrEqual(6 * 20 + 12 * 20 + 6 * 50);
    expect(dev.received).toBe(dev.expected);
    expect(dev.lost).toBe(0);
    expect(r.summary.errors).toEqual({});
    expect(r.summary.connections).toMatchObject({ failed: 0, succeeded: 21 + 80 + 0, dropped: 0 });
    expect(seen.tracked.unique).toBe(r.groups.backend.messages.received);

    // The timeline's connections settle on each stage's share within the second a ramp takes.
    expect(r.run.stages?.map((s) => [s.name, s.durationMs, s.connections, s.rate])).toEqual([
      ['low', 3000, 0.2, 1],
      ['peak', 3000, 1, 2],
      ['half', 3000, 0.5, 1],
    ]);
    r.run.stages!.forEach((stage, k) => {
      const points = r.timeline.filter((p) => p.t * 1000 >= stage.startMs + 1100 && p.t * 1000 < stage.startMs + stage.durationMs);
      expect(points.length, stage.name).toBeGreaterThan(0);
      for (const p of points) {
        expect(p.connected, `${stage.name} at t=${p.t}`).toBe(online[k] + 1);
        expect(p.plannedConnected, `${stage.name} at t=${p.t}`).toBe(online[k] + 1);
      }
    });
  });
});
