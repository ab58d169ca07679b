// fleetstorm's 20-byte tracking header, decoded here independently of src/client so the oracle
// can catch a bug in fleetstorm's own encoder instead of sharing it.
//
//   0-1   ASCII "fs"
//   2     version (1)
//   3     flags
//   4-7   stream id, uint32 big-endian
//   8-11  sequence, uint32 big-endian
//   12-19 intended send time, float64 big-endian, ms since the epoch

export const TRACKING_HEADER_BYTES = 20;
export const TRACKING_HEADER_VERSION = 1;

export interface TrackingHeader {
  flags: number;
  streamId: number;
  seq: number;
  intendedSendTimeMs: number;
}

/**
 * The header at the start of `payload`, or null when the payload does not carry one. A JSON
 * payload carries it as the hex string of its `_fs` member (parsed here with JSON.parse, so a
 * payload that is not JSON has none).
 */
export function decodeTrackingHeader(payload: Uint8Array): TrackingHeader | null {
  if (payload[0] === 0x7b /* { */) return decodeJsonTracking(payload);
  if (payload.length < TRACKING_HEADER_BYTES) return null;
  if (payload[0] !== 0x66 /* f */ || payload[1] !== 0x73 /* s */) return null;
  if (payload[2] !== TRACKING_HEADER_VERSION) return null;
  const view = new DataView(payload.buffer, payload.byteOffset, TRACKING_HEADER_BYTES);
  return {
    flags: view.getUint8(3),
    streamId: view.getUint32(4, false),
    seq: view.getUint32(8, false),
    intendedSendTimeMs: view.getFloat64(12, false),
  };
}

/** Builds a payload of `size` bytes (>= 20) starting with the header; for tests that publish. */
export function encodeTrackingPayload(header: TrackingHeader, size = TRACKING_HEADER_BYTES): Buffer {
  if (size < TRACKING_HEADER_BYTES) throw new Error(`payload size ${size} is smaller than the 20-byte header`);
  const buf = Buffer.alloc(size);
  buf.write('fs', 0, 'ascii');
  buf.writeUInt8(TRACKING_HEADER_VERSION, 2);
  buf.writeUInt8(header.flags, 3);
  buf.writeUInt32BE(header.streamId, 4);
  buf.writeUInt32BE(header.seq, 8);
  buf.writeDoubleBE(header.intendedSendTimeMs, 12);
  return buf;
}

function decodeJsonTracking(payload: Uint8Array): TrackingHeader | null {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('utf8'));
  } catch {
    return null;
  }
  const hex = (doc as { _fs?: unknown })?._fs;
  if (typeof hex !== 'string' || !/^[0-9a-f]{40}$/.test(hex)) return null;
  return decodeTrackingHeader(Buffer.from(hex, 'hex'));
}
