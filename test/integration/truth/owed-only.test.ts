// Truth tests for what a delivery counts as, run through the CLI against a real Mosquitto 2.0 and
// checked against figures fleetstorm did not compute: the plan's own message counts, an MQTT.js
// subscriber on the same filter, and the broker's log.
//
// - Owed only: retained state left by an earlier run, replayed on subscribe, must not fill the hole
//   left by publishes the broker acknowledged and silently dropped (an ACL under MQTT 3.1.1).
// - Refusals: under MQTT 5 the same ACL answers PUBACK 0x87; those are refused, not acked, and
//   what they owed the subscriber is lost.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../../../src/broker/mosquitto.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';
import { startOracle } from '../../helpers/oracle.ts';

// Everyone reads t/#; only t/r/# and t/ok/# may be written. Publishes to t/secret/# are denied.
const ACL = ['topic read t/#', 'topic write t/r/#', 'topic write t/ok/#', ''].join('\n');

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-owed-'));
  writeFileSync(path.join(dir, 'acl'), ACL);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function mosquitto(log: string): Promise<MosquittoHandle> {
  return startMosquitto({ extraConfig: [`acl_file ${path.join(dir, 'acl')}`, `log_dest file ${log}`, 'log_type all'] });
}

/** 10 devices × 2/s × 5 s = 100 QoS 1 publishes to t/secret/…, 5 × 1/s × 5 s = 25 to t/ok/…, one backend on t/#. */
function mainScenario(protocol: 4 | 5): Record<string, unknown> {
  return {
    schema: 1,
    name: 'owed-only',
    duration: '5s',
    drain: '1s',
    broker: { protocol },
    groups: [
      { name: 'backend', count: 1, clientId: 'backend-{i}', subscribe: [{ topic: 't/#', qos: 1 }] },
      {
        name: 'secret',
        count: 10,
        clientId: 'secret-{i}',
        connectRate: '500/s',
        publish: [{ topic: 't/secret/{i}', qos: 1, rate: '2/s' }],
      },
      { name: 'ok', count: 5, clientId: 'ok-{i}', connectRate: '500/s', publish: [{ topic: 't/ok/{i}', qos: 1, rate: '1/s' }] },
    ],
    thresholds: { 'messages.lossRate': '== 0' },
  };
}

describeWithMosquitto('owed-only accounting against Mosquitto 2.0', () => {
  it('retained state from an earlier run neither fills nor hides the 100 messages an ACL dropped (MQTT 3.1.1)', async () => {
    const broker = await mosquitto(path.join(dir, 'v4.log'));
    try {
      // The earlier run: 100 devices leave retained state on t/r/{i}.
      const earlier = writeScenario({
        schema: 1,
        name: 'earlier',
        duration: '1s',
        drain: '1s',
        groups: [
          {
            name: 'state',
            count: 100,
            clientId: 'state-{i}',
            connectRate: '1000/s',
            publish: [{ topic: 't/r/{i}', qos: 1, retain: true, onConnect: true }],
          },
        ],
      });
      const first = await runCli(['run', earlier, '--broker', broker.url, '--out', tempDir(), '--quiet']);
      expect(first.code, first.stderr).toBe(0);

      // The witness subscribes the way the backend will, just before the run.
      const oracle = await startOracle(broker.url, ['t/#'], { qos: 1 });
      const out = tempDir();
      const run = await runCli(['run', writeScenario(mainScenario(4)), '--broker', broker.url, '--out', out]);
      const seen = await oracle.stop();
      const r = readResultFile(out);
      const m = r.groups.backend.messages;

      // The plan: 125 owed (100 secret + 25 ok). The broker delivered only the 25 it allowed.
      expect(r.summary.messages.published).toBe(125);
      expect(m.expected).toBe(125);
      const owedSeen = Object.entries(seen.perTopic)
        .filter(([t]) => t.startsWith('t/ok/'))
        .reduce((n, [, k]) => n + k, 0);
      expect(owedSeen).toBe(25);
      expect(seen.perTopic['t/secret/0']).toBeUndefined();
      expect(m.received).toBe(owedSeen);
      expect(m.lost).toBe(100);
      // Beyond what it was owed, the witness saw exactly the retained replays fleetstorm counted apart.
      expect(seen.retained).toBe(100);
      expect(seen.total - owedSeen).toBe(100);
      expect(m.retained).toBe(seen.retained);
      expect((m.retained ?? 0) + (m.will ?? 0) + (m.notOwed ?? 0)).toBe(seen.total - owedSeen);
      expect(r.summary.messages.retained).toBe(100);
      expect(run.stderr).toMatch(/not owed \(counted apart, no part of received\): retained 100/);
      // The loss gate sees it: exit 3.
      // (every client connected, so the implicit connections.failed gate passes beside it)
      expect(r.thresholds).toEqual([
        { expr: 'messages.lossRate == 0', value: 0.8, ok: false },
        { expr: 'connections.failed == 0', implicit: true, value: 0, ok: true },
      ]);
      expect(run.code).toBe(3);
    } finally {
      await broker.stop();
    }
  });

  it('MQTT 5: PUBACK 0x87 is refused, not acked, counted as puback:not-authorized exactly as the broker denied, and lost', async () => {
    const log = path.join(dir, 'v5.log');
    const broker = await mosquitto(log);
    const out = tempDir();
    let code: number | null = null;
    try {
      const run = await runCli(['run', writeScenario(mainScenario(5)), '--broker', broker.url, '--out', out, '--quiet']);
      code = run.code;
    } finally {
      await broker.stop();
    }
    const r = readResultFile(out);
    const text = readFileSync(log, 'utf8');
    const denied = text.match(/Denied PUBLISH from secret-\d+ /g)?.length ?? 0;
    const refusedAcks = text.match(/Sending PUBACK to secret-\d+ \(m\d+, rc135\)/g)?.length ?? 0;
    expect(denied).toBe(100);
    expect(refusedAcks).toBe(100);
    expect(r.groups.secret.messages).toMatchObject({ published: 100, acked: 0, refused: denied });
    expect(r.groups.secret.errors).toEqual({ 'puback:not-authorized': denied });
    expect(r.groups.ok.messages).toMatchObject({ published: 25, acked: 25, refused: 0 });
    expect(r.summary.messages.acked).toBe(25);
    expect(r.summary.latencyMs.publishAck.count).toBe(25); // refusals are not in the ack latency
    expect(r.groups.backend.messages).toMatchObject({ expected: 125, received: 25, lost: 100 });
    expect(code).toBe(3);
  });
});
