// A `Connection` against a real Mosquitto 2 under MQTT 5: acks that refuse are refusals, counted
// exactly, and checked against what the broker itself logged (`log_type all`) or what an MQTT.js
// client was granted — figures fleetstorm did not compute.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Connection } from '../../../src/client/connection.ts';
import { encodeConnect } from '../../../src/client/control-packets.ts';
import { buildPublishTemplate } from '../../../src/client/fast-codec.ts';
import { startMosquitto, type MosquittoOptions } from '../../../src/broker/mosquitto.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { generate } from '../../unit/client/mqtt-reference.ts';
import { RecordingListener, waitUntil } from '../../unit/client/raw-broker.ts';

const ACL = ['topic readwrite fs/ok/#', 'topic read fs/secret/#', ''].join('\n');

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-acks-'));
  writeFileSync(path.join(dir, 'acl'), ACL);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `body` against a Mosquitto with the ACL above, logging everything to a file of its own;
 * returns that log once the broker has stopped (so it is complete).
 */
async function withMosquitto(name: string, opts: MosquittoOptions, body: (port: number) => Promise<void>): Promise<string> {
  const log = path.join(dir, `${name}.log`);
  const broker = await startMosquitto({
    ...opts,
    extraConfig: [`acl_file ${path.join(dir, 'acl')}`, `log_dest file ${log}`, 'log_type all', ...(opts.extraConfig ?? [])],
  });
  try {
    await body(broker.port);
  } finally {
    await broker.stop();
  }
  return readFileSync(log, 'utf8');
}

async function openV5(port: number, clientId: string): Promise<{ conn: Connection; listener: RecordingListener }> {
  const listener = new RecordingListener();
  const conn = new Connection(listener, 0, 5);
  conn.open({ host: '127.0.0.1', port }, encodeConnect({ protocol: 5, clientId, clean: true, keepaliveSec: 0, sessionExpirySec: 0 }), 0);
  await waitUntil(() => listener.of('connack').length === 1, 'CONNACK', 5000);
  expect(listener.of('connack')).toEqual([{ kind: 'connack', reason: null }]);
  return { conn, listener };
}

async function close(conn: Connection, listener: RecordingListener): Promise<void> {
  conn.disconnect();
  await waitUntil(() => listener.of('close').length === 1, 'close', 5000);
}

/** Publishes the way the engine does (track, then write), all in one TCP burst; intendedMs = pid. */
function burst(conn: Connection, sends: { topic: string; qos: 1 | 2 }[]): void {
  conn.socket!.cork();
  for (const { topic, qos } of sends) {
    const tpl = buildPublishTemplate(topic, 24, qos, false, 5);
    const pid = conn.allocPid();
    tpl.bytes.writeUInt16BE(pid, tpl.pidOffset);
    conn.track(pid, pid);
    conn.write(tpl.bytes, 0);
  }
  conn.socket!.uncork();
}

/** Packet ids in broker log lines matching `re`, whose first group is the id. */
function idsIn(log: string, re: RegExp): number[] {
  return [...log.matchAll(re)].map((m) => Number(m[1])).sort((a, b) => a - b);
}

describeWithMosquitto('Connection acks against Mosquitto 2.0 (MQTT 5)', () => {
  it('QoS 1 publishes the ACL denies are refused as puback:not-authorized, exactly as many as the broker denied', async () => {
    const sends = Array.from({ length: 35 }, (_, k) => ({ topic: k % 7 < 5 ? `fs/secret/${k}` : `fs/ok/${k}`, qos: 1 as const }));
    let listener!: RecordingListener;
    const log = await withMosquitto('acl', {}, async (port) => {
      const opened = await openV5(port, 'fs-acl');
      listener = opened.listener;
      burst(opened.conn, sends);
      await waitUntil(() => listener.of('refused').length + listener.of('ack').length === 35, 'every ack', 5000);
      expect(opened.conn.inFlight).toBe(0);
      await close(opened.conn, listener);
    });
    const deniedPids = sends.flatMap((s, k) => (s.topic.startsWith('fs/secret/') ? [k + 1] : []));
    expect(deniedPids).toHaveLength(25);
    expect(listener.of('refused')).toEqual(
      deniedPids.map((pid) => ({ kind: 'refused', reason: 'puback:not-authorized', intendedMs: pid })),
    );
    expect(listener.of('ack').map((a) => a.intendedMs)).toEqual(sends.flatMap((s, k) => (s.topic.startsWith('fs/ok/') ? [k + 1] : [])));
    // The broker's own account: 25 denied, each answered PUBACK 0x87 (135) with that id.
    expect(log.match(/Denied PUBLISH from fs-acl /g)).toHaveLength(25);
    expect(idsIn(log, /Sending PUBACK to fs-acl \(m(\d+), rc135\)/g)).toEqual(deniedPids);
  });

  it('QoS 2 over Receive Maximum: PUBREC 0x97 is refused as pubrec:quota-exceeded and gets no PUBREL', async () => {
    let listener!: RecordingListener;
    const log = await withMosquitto('quota', { maxInflightMessages: 2 }, async (port) => {
      const opened = await openV5(port, 'fs-quota');
      listener = opened.listener;
      burst(
        opened.conn,
        Array.from({ length: 20 }, (_, k) => ({ topic: `fs/ok/q${k}`, qos: 2 as const })),
      );
      await waitUntil(() => listener.of('refused').length + listener.of('ack').length === 20, 'every final ack', 5000);
      expect(opened.conn.inFlight).toBe(0);
      await close(opened.conn, listener);
    });
    const refused = listener.of('refused');
    expect(refused.length).toBeGreaterThan(0); // else this broker did not refuse and the test proves nothing
    expect(new Set(refused.map((r) => r.reason))).toEqual(new Set(['pubrec:quota-exceeded']));
    const refusedPids = refused.map((r) => r.intendedMs).sort((a, b) => a - b);
    const ackedPids = listener
      .of('ack')
      .map((a) => a.intendedMs)
      .sort((a, b) => a - b);
    // The broker refused exactly these ids (rc151 = 0x97), released exactly the others.
    expect(idsIn(log, /Sending PUBREC to fs-quota \(m(\d+), rc151\)/g)).toEqual(refusedPids);
    expect(idsIn(log, /Received PUBREL from fs-quota \(Mid: (\d+)\)/g)).toEqual(ackedPids);
    expect(idsIn(log, /Sending PUBCOMP to fs-quota \(m(\d+)\)/g)).toEqual(ackedPids);
  });

  it('SUBACK passes the granted QoS through (max_qos 1 grants 1 for 2), the same as MQTT.js is granted', async () => {
    const subscriptions = [
      { topic: 'fs/ok/#', qos: 2 as const },
      { topic: 'fs/secret/+', qos: 1 as const },
      { topic: 'fs/ok/c', qos: 0 as const },
    ];
    let ours: { reason: string | null; grantedQos: number }[] = [];
    let theirs: number[] = [];
    await withMosquitto('suback', { extraConfig: ['max_qos 1'] }, async (port) => {
      const { conn, listener } = await openV5(port, 'fs-sub');
      conn.write(generate({ cmd: 'subscribe', messageId: conn.allocPid(), subscriptions }, 5), 0);
      await waitUntil(() => listener.of('suback').length === 3, 'SUBACK', 5000);
      ours = listener.of('suback').map((s) => ({ reason: s.reason, grantedQos: s.grantedQos }));
      await close(conn, listener);
      const oracle = await connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 5, reconnectPeriod: 0 });
      theirs = (
        await oracle.subscribeAsync(subscriptions.map((s) => ({ [s.topic]: { qos: s.qos } })).reduce((a, b) => ({ ...a, ...b })))
      ).map((g) => g.qos);
      await oracle.endAsync();
    });
    expect(ours).toEqual([
      { reason: null, grantedQos: 1 },
      { reason: null, grantedQos: 1 },
      { reason: null, grantedQos: 0 },
    ]);
    expect(theirs).toEqual([1, 1, 0]);
  });
});
