// Connect time in parts, against one Mosquitto serving mqtt://, mqtts://, ws:// and wss://:
// each connection's timestamps come in order and only for the steps its transport has; through
// the CLI, the parts' means add up to the connect mean, and result.json lists only the parts used.
// The wss:// run also checks MQTT over TLS WebSocket end to end against an MQTT.js oracle.

import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it, beforeAll } from 'vitest';
import { makeTestCerts, type TestCerts } from '../../../src/broker/certs.ts';
import { Connection, wallNowMs, loadWebSocketTransport } from '../../../src/client/connection.ts';
import { parseEndpoint } from '../../../src/client/endpoint-config.ts';
import { CONNECT_PARTS, type Result } from '../../../src/result/types.ts';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { generate } from '../../unit/client/mqtt-reference.ts';
import { RecordingListener, waitUntil } from '../../unit/client/raw-broker.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-ws-parts-'));
const certs: TestCerts = makeTestCerts(path.join(scratch, 'certs'));

beforeAll(loadWebSocketTransport);
describeWithMosquitto('connect time in parts (mqtt, mqtts, ws, wss to one Mosquitto)', () => {
  const broker = useMosquitto({ websockets: true, tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey } });
  const urls = () => ({ mqtt: broker().url, mqtts: broker().tlsUrl!, ws: broker().wsUrl!, wss: broker().wssUrl! });

  it('stamps TCP, TLS and WebSocket steps in order, only where the transport has them', async () => {
    const tls = { ca: readFileSync(certs.ca) };
    for (const [scheme, url] of Object.entries(urls())) {
      const listener = new RecordingListener();
      const conns: Connection[] = [];
      const starts: number[] = [];
      const connacks: number[] = [];
      listener.onConnack = (c: Connection, reason: string | null) => {
        listener.events.push({ kind: 'connack', reason });
        connacks[c.id] = wallNowMs();
      };
      for (let i = 0; i < 20; i++) {
        const conn = new Connection(listener, i, 4);
        starts.push(wallNowMs());
        const connect = generate(
          { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: `parts-${scheme}-${i}`, clean: true, keepalive: 0 },
          4,
        );
        conn.open(parseEndpoint(url, tls), connect, starts[i]);
        conns.push(conn);
      }
      await waitUntil(() => listener.of('connack').length === 20, `20 CONNACKs over ${scheme}`, 10_000);
      expect(listener.of('connack').every((e) => e.reason === null)).toBe(true);
      for (const [i, conn] of conns.entries()) {
        const secure = scheme === 'mqtts' || scheme === 'wss';
        const web = scheme === 'ws' || scheme === 'wss';
        expect(conn.tcpAt, `${scheme} #${i} tcp`).toBeGreaterThanOrEqual(starts[i]);
        expect(conn.tlsAt > 0, `${scheme} #${i} tls`).toBe(secure);
        expect(conn.wsAt > 0, `${scheme} #${i} ws`).toBe(web);
        const steps = [starts[i], conn.tcpAt, conn.tlsAt || conn.tcpAt, conn.wsAt || conn.tlsAt || conn.tcpAt, connacks[i]];
        for (let k = 1; k < steps.length; k++) expect(steps[k], `${scheme} #${i} step ${k}`).toBeGreaterThanOrEqual(steps[k - 1]);
      }
      for (const conn of conns) conn.disconnect();
      await waitUntil(() => listener.of('close').length === 20, `20 closes over ${scheme}`, 10_000);
    }
  }, 60_000);

  /** 30 devices for 1 s, QoS 1 to one subscriber, over `url`; the result. */
  async function run(name: string, url: string): Promise<Result> {
    const out = tempDir();
    const file = writeScenario({
      schema: 1,
      name,
      duration: '1s',
      drain: '10s',
      broker: { url, ...(url.startsWith('mqtts') || url.startsWith('wss') ? { tls: { ca: certs.ca } } : {}) },
      groups: [
        { name: 'backend', count: 1, clientId: `${name}-backend`, subscribe: [{ topic: `${name}/+/t`, qos: 1 }] },
        {
          name: 'devices',
          count: 30,
          clientId: `${name}-{i}`,
          connectRate: '200/s',
          publish: [{ topic: `${name}/{i}/t`, qos: 1, size: 48, rate: '2/s' }],
        },
      ],
    });
    const r = await runCli(['run', file, '--out', out, '--quiet'], { timeoutMs: 40_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return readResultFile(out);
  }

  it('result.json: parts used by the transport only, their means adding up to the connect mean', async () => {
    const expected: Record<string, string[]> = {
      mqtt: ['tcp', 'connack'],
      mqtts: ['tcp', 'tls', 'connack'],
      ws: ['tcp', 'wsUpgrade', 'connack'],
      wss: ['tcp', 'tls', 'wsUpgrade', 'connack'],
    };
    for (const [scheme, url] of Object.entries(urls())) {
      const oracle = scheme === 'wss' ? await startOracle(broker().url, ['parts-wss/+/t'], { qos: 1 }) : null;
      const r = await run(`parts-${scheme}`, url);
      const parts = r.summary.latencyMs.connectParts!;
      const connect = r.summary.latencyMs.connect;
      expect(Object.keys(parts), scheme).toEqual(expected[scheme]);
      expect(Object.keys(r.groups.devices.latencyMs.connectParts!), scheme).toEqual(expected[scheme]);
      expect(Object.keys(r.histograms.connectParts!), scheme).toEqual(expected[scheme]);
      let meanSum = 0;
      for (const name of CONNECT_PARTS) {
        if (!parts[name]) continue;
        expect(parts[name].count, `${scheme} ${name}`).toBe(connect.count);
        meanSum += parts[name].mean;
      }
      // Each part is rounded to whole µs and to its HDR bucket (0.1 %): a few µs per part, 0.1 % overall.
      expect(Math.abs(meanSum - connect.mean), scheme).toBeLessThanOrEqual(0.004 * expected[scheme].length + connect.mean * 0.002);
      const m = r.summary.messages;
      expect(m.lost, scheme).toBe(0);
      expect(m.received, scheme).toBe(m.expected);
      if (oracle) {
        const seen = await oracle.waitForQuiet(500, 5000);
        await oracle.stop();
        expect(seen.tracked.unique).toBe(m.received);
        expect(Object.keys(seen.streams)).toHaveLength(30);
      }
    }
  }, 180_000);
});
