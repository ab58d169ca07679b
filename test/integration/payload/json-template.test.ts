// A JSON payload template against real brokers: an MQTT.js subscriber (the oracle) parses every
// delivery with JSON.parse and checks the rendered fields — {clientId} is the device in the
// topic, {seq} rises per device, {rand} stays in its range, {pick} among its options, the
// payload is padded to `size` — while fleetstorm, reading the tracking field that leads each
// object, still reports end-to-end latency and loss, with counts equal to the oracle's.

import { describe, expect, it } from 'vitest';
import { describeWithMosquitto, useEmbeddedBroker, useMosquitto } from '../../helpers/brokers.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

const DEVICES = 20;
const RATE = 4; // per device per second
const DURATION_S = 3;
const SIZE = 200;
const STATES = ['locked', 'unlocked', 'jammed'];

const scenario = (prefix: string) => ({
  schema: 1,
  name: 'payload-json',
  duration: `${DURATION_S}s`,
  drain: '2s',
  groups: [
    {
      name: 'locks',
      count: DEVICES,
      clientId: `${prefix}-lock-{i}`,
      publish: [
        {
          topic: `${prefix}/{clientId}/state`,
          qos: 1,
          rate: `${RATE}/s`,
          size: SIZE,
          payload:
            '{"lock":"{clientId}","seq":{seq},"ts":{now},"battery":{rand:20-100},"temp":{rand:-5.5-30.25},"state":"{pick:locked|unlocked|jammed}"}',
        },
      ],
    },
    { name: 'backend', count: 1, clientId: `${prefix}-backend`, subscribe: [{ topic: `${prefix}/+/state`, qos: 1 }] },
  ],
});

interface Checked {
  parsed: number;
  unparsable: number;
  wrong: string[];
}

async function runAgainst(url: string, prefix: string): Promise<void> {
  const oracle = await startOracle(url, [`${prefix}/+/state`]);
  const checked: Checked = { parsed: 0, unparsable: 0, wrong: [] };
  const lastSeq = new Map<string, number>();
  oracle.client.on('message', (topic, payload) => {
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(payload.toString('utf8'));
    } catch {
      checked.unparsable++;
      return;
    }
    checked.parsed++;
    const device = topic.split('/')[1];
    const seq = doc.seq as number;
    const problems = [
      doc.lock !== device && `lock ${String(doc.lock)} on ${topic}`,
      payload.length !== SIZE && `length ${payload.length}`,
      !(seq > (lastSeq.get(device) ?? -1)) && `seq ${seq} after ${lastSeq.get(device)} on ${device}`,
      !(Number.isInteger(doc.battery) && (doc.battery as number) >= 20 && (doc.battery as number) <= 100) &&
        `battery ${String(doc.battery)}`,
      !(typeof doc.temp === 'number' && doc.temp >= -5.5 && doc.temp <= 30.25) && `temp ${String(doc.temp)}`,
      !STATES.includes(doc.state as string) && `state ${String(doc.state)}`,
      !(typeof doc.ts === 'number' && Math.abs(doc.ts - Date.now()) < 60_000) && `ts ${String(doc.ts)}`,
      Object.keys(doc)[0] !== '_fs' && 'tracking field not first',
    ].filter((p): p is string => typeof p === 'string');
    if (problems.length && checked.wrong.length < 5) checked.wrong.push(problems.join(', '));
    lastSeq.set(device, seq);
  });
  const out = tempDir();
  const run = await runCli(['run', writeScenario(scenario(prefix)), '--broker', url, '--out', out, '--quiet']);
  const seen = await oracle.waitForQuiet(500, 10_000);
  await oracle.stop();
  expect(run.code, run.stderr).toBe(0);

  expect(checked.unparsable).toBe(0);
  expect(checked.wrong).toEqual([]);
  expect(checked.parsed).toBe(seen.total);
  // The oracle decodes the tracking field on its own (JSON.parse, hex): every message is tracked.
  expect(seen.untracked).toBe(0);
  expect(seen.tracked).toMatchObject({ unique: seen.total, duplicates: 0 });
  expect(Object.keys(seen.streams)).toHaveLength(DEVICES);
  expect(lastSeq.size).toBe(DEVICES);

  const r = readResultFile(out);
  expect(r.summary.messages.published).toBe(DEVICES * RATE * DURATION_S);
  expect(seen.total).toBe(r.summary.messages.published);
  expect(r.groups.backend.messages).toMatchObject({ expected: seen.total, received: seen.total, lost: 0, duplicated: 0, notOwed: 0 });
  expect(r.summary.latencyMs.endToEnd.count).toBe(seen.total);
  expect(r.summary.latencyMs.endToEnd.max).toBeLessThan(2_000);
}

describeWithMosquitto('JSON payload template on Mosquitto', () => {
  const broker = useMosquitto();
  it('every delivery parses as JSON with the rendered fields, and fleetstorm tracks each one', async () => {
    await runAgainst(broker().url, 'pljm');
  });
});

describe('JSON payload template on the embedded aedes', () => {
  const broker = useEmbeddedBroker();
  it('every delivery parses as JSON with the rendered fields, and fleetstorm tracks each one', async () => {
    await runAgainst(broker().url, 'plja');
  });
});

const commandScenario = {
  schema: 1,
  name: 'payload-commands',
  duration: '3s',
  drain: '2s',
  groups: [
    {
      name: 'app',
      count: 2,
      clientId: 'plc-app-{i}',
      subscribe: [{ topic: 'plc/+/reply', qos: 1 }],
      commands: [
        {
          to: 'locks',
          topic: 'plc/{target}/cmd',
          qos: 1,
          totalRate: '20/s',
          timeout: '2s',
          payload: '{"cmd":"{pick:unlock|lock}","lock":{target},"from":"{clientId}","n":{seq}}',
        },
      ],
    },
    {
      name: 'locks',
      count: 10,
      clientId: 'plc-lock-{i}',
      subscribe: [{ topic: 'plc/{i}/cmd', qos: 1 }],
      reply: { topic: 'plc/{i}/reply', qos: 1, thinkTime: '10ms' },
    },
  ],
};

describeWithMosquitto('JSON command payloads on Mosquitto', () => {
  const broker = useMosquitto();
  it('devices recognise JSON commands by their tracking field and every round trip is measured', async () => {
    const oracle = await startOracle(broker().url, ['plc/+/cmd']);
    const wrong: string[] = [];
    oracle.client.on('message', (topic, payload) => {
      try {
        const doc = JSON.parse(payload.toString('utf8'));
        const target = Number(topic.split('/')[1]);
        if (doc.lock !== target || !['unlock', 'lock'].includes(doc.cmd) || !/^plc-app-[01]$/.test(doc.from))
          wrong.push(payload.toString());
      } catch {
        wrong.push(`unparsable: ${payload.toString()}`);
      }
    });
    const out = tempDir();
    const run = await runCli(['run', writeScenario(commandScenario), '--broker', broker().url, '--out', out, '--quiet']);
    const seen = await oracle.waitForQuiet(500, 10_000);
    await oracle.stop();
    expect(run.code, run.stderr).toBe(0);
    expect(wrong.slice(0, 3)).toEqual([]);
    const r = readResultFile(out);
    // 20 commands/s for 3 s; the oracle saw each one once, with the tracking field it decodes itself.
    expect(seen.total).toBe(60);
    expect(seen.tracked.unique).toBe(60);
    expect(r.groups.app.commands).toEqual({ sent: 60, replied: 60, late: 0, noReply: 0 });
    expect(r.summary.latencyMs.commandRoundTrip.count).toBe(60);
    expect(r.summary.latencyMs.commandRoundTrip.min).toBeGreaterThanOrEqual(10);
    expect(r.groups.locks.messages).toMatchObject({ expected: 60, received: 60, lost: 0, duplicated: 0 });
  });
});
