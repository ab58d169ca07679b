// The tracking header every tracked payload starts with. 20 bytes, big endian:
//   0-1  'f' 's'   magic
//   2    version (1)
//   3    flags (reserved, 0)
//   4-7  stream id (uint32): one publish stream of one client, unique across the run
//   8-11 sequence number within the stream (uint32, from 0)
//   12-19 intended send time, ms since the Unix epoch (float64, sub-µs resolution)
// Receivers use it for end-to-end latency (from the *intended* send time, so a stalled sender
// cannot hide its own delay), loss, duplicates and order.

import { TRACKING_HEADER_BYTES } from '../wire.ts';

export { TRACKING_HEADER_BYTES };
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
