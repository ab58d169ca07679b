// 1,000 devices publishing QoS 1 over ws:// (subprotocol mqtt), to Mosquitto's `protocol
// websockets` listener and to aedes behind ws's createWebSocketStream. The subscriber group rides
// WebSocket too; an MQTT.js oracle on the broker's plain TCP listener counts what was delivered.

import { describe, expect, it } from 'vitest';
import type { Result } from '../../../src/result/types.ts';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { readResultFile, runCli, startCli, tempDir, writeScenario } from '../../helpers/cli.ts';

const DEVICES = 1000;
const SECONDS = 5;

function scenario(name: string): string {
  return writeScenario({
    schema: 1,
    name,
    duration: `${SECONDS}s`,
    // Ends as soon as every ack and delivery is in; the bound is for a loaded CI machine.
    drain: '20s',
    groups: [
      { name: 'backend', count: 1, clientId: 'backend-{i}', subscribe: [{ topic: 'ws/+/state', qos: 1 }] },
      {
        name: 'devices',
        count: DEVICES,
        clientId: 'ws-dev-{i}',
        connectRate: '500/s',
        publish: [{ topic: 'ws/{i}/state', qos: 1, size: 64, rate: '1/s' }],
      },
    ],
    thresholds: { 'messages.lossRate': '== 0' },
  });
}

/** Runs the scenario against `wsUrl` with an oracle on `oracleUrl`; checks counts both ways. */
async function runAndCompare(name: string, wsUrl: string, oracleUrl: string): Promise<Result> {
  const out = tempDir();
  const oracle = await startOracle(oracleUrl, ['ws/+/state'], { qos: 1 });
  const run = await runCli(['run', scenario(name), '--broker', wsUrl, '--out', out, '--quiet'], { timeoutMs: 80_000 });
  const seen = await oracle.waitForQuiet(1000, 10_000);
  await oracle.stop();
  const r = readResultFile(out);
  if (run.code !== 0) console.log(JSON.stringify({ thresholds: r.thresholds, summary: r.summary, seen: seen.tracked }, null, 1));
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const devices = r.groups.devices;
  expect(r.run.brokers).toEqual([wsUrl]);
  expect(r.summary.connections.succeeded).toBe(DEVICES + 1);
  expect(r.summary.connections.failed).toBe(0);
  expect(devices.messages.published).toBe(DEVICES * SECONDS);
  expect(devices.messages.acked).toBe(devices.messages.published);
  const m = r.summary.messages;
  expect(m.expected).toBe(DEVICES * SECONDS);
  expect(m.received).toBe(m.expected);
  expect(m.lost).toBe(0);
  expect(m.duplicated).toBe(0);
  // The oracle saw what fleetstorm's WebSocket subscriber saw, stream for stream.
  expect(seen.tracked.unique).toBe(m.received - m.duplicated);
  expect(seen.tracked.deliveries).toBe(m.received);
  expect(Object.keys(seen.streams)).toHaveLength(DEVICES);
  return r;
}

describeWithMosquitto('fleet over ws:// to Mosquitto (protocol websockets)', () => {
  const broker = useMosquitto({ websockets: true, maxQueuedMessages: 0 });

  it('1,000 devices, QoS 1: counts equal the oracle, nothing lost', async () => {
    const r = await runAndCompare('ws-mosquitto', broker().wsUrl!, broker().url);
    const parts = r.summary.latencyMs.connectParts;
    expect(parts?.tcp?.count).toBe(DEVICES + 1);
    expect(parts?.wsUpgrade?.count).toBe(DEVICES + 1);
    expect(parts?.connack?.count).toBe(DEVICES + 1);
    expect(parts?.tls).toBeUndefined();
  }, 90_000);
});

/** `fleetstorm broker --ws-port 0` in its own process (not sharing the test's event loop). */
async function startAedesProcess(): Promise<{ url: string; wsUrl: string; stop(): Promise<void> }> {
  const { child, done } = startCli(['broker', '--port', '0', '--ws-port', '0']);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const urls = await new Promise<RegExpExecArray>((resolve, reject) => {
    const poll = setInterval(() => {
      const m = /listening on (mqtt:\/\/[\d.]+:\d+) and (ws:\/\/[\d.]+:\d+\/mqtt)/.exec(err);
      if (m) resolve(m);
      if (m || child.exitCode !== null) clearInterval(poll);
      if (child.exitCode !== null) reject(new Error(`broker exited: ${err}`));
    }, 50);
  });
  const stop = async () => {
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(timer);
  };
  return { url: urls[1], wsUrl: urls[2], stop };
}

describe('fleet over ws:// to aedes (fleetstorm broker --ws-port, createWebSocketStream)', () => {
  it('1,000 devices, QoS 1: counts equal the oracle, nothing lost', async () => {
    const broker = await startAedesProcess();
    try {
      await runAndCompare('ws-aedes', broker.wsUrl, broker.url);
    } finally {
      await broker.stop();
    }
  }, 90_000);
});
