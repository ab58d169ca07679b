import { describe, expect, it } from 'vitest';
import {
  TRACKING_HEADER_BYTES,
  hasTrackingHeader,
  readIntendedMs,
  readSeq,
  readStream,
  writeTrackingHeader,
} from '../../../src/client/tracking.ts';

describe('tracking header', () => {
  it('round-trips stream, sequence and intended time at an offset', () => {
    const cases: [number, number, number][] = [
      [0, 0, 0],
      [1, 2, 1_700_000_000_123.456],
      [16_777_215, 4_294_967_295, 1_700_000_000_000.000_2],
      [4_294_967_295, 123_456, Number.MAX_SAFE_INTEGER],
    ];
    for (const [stream, seq, t] of cases) {
      const buf = Buffer.alloc(7 + TRACKING_HEADER_BYTES + 5, 0x2e);
      writeTrackingHeader(buf, 7, stream, seq, t);
      expect(readStream(buf, 7)).toBe(stream);
      expect(readSeq(buf, 7)).toBe(seq);
      expect(readIntendedMs(buf, 7)).toBe(t);
      expect(hasTrackingHeader(buf, 7, buf.length)).toBe(true);
      // Bytes around the header are untouched.
      expect(buf.subarray(0, 7).toString('latin1')).toBe('.......');
      expect(buf.subarray(7 + TRACKING_HEADER_BYTES).toString('latin1')).toBe('.....');
    }
  });

  it('lays out the bytes exactly as the header comment says', () => {
    const buf = Buffer.alloc(TRACKING_HEADER_BYTES);
    const t = 1_700_000_000_123.5;
    writeTrackingHeader(buf, 0, 0x01020304, 0xa0b0c0d0, t);
    const f64 = Buffer.alloc(8);
    f64.writeDoubleBE(t);
    expect(TRACKING_HEADER_BYTES).toBe(20);
    expect(buf.toString('hex')).toBe('6673' + '01' + '00' + '01020304' + 'a0b0c0d0' + f64.toString('hex'));
    expect(buf.subarray(0, 2).toString('ascii')).toBe('fs');
  });

  it('wraps stream and sequence to uint32', () => {
    const buf = Buffer.alloc(TRACKING_HEADER_BYTES);
    writeTrackingHeader(buf, 0, -1, 2 ** 32 + 5, 0);
    expect(readStream(buf, 0)).toBe(4_294_967_295);
    expect(readSeq(buf, 0)).toBe(5);
  });

  it('is absent from short, foreign or other-version payloads', () => {
    const good = Buffer.alloc(TRACKING_HEADER_BYTES);
    writeTrackingHeader(good, 0, 1, 1, 1);
    expect(hasTrackingHeader(good, 0, 20)).toBe(true);
    expect(hasTrackingHeader(good, 0, 19)).toBe(false); // one byte short
    expect(hasTrackingHeader(good, 1, 20)).toBe(false);
    expect(hasTrackingHeader(Buffer.alloc(0), 0, 0)).toBe(false);
    expect(hasTrackingHeader(Buffer.from('fs'), 0, 2)).toBe(false);
    const text = Buffer.from('{"temperature": 21.5, "unit": "C"}');
    expect(hasTrackingHeader(text, 0, text.length)).toBe(false);
    const dots = Buffer.alloc(64, 0x2e);
    expect(hasTrackingHeader(dots, 0, 64)).toBe(false);
    for (const [index, value] of [
      [0, 0x46], // 'F'
      [1, 0x53], // 'S'
      [2, 2], // version 2
    ] as const) {
      const other = Buffer.from(good);
      other[index] = value;
      expect(hasTrackingHeader(other, 0, 20)).toBe(false);
    }
  });
});
