// Restart rehearsal: a Mosquitto with persistence is killed (-9) and restarted mid-run. Devices
// and the backend reconnect with backoff; persistent sessions (clean: false, QoS 1) resume, so
// queued messages survive. fleetstorm's counts are checked against an MQTT.js oracle holding its
// own persistent session through the same restart.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../../../src/broker/mosquitto.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { readResultFile, startCli, tempDir, writeScenario } from '../../helpers/cli.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DEVICES = 40;

describeWithMosquitto('broker restart with persistent sessions', () => {
  let broker: MosquittoHandle;
  beforeAll(async () => {
    broker = await startMosquitto({ persistence: true, maxQueuedMessages: 0 });
  });
  afterAll(async () => broker?.stop());

  it('reconnects everyone and accounts for every QoS 1 message across the restart', async () => {
    const reconnect = { initialDelay: '300ms', maxDelay: '2s', multiplier: 2, jitter: '20%' };
    const out = tempDir();
    const file = writeScenario({
      schema: 1,
      name: 'restart-rehearsal',
      duration: '14s',
      drain: '5s',
      groups: [
        {
          name: 'backend',
          count: 1,
          clientId: 'restart-backend-{i}',
          clean: false,
          reconnect,
          subscribe: [{ topic: 'rr/+/state', qos: 1 }],
        },
        {
          name: 'devices',
          count: DEVICES,
          clientId: 'restart-dev-{i}',
          clean: false,
          connectRate: '200/s',
          reconnect,
          publish: [{ topic: 'rr/{i}/state', qos: 1, size: 64, rate: '2/s' }],
        },
      ],
    });
    const oracle = await startOracle(broker.url, ['rr/+/state'], {
      qos: 1,
      clean: false,
      clientId: 'restart-oracle',
      reconnectPeriodMs: 300,
    });
    const { child, done } = startCli(['run', file, '--broker', broker.url, '--out', out]);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 30_000;
    while (!stderr.includes('steady state') && Date.now() < deadline) await sleep(100);
    await sleep(4000);
    await broker.kill();
    await sleep(1500);
    await broker.restart();
    const run = await done;
    const seen = await oracle.waitForQuiet(1500, 15_000);
    await oracle.stop();
    expect(run.code, stderr).toBe(0);

    const r = readResultFile(out);
    const m = r.summary.messages;
    const c = r.summary.connections;
    // Everyone lost the connection once and came back.
    expect(c.dropped).toBe(DEVICES + 1);
    expect(c.reconnects).toBe(DEVICES + 1);
    expect(r.summary.latencyMs.reconnect.count).toBe(DEVICES + 1);
    // Each lost connection is one error (closed by the broker, or reset); refused retries while the
    // broker was down are counted on their own.
    const losses = Object.entries(r.summary.errors).filter(([reason]) => reason !== 'tcp:ECONNREFUSED');
    expect(losses.reduce((n, [, k]) => n + k, 0)).toBe(DEVICES + 1);
    // Sends due while a device was offline were skipped, not published; the rest are accounted.
    expect(m.published + (m.skipped ?? 0)).toBe(DEVICES * 2 * 14);
    expect(m.skipped).toBeGreaterThan(0);
    expect(m.expected).toBe(m.published);
    expect(m.lost).toBe(m.expected - (m.received - m.duplicated));
    // The oracle's persistent session saw the same set of messages survive.
    expect(seen.tracked.unique).toBe(m.received - m.duplicated);
    console.log(
      `restart rehearsal: published ${m.published}, skipped ${m.skipped}, acked ${m.acked}, received ${m.received}, ` +
        `duplicated ${m.duplicated}, lost ${m.lost}; oracle unique ${seen.tracked.unique}, dup ${seen.tracked.duplicates}; ` +
        `reconnect gap p50 ${r.summary.latencyMs.reconnect.p50} ms p99 ${r.summary.latencyMs.reconnect.p99} ms`,
    );
  }, 90_000);
});
