// Three agent processes on loopback, a real Mosquitto for control and another for the load:
// the merged counts must equal a one-host run of the same scenario and the MQTT.js oracle's.
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { agentScenario, counts, killAll, runOnAgents, runSingleHost, spawnAgent, STATE_FILTER, type AgentProcess } from './harness.ts';

describeWithMosquitto('agents on loopback', () => {
  const control = useMosquitto();
  const load = useMosquitto();
  const token = randomBytes(16).toString('hex');
  let agents: AgentProcess[] = [];
  afterEach(() => killAll(agents));

  it('3 agents: merged counts equal a one-host run and the oracle', async () => {
    const loaded = agentScenario(load().url);
    const prefix = `fs-loop-${randomBytes(3).toString('hex')}`;
    // Agents start first, so their start-up overlaps the one-host run.
    agents = [0, 1, 2].map((k) => spawnAgent({ control: control().url, token, id: `loop-a${k}`, index: 2 - k, prefix }));

    const oracle1 = await startOracle(load().url, [STATE_FILTER]);
    const single = await runSingleHost(loaded);
    const seen1 = await oracle1.waitForQuiet(300, 3000);
    await oracle1.stop();

    const oracle2 = await startOracle(load().url, [STATE_FILTER]);
    const lines: string[] = [];
    const distributed = await runOnAgents(loaded, { controlUrl: control().url, count: 3, token, prefix, log: (l) => lines.push(l) });
    const seen2 = await oracle2.waitForQuiet(300, 3000);
    await oracle2.stop();

    // 30 devices × 2/s × 3 s, delivered once to the one backend.
    const expected = {
      attempted: 31,
      succeeded: 31,
      failed: 0,
      published: 180,
      acked: 180,
      received: 180,
      expected: 180,
      lost: 0,
      duplicated: 0,
    };
    expect(counts(single)).toEqual(expected);
    expect(counts(distributed)).toEqual(expected);
    expect([seen1.total, seen1.tracked.unique, seen2.total, seen2.tracked.unique]).toEqual([180, 180, 180, 180]);

    // Shards follow the agents' preferred indexes: loop-a2 asked for 0, so it has the first block.
    const hosts = distributed.run.hosts;
    expect(hosts.map((h) => [h.id, h.kind, h.complete])).toEqual([
      ['loop-a2', 'agent', true],
      ['loop-a1', 'agent', true],
      ['loop-a0', 'agent', true],
    ]);
    expect(hosts.map((h) => h.clients)).toEqual([
      { devices: 10, backend: 1 },
      { devices: 10, backend: 0 },
      { devices: 10, backend: 0 },
    ]);
    expect(lines.filter((l) => l.includes('joined'))).toHaveLength(3);
    // --once: every agent exits 0 after its run.
    expect(await Promise.all(agents.map((a) => a.exited))).toEqual([0, 0, 0]);
  }, 60_000);
});
