// Paced connects everywhere, checked from outside fleetstorm by a TCP proxy in front of Mosquitto
// that timestamps every CONNECT and counts the attempts awaiting their CONNACK.
//  - A storm of 3,000 clients at 500/s: the achieved rate within 1 %, every full second within
//    ±10 % of 500.
//  - A restart of a Mosquitto holding 3,000 persistent devices, maxConnectsInFlight 200, with the
//    proxy holding each CONNACK back 100 ms so that attempts pile up: never more than 200 awaiting
//    a CONNACK, in the first storm or in the reconnect storm after the restart, and result.json's
//    connections.maxInFlight says the same. The same run with the bound lifted goes well past 200,
//    so the check can fail.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../../../src/broker/mosquitto.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, startCli, tempDir, writeScenario } from '../../helpers/cli.ts';
import { startConnectProxy } from '../../helpers/connect-proxy.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DEVICES = 3000;

describeWithMosquitto('paced connects', () => {
  let broker: MosquittoHandle;
  beforeAll(async () => {
    broker = await startMosquitto({ persistence: true, maxQueuedMessages: 0 });
  });
  afterAll(async () => broker?.stop());

  it('a storm of 3,000 at 500/s keeps its rate, second by second', async () => {
    const proxy = await startConnectProxy({ host: '127.0.0.1', port: broker.port }, { only: 'pace-' });
    const out = tempDir();
    const file = writeScenario({
      schema: 1,
      name: 'storm-500',
      duration: '1s',
      groups: [{ name: 'devices', count: DEVICES, clientId: 'pace-{i}', connectRate: '500/s', keepalive: '0s' }],
    });
    const run = await runCli(['run', file, '--broker', proxy.url, '--out', out, '--quiet'], { timeoutMs: 60_000 });
    await proxy.close();
    expect(run.code, run.stderr).toBe(0);
    expect(readResultFile(out).summary.connections.succeeded).toBe(DEVICES);
    const t = proxy.connects;
    expect(t).toHaveLength(DEVICES);
    const achieved = ((t.length - 1) / (t[t.length - 1]! - t[0]!)) * 1000;
    const perSecond = new Array<number>(Math.floor((t[t.length - 1]! - t[0]!) / 1000)).fill(0);
    for (const at of t) {
      const s = Math.floor((at - t[0]!) / 1000);
      if (s < perSecond.length) perSecond[s]!++;
    }
    console.log(`storm: achieved ${achieved.toFixed(2)}/s, per second ${perSecond.join(' ')}`);
    expect(Math.abs(achieved / 500 - 1)).toBeLessThan(0.01);
    expect(perSecond.length).toBeGreaterThanOrEqual(5); // whole seconds from the first connect
    for (const n of perSecond) expect(Math.abs(n / 500 - 1)).toBeLessThanOrEqual(0.1);
  }, 90_000);

  async function restartRun(maxConnectsInFlight: number) {
    const proxy = await startConnectProxy({ host: '127.0.0.1', port: broker.port }, { connackDelayMs: 100, only: 'bound-' });
    const out = tempDir();
    const file = writeScenario({
      schema: 1,
      name: 'restart-bound',
      duration: '12s',
      drain: '2s',
      groups: [
        {
          name: 'devices',
          count: DEVICES,
          clientId: `bound-${maxConnectsInFlight}-{i}`,
          clean: false,
          keepalive: '0s',
          connectRate: '5000/s',
          maxConnectsInFlight,
          reconnect: { initialDelay: '200ms', maxDelay: '1s', multiplier: 2, jitter: '50%' },
        },
      ],
    });
    const { child, done } = startCli(['run', file, '--broker', proxy.url, '--out', out]);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 40_000;
    while (!stderr.includes('steady state') && Date.now() < deadline) await sleep(100);
    const storm = proxy.maxPending();
    proxy.resetMax();
    await sleep(1000);
    await broker.kill();
    await sleep(1000);
    await broker.restart();
    const run = await done;
    await proxy.close();
    expect(run.code, stderr).toBe(0);
    const c = readResultFile(out).summary.connections;
    return { storm, restart: proxy.maxPending(), maxInFlight: c.maxInFlight, reconnects: c.reconnects };
  }

  it('a restart with 3,000 persistent devices never has more than maxConnectsInFlight awaiting CONNACK', async () => {
    const bounded = await restartRun(200);
    const unbounded = await restartRun(100_000);
    console.log(`awaiting CONNACK at most: bound 200 → ${JSON.stringify(bounded)}; no bound → ${JSON.stringify(unbounded)}`);
    expect(bounded.reconnects).toBe(DEVICES);
    expect(bounded.storm).toBeLessThanOrEqual(200);
    expect(bounded.restart).toBeLessThanOrEqual(200);
    expect(bounded.maxInFlight).toBeLessThanOrEqual(200);
    expect(bounded.maxInFlight).toBeGreaterThanOrEqual(Math.max(bounded.storm, bounded.restart));
    // the proof that the proxy would catch a missing bound
    expect(Math.max(unbounded.storm, unbounded.restart)).toBeGreaterThan(300);
  }, 120_000);
});
