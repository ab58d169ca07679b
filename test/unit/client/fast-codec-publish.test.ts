import { describe, expect, it } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import { buildPublishTemplate } from '../../../src/client/fast-codec.ts';
import { generate, parseOne, patterned } from './mqtt-reference.ts';

const PROTOCOLS = [3, 4, 5] as const;
const QOS = [0, 1, 2] as const;
const TOPICS = [
  'a',
  'home/17/lock/state',
  'maison/été/温度/🔒', // multi-byte UTF-8: byte length differs from string length
  `fleet/${'x'.repeat(300)}/end`, // topic alone pushes the remaining length past 127
];
// 20: header only; 200 and 20000: remaining length needs 2 and 3 bytes.
const SIZES = [0, 20, 200, 20_000];

interface Case {
  protocol: 3 | 4 | 5;
  qos: 0 | 1 | 2;
  retain: boolean;
  topic: string;
  size: number;
}

const cases: Case[] = [];
for (const protocol of PROTOCOLS)
  for (const qos of QOS)
    for (const retain of [false, true])
      for (const topic of TOPICS) for (const size of SIZES) cases.push({ protocol, qos, retain, topic, size });

function filled(c: Case, pid: number, payload: Buffer): Buffer {
  const tpl = buildPublishTemplate(c.topic, c.size, c.qos, c.retain, c.protocol);
  const bytes = Buffer.from(tpl.bytes);
  if (c.qos > 0) bytes.writeUInt16BE(pid, tpl.pidOffset);
  payload.copy(bytes, tpl.payloadOffset);
  return bytes;
}

function referencePacket(c: Case, pid: number, payload: Buffer): IPublishPacket {
  const p: IPublishPacket = { cmd: 'publish', topic: c.topic, payload, qos: c.qos, retain: c.retain, dup: false };
  if (c.qos > 0) p.messageId = pid;
  return p;
}

describe('buildPublishTemplate against mqtt-packet', () => {
  it('covers remaining lengths of 1, 2 and 3 bytes', () => {
    const headerBytes = new Set(
      cases.map((c) => {
        const t = buildPublishTemplate(c.topic, c.size, c.qos, c.retain, c.protocol).bytes;
        let n = 1;
        while (t[n] & 0x80) n++;
        return n;
      }),
    );
    expect([...headerBytes].sort()).toEqual([1, 2, 3]); // bytes of remaining length
  });

  it.each(
    cases.map((c) => [`v${c.protocol} qos${c.qos} retain=${c.retain} topic=${Buffer.byteLength(c.topic)}B size=${c.size}`, c] as const),
  )('%s: parses to the same fields and equals generate() byte for byte', (_name, c) => {
    const pid = c.qos > 0 ? 0xbeef : 0;
    const payload = patterned(c.size);
    const ours = filled(c, pid, payload);

    const parsed = parseOne(ours, c.protocol) as IPublishPacket;
    expect(parsed.cmd).toBe('publish');
    expect(parsed.topic).toBe(c.topic);
    expect(parsed.qos).toBe(c.qos);
    expect(parsed.retain).toBe(c.retain);
    expect(parsed.dup).toBe(false);
    expect(parsed.messageId).toBe(c.qos > 0 ? pid : undefined);
    expect(Buffer.compare(Buffer.from(parsed.payload as Buffer), payload)).toBe(0);

    const reference = generate(referencePacket(c, pid, payload), c.protocol);
    expect(ours.toString('hex')).toBe(reference.toString('hex'));
  });

  it('reports pidOffset -1 at QoS 0 and the payload offset right after topic / pid / properties', () => {
    const t0 = buildPublishTemplate('ab', 30, 0, false, 4);
    expect(t0.pidOffset).toBe(-1);
    expect(t0.payloadOffset).toBe(1 + 1 + 2 + 2);
    const t1 = buildPublishTemplate('ab', 30, 1, false, 4);
    expect(t1.pidOffset).toBe(6);
    expect(t1.payloadOffset).toBe(8);
    const t5 = buildPublishTemplate('ab', 30, 2, true, 5);
    expect(t5.pidOffset).toBe(6);
    expect(t5.payloadOffset).toBe(9); // one property-length byte (0)
    expect(t5.bytes[8]).toBe(0);
    expect(t5.bytes.length).toBe(t5.payloadOffset + 30);
  });

  it('pads an unfilled payload with "." so a capture shows where the tracking header ends', () => {
    const t = buildPublishTemplate('t', 25, 1, false, 4);
    expect(t.bytes.subarray(t.payloadOffset).toString('latin1')).toBe('.'.repeat(25));
  });

  it('counts topic bytes, not characters, for a multi-byte topic', () => {
    const topic = 'é/温/🔒';
    const t = buildPublishTemplate(topic, 0, 0, false, 4);
    expect(t.bytes.readUInt16BE(2)).toBe(Buffer.byteLength(topic));
    expect(t.bytes.readUInt16BE(2)).toBe(2 + 1 + 3 + 1 + 4);
  });
});
