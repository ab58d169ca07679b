import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { Connection } from '../../../src/client/connection.ts';
import { PT_PUBACK, PT_PUBCOMP, PT_PUBREC, PT_PUBREL, encodeAck } from '../../../src/client/fast-codec.ts';
import { writeTrackingHeader } from '../../../src/client/tracking.ts';
import { decodeTrackingHeader } from '../../helpers/tracking-header.ts';
import { generate, patterned } from './mqtt-reference.ts';
import { RecordingListener, type RawBroker, settle, startRawBroker, waitUntil } from './raw-broker.ts';

// Session present 0, return / reason code 0; MQTT 5 adds an empty property length.
const CONNACK_OK = { 4: Buffer.from([0x20, 0x02, 0x00, 0x00]), 5: Buffer.from([0x20, 0x03, 0x00, 0x00, 0x00]) };

function connectPacket(protocolVersion: 4 | 5): Buffer {
  return generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion, clientId: 'unit-1', clean: true, keepalive: 0 }, protocolVersion);
}

function trackedPayload(size: number, stream: number, seq: number, t: number): Buffer {
  const payload = patterned(size);
  writeTrackingHeader(payload, 0, stream, seq, t);
  return payload;
}

function publish(protocolVersion: 4 | 5, packet: Omit<IPublishPacket, 'cmd' | 'dup' | 'retain'>): Buffer {
  return generate({ cmd: 'publish', dup: false, retain: false, ...packet }, protocolVersion);
}

let broker: RawBroker | null = null;
let conn: Connection | null = null;
afterEach(async () => {
  conn?.destroy(null);
  conn = null;
  await broker?.stop();
  broker = null;
});

/** Opens a connection to a raw broker that accepts CONNECT with CONNACK 0. */
async function connected(protocol: 4 | 5): Promise<{ listener: RecordingListener; server: net.Socket; connectBytes: number }> {
  broker = await startRawBroker((s) => s.write(CONNACK_OK[protocol]));
  const listener = new RecordingListener();
  conn = new Connection(listener, 3, protocol);
  const connect = connectPacket(protocol);
  conn.open({ host: '127.0.0.1', port: broker.port }, connect, 0);
  const server = await broker.accepted;
  await waitUntil(() => listener.events.length > 0, 'CONNACK');
  expect(listener.events).toEqual([{ kind: 'connack', reason: null }]);
  expect(conn.connected).toBe(true);
  await waitUntil(() => broker!.received().length >= connect.length, 'CONNECT at the broker');
  expect(broker.received().toString('hex')).toBe(connect.toString('hex'));
  return { listener, server, connectBytes: connect.length };
}

describe('Connection over a real socket', () => {
  it('reassembles a QoS 1 PUBLISH split mid fixed header and mid tracking header, and PUBACKs it', async () => {
    const { listener, server, connectBytes } = await connected(4);
    const t = 1_700_000_000_123.25;
    const payload = trackedPayload(200, 77, 5, t);
    const frame = publish(4, { topic: 'home/1/lock/state', payload, qos: 1, messageId: 0x0102 });
    expect(frame[1] & 0x80).toBe(0x80); // two-byte remaining length, so byte 2 splits it
    const payloadStart = frame.length - payload.length;

    server.write(frame.subarray(0, 2));
    await waitUntil(() => conn!.partial?.length === 2, 'first chunk held as partial');
    server.write(frame.subarray(2, payloadStart + 10));
    await waitUntil(() => conn!.partial?.length === payloadStart + 10, 'second chunk held as partial');
    expect(listener.of('message')).toEqual([]);
    server.write(frame.subarray(payloadStart + 10));

    await waitUntil(() => listener.of('message').length === 1, 'message');
    const [msg] = listener.of('message');
    expect(msg.payload.toString('hex')).toBe(payload.toString('hex'));
    expect(decodeTrackingHeader(msg.payload)).toEqual({ flags: 0, streamId: 77, seq: 5, intendedSendTimeMs: t });
    await waitUntil(() => broker!.received().length >= connectBytes + 4, 'PUBACK');
    expect(broker!.received().subarray(connectBytes).toString('hex')).toBe('40020102');
    await settle();
    expect(listener.of('message')).toHaveLength(1);
    expect(conn!.partial).toBeNull();
  });

  it('handles several frames in one chunk, answers QoS 1/2 and the QoS 2 handshake, and matches PUBACK to its publish', async () => {
    const { listener, server, connectBytes } = await connected(4);
    const a = patterned(30);
    const b = patterned(31);
    const c = patterned(32);
    conn!.track(0x33, 555.5);
    conn!.track(0x34, 666.5);
    server.write(
      Buffer.concat([
        publish(4, { topic: 'x/1', payload: a, qos: 1, messageId: 7 }),
        publish(4, { topic: 'x/2', payload: b, qos: 2, messageId: 8 }),
        publish(4, { topic: 'x/3', payload: c, qos: 0 }),
        encodeAck(PT_PUBACK, 0x33),
        encodeAck(PT_PUBREL, 8), // broker's step of the QoS 2 receive handshake
        encodeAck(PT_PUBREC, 0x34), // our QoS 2 publish: broker sends PUBREC, we PUBREL
      ]),
    );
    await waitUntil(() => broker!.received().length >= connectBytes + 16, 'acks');
    expect(listener.of('message').map((m) => m.payload.toString('hex'))).toEqual([a, b, c].map((p) => p.toString('hex')));
    expect(broker!.received().subarray(connectBytes).toString('hex')).toBe('40020007' + '50020008' + '70020008' + '62020034');
    expect(listener.of('ack')).toEqual([{ kind: 'ack', intendedMs: 555.5 }]);
    expect(conn!.inFlight).toBe(1);
    server.write(encodeAck(PT_PUBCOMP, 0x34));
    await waitUntil(() => listener.of('ack').length === 2, 'PUBCOMP');
    expect(listener.of('ack')[1]).toEqual({ kind: 'ack', intendedMs: 666.5 });
    expect(conn!.inFlight).toBe(0);
  });

  it('MQTT 5: skips PUBLISH properties to find the payload', async () => {
    const { listener, server } = await connected(5);
    const payload = trackedPayload(64, 1, 2, 3);
    server.write(
      publish(5, {
        topic: 'v5/t',
        payload,
        qos: 1,
        messageId: 9,
        properties: { messageExpiryInterval: 60, userProperties: { site: 'lab-1' }, contentType: 'application/octet-stream' },
      }),
    );
    await waitUntil(() => listener.of('message').length === 1, 'message');
    expect(listener.of('message')[0].payload.toString('hex')).toBe(payload.toString('hex'));
  });

  it('MQTT 5: reports SUBACK reason codes per subscription', async () => {
    const { listener, server } = await connected(5);
    // SUBACK pid 1, no properties, codes: granted QoS 1, not-authorized, granted QoS 0.
    server.write(Buffer.from([0x90, 0x06, 0x00, 0x01, 0x00, 0x01, 0x87, 0x00]));
    await waitUntil(() => listener.of('suback').length === 3, 'suback');
    expect(listener.of('suback')).toEqual([
      { kind: 'suback', index: 0, reason: null, grantedQos: 1 },
      { kind: 'suback', index: 1, reason: 'suback:not-authorized', grantedQos: -1 },
      { kind: 'suback', index: 2, reason: null, grantedQos: 0 },
    ]);
  });

  it('CONNACK return code 5 reports connack:not-authorized and closes the socket', async () => {
    broker = await startRawBroker((s) => s.write(Buffer.from([0x20, 0x02, 0x00, 0x05])));
    const listener = new RecordingListener();
    conn = new Connection(listener, 0, 4);
    conn.open({ host: '127.0.0.1', port: broker.port }, connectPacket(4), 0);
    await waitUntil(() => listener.of('close').length === 1, 'close');
    await broker.closed;
    expect(listener.events).toEqual([
      { kind: 'connack', reason: 'connack:not-authorized' },
      { kind: 'close', reason: 'connack:not-authorized' },
    ]);
    expect(conn.socket).toBeNull();
    expect(conn.connected).toBe(false);
  });

  it('MQTT 5 CONNACK 0x87 reports connack:not-authorized', async () => {
    broker = await startRawBroker((s) => s.write(Buffer.from([0x20, 0x03, 0x00, 0x87, 0x00])));
    const listener = new RecordingListener();
    conn = new Connection(listener, 0, 5);
    conn.open({ host: '127.0.0.1', port: broker.port }, connectPacket(5), 0);
    await waitUntil(() => listener.of('close').length === 1, 'close');
    expect(listener.events.map((e) => (e.kind === 'connack' || e.kind === 'close' ? e.reason : e.kind))).toEqual([
      'connack:not-authorized',
      'connack:not-authorized',
    ]);
  });

  it('a broker that hangs up at once gives conn:closed-by-broker', async () => {
    broker = await startRawBroker((s) => s.end());
    const listener = new RecordingListener();
    conn = new Connection(listener, 0, 4);
    conn.open({ host: '127.0.0.1', port: broker.port }, connectPacket(4), 0);
    await waitUntil(() => listener.of('close').length === 1, 'close');
    expect(listener.events).toEqual([{ kind: 'close', reason: 'conn:closed-by-broker' }]);
  });

  it('a closed port gives tcp:ECONNREFUSED', async () => {
    const probe = await startRawBroker();
    const port = probe.port;
    await probe.stop();
    const listener = new RecordingListener();
    conn = new Connection(listener, 0, 4);
    conn.open({ host: '127.0.0.1', port }, connectPacket(4), 0);
    await waitUntil(() => listener.of('close').length === 1, 'close');
    expect(listener.events).toEqual([{ kind: 'close', reason: 'tcp:ECONNREFUSED' }]);
  });

  it('a malformed remaining length closes with mqtt:malformed-packet', async () => {
    const { listener, server } = await connected(4);
    server.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
    await waitUntil(() => listener.of('close').length === 1, 'close');
    expect(listener.of('close')).toEqual([{ kind: 'close', reason: 'mqtt:malformed-packet' }]);
  });

  it('a polite disconnect sends DISCONNECT and closes with reason null', async () => {
    const { listener, connectBytes } = await connected(4);
    conn!.disconnect();
    await waitUntil(() => listener.of('close').length === 1, 'close');
    await broker!.closed;
    expect(listener.of('close')).toEqual([{ kind: 'close', reason: null }]);
    expect(broker!.received().subarray(connectBytes).toString('hex')).toBe('e000');
  });

  it('MQTT 5 server DISCONNECT 0x8E (duplicate client id) names the reason', async () => {
    const { listener, server } = await connected(5);
    server.write(Buffer.from([0xe0, 0x02, 0x8e, 0x00]));
    await waitUntil(() => listener.of('close').length === 1, 'close');
    expect(listener.of('close')).toEqual([{ kind: 'close', reason: 'disconnect:session-taken-over' }]);
  });
});
