import { statSync } from 'node:fs';
import mqtt, { connectAsync } from 'mqtt';
import { expect, it } from 'vitest';
import { startMosquitto } from '../../../src/broker/mosquitto.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { decodeTrackingHeader, encodeTrackingPayload } from '../../helpers/tracking-header.ts';

function mtimeNs(file: string): bigint {
  try {
    return statSync(file, { bigint: true }).mtimeNs;
  } catch {
    return 0n;
  }
}

async function waitForChange(file: string, since: bigint, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (mtimeNs(file) === since) {
    if (Date.now() > deadline) throw new Error(`${file} was not rewritten within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const SUBSCRIBER = { clientId: 'persistent-sub', clean: false, protocolVersion: 4 as const, reconnectPeriod: 0 };

/** Reconnects the persistent session with the message handler attached before CONNACK: the
 * broker sends queued messages right behind it, often in the same TCP segment. */
async function resumeSession(
  url: string,
  windowMs: number,
): Promise<{ messages: Array<{ topic: string; payload: Buffer; qos: number }>; sessionPresent: boolean }> {
  const messages: Array<{ topic: string; payload: Buffer; qos: number }> = [];
  const client = mqtt.connect(url, SUBSCRIBER);
  client.on('message', (topic, payload, packet) => messages.push({ topic, payload, qos: packet.qos }));
  const connack = await new Promise<{ sessionPresent: boolean }>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  await new Promise((r) => setTimeout(r, windowMs)); // the message, or a duplicate, arrives within this
  await client.endAsync();
  return { messages, sessionPresent: connack.sessionPresent };
}

describeWithMosquitto('mosquitto persistence', () => {
  it('keeps a QoS 1 message queued for an offline persistent session across kill -9 and restart', async () => {
    const broker = await startMosquitto({ persistence: true });
    try {
      const sub = await connectAsync(broker.url, SUBSCRIBER);
      await sub.subscribeAsync('persist/t', { qos: 1 });
      await sub.endAsync();

      const beforePublish = mtimeNs(broker.persistenceFile);
      const pub = await connectAsync(broker.url, { reconnectPeriod: 0 });
      await pub.publishAsync('persist/t', encodeTrackingPayload({ flags: 0, streamId: 7, seq: 42, intendedSendTimeMs: 1.5 }, 64), {
        qos: 1,
      });
      await pub.endAsync();
      // autosave_on_changes writes the database right after the message is queued.
      await waitForChange(broker.persistenceFile, beforePublish, 3000);

      const pidBefore = broker.pid;
      await broker.kill();
      await broker.restart();
      expect(broker.pid).not.toBe(pidBefore);

      const { messages: received, sessionPresent } = await resumeSession(broker.url, 300);
      expect(sessionPresent).toBe(true);
      expect(received).toHaveLength(1);
      expect(received[0].topic).toBe('persist/t');
      expect(received[0].qos).toBe(1);
      expect(received[0].payload.length).toBe(64);
      expect(decodeTrackingHeader(received[0].payload)).toEqual({ flags: 0, streamId: 7, seq: 42, intendedSendTimeMs: 1.5 });
    } finally {
      await broker.stop();
    }
  });

  it('without persistence the same message is gone after kill -9 and restart', async () => {
    const broker = await startMosquitto();
    try {
      const sub = await connectAsync(broker.url, SUBSCRIBER);
      await sub.subscribeAsync('persist/t', { qos: 1 });
      await sub.endAsync();
      const pub = await connectAsync(broker.url, { reconnectPeriod: 0 });
      await pub.publishAsync('persist/t', 'lost', { qos: 1 });
      await pub.endAsync();
      await broker.kill();
      await broker.restart();
      const { messages, sessionPresent } = await resumeSession(broker.url, 300);
      expect(sessionPresent).toBe(false);
      expect(messages).toHaveLength(0);
    } finally {
      await broker.stop();
    }
  });
});
