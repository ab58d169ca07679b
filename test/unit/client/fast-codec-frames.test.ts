import { describe, expect, it } from 'vitest';
import type { IPubackPacket, IPubcompPacket, IPubrecPacket, IPubrelPacket } from 'mqtt-packet';
import {
  DISCONNECT,
  PINGREQ,
  PT_PUBACK,
  PT_PUBCOMP,
  PT_PUBREC,
  PT_PUBREL,
  buildPublishTemplate,
  connackReason,
  encodeAck,
  frameLength,
  readVarInt,
  subackReason,
  varIntLength,
  writeAck,
  writeVarInt,
} from '../../../src/client/fast-codec.ts';
import { generate, parseOne } from './mqtt-reference.ts';

type AckPacket = IPubackPacket | IPubrecPacket | IPubrelPacket | IPubcompPacket;
const ACKS = [
  [PT_PUBACK, 'puback'],
  [PT_PUBREC, 'pubrec'],
  [PT_PUBREL, 'pubrel'],
  [PT_PUBCOMP, 'pubcomp'],
] as const;
const PIDS = [1, 0xff, 0x100, 0x1234, 0xfffe, 0xffff];

describe('acknowledgements against mqtt-packet', () => {
  for (const [type, cmd] of ACKS) {
    it(`${cmd}: encodeAck equals generate() for v3/v4 and parses back in v3, v4 and v5`, () => {
      for (const pid of PIDS) {
        const ours = encodeAck(type, pid);
        for (const v of [3, 4]) expect(ours.toString('hex')).toBe(generate({ cmd, messageId: pid } as AckPacket, v).toString('hex'));
        // MQTT 5 allows the short form (reason code 0 and no properties omitted, §3.4.2.1);
        // mqtt-packet writes it when told reasonCode 0, and reads it as reason code 0.
        expect(ours.toString('hex')).toBe(generate({ cmd, messageId: pid, reasonCode: 0 } as AckPacket, 5).toString('hex'));
        for (const v of [3, 4, 5]) {
          const parsed = parseOne(ours, v) as AckPacket;
          expect(parsed.cmd).toBe(cmd);
          expect(parsed.messageId).toBe(pid);
          if (v === 5) expect(parsed.reasonCode).toBe(0);
        }
      }
    });
  }

  it('PUBREL carries the fixed-header flags 0b0010, the others 0', () => {
    expect([...encodeAck(PT_PUBACK, 7)]).toEqual([0x40, 2, 0, 7]);
    expect([...encodeAck(PT_PUBREC, 7)]).toEqual([0x50, 2, 0, 7]);
    expect([...encodeAck(PT_PUBREL, 7)]).toEqual([0x62, 2, 0, 7]);
    expect([...encodeAck(PT_PUBCOMP, 7)]).toEqual([0x70, 2, 0, 7]);
  });

  it('writeAck appends at an offset and returns the next one', () => {
    const buf = Buffer.alloc(12, 0xaa);
    let off = writeAck(buf, 0, PT_PUBACK, 0x0102);
    expect(off).toBe(4);
    off = writeAck(buf, off, PT_PUBREL, 0xfffe);
    expect(off).toBe(8);
    expect(buf.toString('hex')).toBe('40020102' + '6202fffe' + 'aaaaaaaa');
  });

  it('PINGREQ and DISCONNECT equal generate()', () => {
    expect(PINGREQ.toString('hex')).toBe(generate({ cmd: 'pingreq' }, 4).toString('hex'));
    expect(DISCONNECT.toString('hex')).toBe(generate({ cmd: 'disconnect' }, 4).toString('hex'));
  });
});

describe('frameLength', () => {
  const out = new Int32Array(1);

  it('gives the exact frame length and header size for 1-, 2- and 3-byte remaining lengths', () => {
    for (const [size, headerBytes] of [
      [10, 2],
      [200, 3],
      [20_000, 4],
    ] as const) {
      const frame = buildPublishTemplate('t/x', size, 1, false, 4).bytes;
      out[0] = -99;
      expect(frameLength(frame, 0, frame.length, out)).toBe(frame.length);
      expect(out[0]).toBe(headerBytes);
    }
  });

  it('finds the second of two frames at an offset', () => {
    const a = encodeAck(PT_PUBACK, 5);
    const b = buildPublishTemplate('t', 150, 0, false, 4).bytes;
    const buf = Buffer.concat([a, b]);
    expect(frameLength(buf, 0, buf.length, out)).toBe(4);
    expect(frameLength(buf, 4, buf.length, out)).toBe(b.length);
    expect(out[0]).toBe(3);
  });

  it('returns -1 until the whole fixed header is in, then the full length even if the body is not', () => {
    const frame = buildPublishTemplate('t', 20_000, 0, false, 4).bytes; // 3 length bytes
    expect(frameLength(frame, 0, 0, out)).toBe(-1);
    expect(frameLength(frame, 0, 1, out)).toBe(-1);
    expect(frameLength(frame, 0, 2, out)).toBe(-1);
    expect(frameLength(frame, 0, 3, out)).toBe(-1);
    expect(frameLength(frame, 0, 4, out)).toBe(frame.length);
    expect(frameLength(frame, 0, 5, out)).toBe(frame.length);
    // The same at an offset: `end` is absolute.
    const shifted = Buffer.concat([Buffer.from([1, 2, 3]), frame]);
    expect(frameLength(shifted, 3, 6, out)).toBe(-1);
    expect(frameLength(shifted, 3, 7, out)).toBe(frame.length);
  });

  it('returns -2 for a remaining length with a fifth continuation byte', () => {
    const bad = Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0]);
    expect(frameLength(bad, 0, bad.length, out)).toBe(-2);
    expect(frameLength(bad, 0, 4, out)).toBe(-1); // not yet known to be malformed
  });

  it('accepts the largest remaining length, 268435455', () => {
    const max = Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]);
    expect(frameLength(max, 0, max.length, out)).toBe(5 + 268_435_455);
    expect(out[0]).toBe(5);
  });
});

describe('Variable Byte Integer', () => {
  // Encodings from MQTT 5 §1.5.5 / 3.1.1 §2.2.3.
  const table: [number, string][] = [
    [0, '00'],
    [127, '7f'],
    [128, '8001'],
    [16_383, 'ff7f'],
    [16_384, '808001'],
    [2_097_151, 'ffff7f'],
    [2_097_152, '80808001'],
    [268_435_455, 'ffffff7f'],
  ];

  it.each(table)('%i <-> %s', (value, hex) => {
    const buf = Buffer.alloc(8, 0xee);
    const end = writeVarInt(buf, 2, value);
    expect(buf.subarray(2, end).toString('hex')).toBe(hex);
    expect(end - 2).toBe(varIntLength(value));
    const cur = new Int32Array(1);
    expect(readVarInt(buf, 2, cur)).toBe(value);
    expect(cur[0]).toBe(end);
  });
});

describe('refusal reasons', () => {
  it('maps MQTT 3.1.1 CONNACK return codes 1-5', () => {
    const expected = [
      'connack:unsupported-protocol-version',
      'connack:client-identifier-not-valid',
      'connack:server-unavailable',
      'connack:bad-username-or-password',
      'connack:not-authorized',
    ];
    for (const protocol of [3, 4]) expect([1, 2, 3, 4, 5].map((c) => connackReason(c, protocol))).toEqual(expected);
    expect(connackReason(6, 4)).toBe('connack:code-6');
    expect(connackReason(0x87, 4)).toBe('connack:code-135');
  });

  // Every reason code 0x80-0x9F MQTT 5 defines (§2.4, table 2-6), in any packet: the DISCONNECT
  // handler in connection.ts reuses connackReason for server DISCONNECTs, which carry the
  // disconnect-only codes (0x8B, 0x8D, 0x8E, 0x93, 0x94, 0x96, 0x98).
  const V5: Record<number, string> = {
    0x80: 'unspecified-error',
    0x81: 'malformed-packet',
    0x82: 'protocol-error',
    0x83: 'implementation-specific-error',
    0x84: 'unsupported-protocol-version',
    0x85: 'client-identifier-not-valid',
    0x86: 'bad-username-or-password',
    0x87: 'not-authorized',
    0x88: 'server-unavailable',
    0x89: 'server-busy',
    0x8a: 'banned',
    0x8b: 'server-shutting-down',
    0x8c: 'bad-authentication-method',
    0x8d: 'keep-alive-timeout',
    0x8e: 'session-taken-over',
    0x8f: 'topic-filter-invalid',
    0x90: 'topic-name-invalid',
    0x91: 'packet-identifier-in-use',
    0x92: 'packet-identifier-not-found',
    0x93: 'receive-maximum-exceeded',
    0x94: 'topic-alias-invalid',
    0x95: 'packet-too-large',
    0x96: 'message-rate-too-high',
    0x97: 'quota-exceeded',
    0x98: 'administrative-action',
    0x99: 'payload-format-invalid',
    0x9a: 'retain-not-supported',
    0x9b: 'qos-not-supported',
    0x9c: 'use-another-server',
    0x9d: 'server-moved',
    0x9e: 'shared-subscriptions-not-supported',
    0x9f: 'connection-rate-exceeded',
  };

  it('maps the MQTT 5 CONNACK reason codes', () => {
    const connackCodes = [
      0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f,
    ];
    for (const code of connackCodes) expect(connackReason(code, 5)).toBe(`connack:${V5[code]}`);
    expect(connackReason(0x7f, 5)).toBe('connack:code-127');
  });

  it('names every MQTT 5 reason code 0x80-0x9F (server DISCONNECT reasons included)', () => {
    const missing: string[] = [];
    for (let code = 0x80; code <= 0x9f; code++) {
      if (connackReason(code, 5) !== `connack:${V5[code]}`) missing.push(`0x${code.toString(16)} → ${connackReason(code, 5)}`);
    }
    expect(missing).toEqual([]);
  });

  it('maps SUBACK failures: one code before MQTT 5, the reason after', () => {
    expect(subackReason(0x80, 3)).toBe('suback:failure');
    expect(subackReason(0x80, 4)).toBe('suback:failure');
    expect(subackReason(0x80, 5)).toBe('suback:unspecified-error');
    expect(subackReason(0x87, 5)).toBe('suback:not-authorized');
    expect(subackReason(0x8f, 5)).toBe('suback:topic-filter-invalid');
    expect(subackReason(0x97, 5)).toBe('suback:quota-exceeded');
    expect(subackReason(0x9e, 5)).toBe('suback:shared-subscriptions-not-supported');
    expect(subackReason(0xa1, 5)).toBe('suback:subscription-identifiers-not-supported');
    expect(subackReason(0xa2, 5)).toBe('suback:wildcard-subscriptions-not-supported');
    expect(subackReason(0xfe, 5)).toBe('suback:code-254');
  });
});
