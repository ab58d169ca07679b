// The core acceptance run: 2,000 devices connecting at 1,000/s, each publishing QoS 1 at 1/s to
// its own topic, one wildcard subscriber, 20 s of steady state against a real Mosquitto. An
// MQTT.js oracle subscribed to the same topics counts what the broker really delivered.

import { expect, it } from 'vitest';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

describeWithMosquitto('2,000-device connect storm and QoS 1 stream against Mosquitto', () => {
  const broker = useMosquitto({ maxQueuedMessages: 0 });

  it('connects all, publishes on target, loses nothing, and agrees with the oracle', async () => {
    const out = tempDir();
    const file = writeScenario({
      schema: 1,
      name: 'storm-2000',
      duration: '20s',
      drain: '3s',
      groups: [
        { name: 'backend', count: 1, clientId: 'backend-{i}', subscribe: [{ topic: 'dev/+/state', qos: 1 }] },
        {
          name: 'devices',
          count: 2000,
          clientId: 'dev-{i}',
          connectRate: '1000/s',
          publish: [{ topic: 'dev/{i}/state', qos: 1, size: 64, rate: '1/s' }],
        },
      ],
      thresholds: { 'messages.lossRate': '== 0' },
    });
    const oracle = await startOracle(broker().url, ['dev/+/state'], { qos: 1 });
    const run = await runCli(['run', file, '--broker', broker().url, '--out', out, '--quiet'], { timeoutMs: 90_000 });
    const seen = await oracle.waitForQuiet(1000, 10_000);
    await oracle.stop();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    const r = readResultFile(out);
    const devices = r.groups.devices;
    expect(r.summary.connections.succeeded).toBe(2001);
    expect(devices.connections.failed).toBe(0);
    expect(devices.connections.peakConcurrent).toBe(2000);
    // 2,000 streams × 1/s × 20 s, scheduled from the start: exact, not merely within 1 %.
    expect(devices.messages.published).toBe(40_000);
    expect(Math.abs(r.summary.throughput.publishedPerSec - 2000) / 2000).toBeLessThan(0.01);
    expect(devices.messages.acked).toBe(40_000);
    const m = r.summary.messages;
    expect(m.expected).toBe(40_000);
    expect(m.received).toBe(40_000);
    expect(m.lost).toBe(0);
    expect(m.duplicated).toBe(0);
    expect(m.outOfOrder).toBe(0);
    expect(r.summary.latencyMs.endToEnd.count).toBe(40_000);
    expect(r.summary.latencyMs.connect.count).toBe(2001);

    // The oracle saw the same stream set, the same counts.
    expect(seen.tracked.unique).toBe(m.received - m.duplicated);
    expect(seen.tracked.deliveries).toBe(m.received);
    expect(Object.keys(seen.streams)).toHaveLength(2000);
    expect(seen.tracked.duplicates).toBe(m.duplicated);
    expect(r.thresholds).toEqual([
      { expr: 'messages.lossRate == 0', value: 0, ok: true },
      { expr: 'connections.failed == 0', implicit: true, value: 0, ok: true },
    ]);
  }, 90_000);
});
