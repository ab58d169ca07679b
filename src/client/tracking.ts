// The tracking header every tracked payload starts with. 20 bytes, big endian:
//   0-1  'f' 's'   magic
//   2    version (1)
//   3    flags (reserved, 0)
//   4-7  stream id (uint32): one publish stream of one client, unique across the run
//   8-11 sequence number within the stream (uint32, from 0)
//   12-19 intended send time, ms since the Unix epoch (float64, sub-µs resolution)
// Receivers use it for end-to-end latency (from the *intended* send time, so a stalled sender
// cannot hide its own delay), loss, duplicates and order.
//
// A JSON payload template carries the same 20 bytes as its first member instead, so the payload
// stays JSON a rule engine can parse: `{"_fs":"<40 lower-case hex digits>",` then the template's
// own members (TRACKING_FIELD_BYTES = 49 bytes, plus the comma). At a fixed place, a receiver
// recognises it with a byte compare and decodes it without parsing the JSON.

import { TRACKING_FIELD_BYTES, TRACKING_HEADER_BYTES } from '../wire.ts';

export { TRACKING_FIELD_BYTES, TRACKING_HEADER_BYTES };
const MAGIC_0 = 0x66; // 'f'
const MAGIC_1 = 0x73; // 's'
const VERSION = 1;

/** Flags: a command that wants a reply, and the reply (which echoes the command's header). */
export const FLAG_COMMAND = 0x01;
export const FLAG_REPLY = 0x02;

export function writeTrackingHeader(buf: Buffer, off: number, stream: number, seq: number, intendedMs: number, flags = 0): void {
  buf[off] = MAGIC_0;
  buf[off + 1] = MAGIC_1;
  buf[off + 2] = VERSION;
  buf[off + 3] = flags;
  buf.writeUInt32BE(stream >>> 0, off + 4);
  buf.writeUInt32BE(seq >>> 0, off + 8);
  buf.writeDoubleBE(intendedMs, off + 12);
}

/** True when `buf[off..end)` starts with a tracking header. */
export function hasTrackingHeader(buf: Buffer, off: number, end: number): boolean {
  return end - off >= TRACKING_HEADER_BYTES && buf[off] === MAGIC_0 && buf[off + 1] === MAGIC_1 && buf[off + 2] === VERSION;
}

export function readFlags(buf: Buffer, off: number): number {
  return buf[off + 3];
}

export function readStream(buf: Buffer, off: number): number {
  return buf.readUInt32BE(off + 4);
}

export function readSeq(buf: Buffer, off: number): number {
  return buf.readUInt32BE(off + 8);
}

export function readIntendedMs(buf: Buffer, off: number): number {
  return buf.readDoubleBE(off + 12);
}

const FIELD_PREFIX = Buffer.from('{"_fs":"');
const HEX_DIGITS = Buffer.from('0123456789abcdef');
/** Value of each byte as a hex digit, 0xff when it is none. */
const HEX_VALUE = new Uint8Array(256).fill(0xff);
for (let d = 0; d < 16; d++) {
  HEX_VALUE[HEX_DIGITS[d]] = d;
  HEX_VALUE[HEX_DIGITS[d] - 0x20 * Number(d >= 10)] = d; // A-F too
}
const QUOTE = 0x22;
const COMMA = 0x2c;
/** The intended time's float64 bytes, through a view (what writeDoubleBE does, without its checks). */
const timeValue = new Float64Array(1);
const timeBytes = new Uint8Array(timeValue.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function hexByte(buf: Buffer, p: number, b: number): void {
  buf[p] = HEX_DIGITS[b >>> 4];
  buf[p + 1] = HEX_DIGITS[b & 15];
}

function hexUint32(buf: Buffer, p: number, v: number): void {
  for (let shift = 28; shift >= 0; shift -= 4) buf[p++] = HEX_DIGITS[(v >>> shift) & 15];
}

/**
 * Writes the JSON tracking field at `buf[off]`: `{"_fs":"<hex>"`, and `,` when members follow.
 * The hex digits are the bytes writeTrackingHeader lays out, written straight from the values.
 */
export function writeTrackingField(
  buf: Buffer,
  off: number,
  comma: boolean,
  stream: number,
  seq: number,
  intendedMs: number,
  flags = 0,
): void {
  for (let k = 0; k < FIELD_PREFIX.length; k++) buf[off + k] = FIELD_PREFIX[k];
  let p = off + FIELD_PREFIX.length;
  hexByte(buf, p, MAGIC_0);
  hexByte(buf, p + 2, MAGIC_1);
  hexByte(buf, p + 4, VERSION);
  hexByte(buf, p + 6, flags);
  hexUint32(buf, p + 8, stream >>> 0);
  hexUint32(buf, p + 16, seq >>> 0);
  timeValue[0] = intendedMs;
  p += 24;
  for (let k = 0; k < 8; k++, p += 2) hexByte(buf, p, timeBytes[LITTLE_ENDIAN ? 7 - k : k]);
  buf[p++] = QUOTE;
  if (comma) buf[p] = COMMA;
}

/**
 * When `buf[off..end)` starts with a JSON tracking field, decodes its header into `out[0..20)`
 * (read it there with the functions above) and returns true.
 */
export function readTrackingField(buf: Buffer, off: number, end: number, out: Buffer): boolean {
  if (end - off < TRACKING_FIELD_BYTES || buf[off] !== FIELD_PREFIX[0]) return false;
  for (let k = 1; k < FIELD_PREFIX.length; k++) if (buf[off + k] !== FIELD_PREFIX[k]) return false;
  if (buf[off + TRACKING_FIELD_BYTES - 1] !== QUOTE) return false;
  let p = off + FIELD_PREFIX.length;
  for (let k = 0; k < TRACKING_HEADER_BYTES; k++) {
    const hi = HEX_VALUE[buf[p++]];
    const lo = HEX_VALUE[buf[p++]];
    if ((hi | lo) > 15) return false;
    out[k] = (hi << 4) | lo;
  }
  return hasTrackingHeader(out, 0, TRACKING_HEADER_BYTES);
}
