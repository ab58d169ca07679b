// A templated send's PUBLISH, checked against mqtt-packet (the reference codec): the packet laid
// out for an empty payload grows by the rendered length, across remaining-length boundaries,
// for 3.1.1 and 5.0, QoS 0 and 1, with the tracking data where each format puts it.
import type { IPublishPacket } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { buildPublishTemplate } from '../../../src/client/fast-codec.ts';
import { PayloadStreams } from '../../../src/engine/payload-template.ts';
import { PayloadProgram } from '../../../src/scenario/payload-template.ts';
import { decodeTrackingHeader, encodeTrackingPayload } from '../../helpers/tracking-header.ts';
import { generate, parseOne } from '../client/mqtt-reference.ts';

const client = { i: 3, group: 'locks', clientId: 'lock-3' };

describe('PayloadStreams.packet', () => {
  it.each([
    [4, 0, 0],
    [4, 1, 0],
    [5, 1, 0],
    [4, 1, 300],
    [5, 0, 20_000],
  ])('protocol %i, QoS %i, padded to %i bytes: byte for byte what mqtt-packet encodes', (protocol, qos, size) => {
    const program = new PayloadProgram('{"lock":"{clientId}","seq":{seq},"b":{rand:0-100}}', true, size);
    const streams = new PayloadStreams(2, 42);
    streams.bind(1, program, client, 77);
    const head = buildPublishTemplate('home/lock-3/state', 0, qos, false, protocol);
    for (let seq = 0; seq < 3; seq++) {
      const buf = streams.packet(1, program, head, 77, seq, 1000.5 + seq, 2000, 0, 0);
      if (qos > 0) buf.writeUInt16BE(500 + seq, streams.pidOffset);
      const packet = parseOne(buf, protocol) as IPublishPacket;
      expect(packet.topic).toBe('home/lock-3/state');
      expect(packet.qos).toBe(qos);
      if (qos > 0) expect(packet.messageId).toBe(500 + seq);
      const payload = packet.payload as Buffer;
      if (size > 0) expect(payload.length).toBe(size);
      const doc = JSON.parse(payload.toString());
      expect(doc).toMatchObject({ lock: 'lock-3', seq });
      expect(decodeTrackingHeader(payload)).toEqual({ flags: 0, streamId: 77, seq, intendedSendTimeMs: 1000.5 + seq });
      const reference = generate(
        {
          cmd: 'publish',
          topic: 'home/lock-3/state',
          payload,
          qos: qos as 0 | 1,
          retain: false,
          dup: false,
          ...(qos ? { messageId: 500 + seq } : {}),
        },
        protocol,
      );
      expect(buf.equals(reference)).toBe(true);
    }
  });

  it('puts the binary header before a text payload, as an untemplated stream does', () => {
    const program = new PayloadProgram('state={pick:on|off} t={target}', true, 0);
    const streams = new PayloadStreams(1, 1);
    streams.bind(0, program, client, 9);
    const buf = streams.packet(0, program, buildPublishTemplate('t', 0, 0, false, 4), 9, 4, 55.25, 60, 1, 12);
    const payload = (parseOne(buf, 4) as IPublishPacket).payload as Buffer;
    expect(payload.subarray(0, 20).equals(encodeTrackingPayload({ flags: 1, streamId: 9, seq: 4, intendedSendTimeMs: 55.25 }))).toBe(true);
    expect(payload.subarray(20).toString()).toMatch(/^state=(on|off) t=12$/);
  });
});
