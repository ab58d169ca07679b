import net from 'node:net';
import { connectAsync } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../../../src/broker/embedded.ts';
import { serveBroker } from '../../../src/broker/serve.ts';
import { useEmbeddedBroker } from '../../helpers/brokers.ts';
import { startOracle } from '../../helpers/oracle.ts';

/** Sends raw bytes, collects what comes back until the broker closes the socket (or 3 s pass). */
function exchange(port: number, bytes: Buffer): Promise<{ reply: Buffer; closedAfterMs: number | null }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ reply: Buffer.concat(chunks), closedAfterMs: null });
    }, 3000);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ reply: Buffer.concat(chunks), closedAfterMs: Date.now() - started });
    });
  });
}

describe('embedded broker (aedes)', () => {
  const broker = useEmbeddedBroker();

  it('listens on a free loopback port and names it in its url', () => {
    expect(broker().port).toBeGreaterThan(0);
    expect(broker().url).toBe(`mqtt://127.0.0.1:${broker().port}`);
  });

  it('delivers QoS 0 and QoS 1 publishes from an mqtt.js client to a subscriber', async () => {
    const oracle = await startOracle(broker().url, ['emb/+/state']);
    const pub = await connectAsync(broker().url, { protocolVersion: 4, reconnectPeriod: 0 });
    for (let i = 0; i < 10; i++) await pub.publishAsync(`emb/${i % 2}/state`, `m${i}`, { qos: 1 });
    for (let i = 0; i < 5; i++) await pub.publishAsync('emb/2/state', 'q0', { qos: 0 });
    await pub.publishAsync('other/topic', 'not subscribed', { qos: 1 });
    await oracle.waitForTotal(15, 5000);
    await pub.endAsync();
    const counts = await oracle.stop();
    expect(counts.total).toBe(15);
    expect(counts.perTopic).toEqual({ 'emb/0/state': 5, 'emb/1/state': 5, 'emb/2/state': 5 });
    expect(counts.untracked).toBe(15);
  });

  it('refuses an MQTT 5 CONNECT with a 3.1.1 CONNACK, return code 1, and closes within 2 s', async () => {
    const connect = mqttPacket.generate(
      {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 5,
        clean: true,
        clientId: 'v5-client',
        keepalive: 60,
        properties: { sessionExpiryInterval: 60 },
      } as mqttPacket.IConnectPacket,
      { protocolVersion: 5 },
    );
    const { reply, closedAfterMs } = await exchange(broker().port, connect);
    expect([...reply]).toEqual([0x20, 0x02, 0x00, 0x01]);
    expect(closedAfterMs).not.toBeNull();
    expect(closedAfterMs!).toBeLessThan(2000);
  });

  it('makes an mqtt.js protocol 5 client fail with "unacceptable protocol version" (code 1)', async () => {
    const started = Date.now();
    const err = await connectAsync(broker().url, { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000 }).then(
      () => null,
      (e: Error & { code?: number }) => e,
    );
    expect(err?.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('close() disconnects connected clients and frees the port', async () => {
    const own = await startEmbeddedBroker({ port: 0 });
    const client = await connectAsync(own.url, { reconnectPeriod: 0 });
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    await own.close();
    await closed;
    await own.close(); // second call is harmless
    const refused = await new Promise<string>((resolve) => {
      const s = net.connect(own.port, '127.0.0.1');
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('reports a port that is taken as one clear line', async () => {
    await expect(startEmbeddedBroker({ port: broker().port })).rejects.toThrow(
      `embedded broker cannot listen on 127.0.0.1:${broker().port}: EADDRINUSE`,
    );
  });
});

describe('serveBroker (fleetstorm broker)', () => {
  it('announces itself, reports connection count changes, and stops when aborted', async () => {
    const lines: string[] = [];
    const abort = new AbortController();
    let listening!: () => void;
    const announced = new Promise<void>((r) => (listening = r));
    const served = serveBroker({
      port: 0,
      statsIntervalMs: 50,
      signal: abort.signal,
      log: (line) => {
        lines.push(line);
        if (line.includes('listening')) listening();
      },
    });
    await announced;
    const match = /^fleetstorm broker listening on mqtt:\/\/127\.0\.0\.1:(\d+) \(aedes, MQTT 3\.1\.1\); Ctrl-C stops it$/.exec(lines[0]);
    expect(match).not.toBeNull();
    const client = await connectAsync(`mqtt://127.0.0.1:${match![1]}`, { reconnectPeriod: 0 });
    const deadline = Date.now() + 3000;
    while (!lines.includes('connections: 1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    await served;
    await client.endAsync(true);
    expect(lines).toEqual([lines[0], 'connections: 1', 'fleetstorm broker stopped']);
  });
});
