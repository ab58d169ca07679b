// Hand-written encoders and decoders for the packets fleetstorm sends and receives per message
// (PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP) and the few small replies it reads once per
// connection (CONNACK, SUBACK). mqtt-packet stays the reference: test/unit/client checks every
// function here against it byte for byte, both ways. CONNECT and SUBSCRIBE are encoded by
// mqtt-packet itself (once per connection, not worth a fast path).

export const PT_CONNACK = 2;
export const PT_PUBLISH = 3;
export const PT_PUBACK = 4;
export const PT_PUBREC = 5;
export const PT_PUBREL = 6;
export const PT_PUBCOMP = 7;
export const PT_SUBACK = 9;
export const PT_PINGRESP = 13;
export const PT_DISCONNECT = 14;

export const PINGREQ = Buffer.from([0xc0, 0x00]);
export const DISCONNECT = Buffer.from([0xe0, 0x00]);

/** Bytes a Variable Byte Integer takes. */
export function varIntLength(n: number): number {
  return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4;
}

export function writeVarInt(buf: Buffer, off: number, n: number): number {
  do {
    let byte = n % 128;
    n = (n - byte) / 128;
    if (n > 0) byte |= 0x80;
    buf[off++] = byte;
  } while (n > 0);
  return off;
}

/**
 * A PUBLISH packet laid out once per stream: fixed header, topic, packet-id slot, (v5: empty
 * properties) and payload. Per send only the packet id and the tracking header change, so a
 * send is one allocation and one copy.
 */
export interface PublishTemplate {
  bytes: Buffer;
  /** Offset of the 2-byte packet id, -1 for QoS 0. */
  pidOffset: number;
  /** Offset of the payload (where the tracking header goes). */
  payloadOffset: number;
}

/**
 * `props` (MQTT 5 only) are the publish properties, already encoded (mqtt5-properties.ts), so a
 * stream pays for them once; an empty `topic` with a Topic Alias property is the aliased form.
 */
export function buildPublishTemplate(
  topic: string,
  payloadSize: number,
  qos: number,
  retain: boolean,
  protocol: number,
  props: Buffer | null = null,
): PublishTemplate {
  const topicLen = Buffer.byteLength(topic);
  const propLen = protocol === 5 && props !== null ? props.length : 0;
  const propBytes = protocol === 5 ? varIntLength(propLen) + propLen : 0;
  const remaining = 2 + topicLen + (qos > 0 ? 2 : 0) + propBytes + payloadSize;
  const total = 1 + varIntLength(remaining) + remaining;
  const bytes = Buffer.alloc(total);
  bytes[0] = (PT_PUBLISH << 4) | (qos << 1) | (retain ? 1 : 0);
  let off = writeVarInt(bytes, 1, remaining);
  bytes.writeUInt16BE(topicLen, off);
  off += 2;
  off += bytes.write(topic, off);
  let pidOffset = -1;
  if (qos > 0) {
    pidOffset = off;
    off += 2;
  }
  if (protocol === 5) {
    off = writeVarInt(bytes, off, propLen);
    if (propLen > 0) off += props!.copy(bytes, off);
  }
  // Padding is a recognisable filler, so a capture shows where the tracking header ends.
  bytes.fill(0x2e, off);
  return { bytes, pidOffset, payloadOffset: off };
}

/** 4-byte acknowledgement (PUBACK, PUBREC, PUBREL, PUBCOMP) written into `buf` at `off`. */
export function writeAck(buf: Buffer, off: number, type: number, pid: number): number {
  buf[off] = type === PT_PUBREL ? 0x62 : type << 4;
  buf[off + 1] = 2;
  buf[off + 2] = pid >>> 8;
  buf[off + 3] = pid & 0xff;
  return off + 4;
}

export function encodeAck(type: number, pid: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  writeAck(b, 0, type, pid);
  return b;
}

/**
 * Length of the frame starting at `off` (fixed header included), or -1 when `buf` does not yet
 * hold its whole header, or -2 when the remaining length is malformed.
 * `frameHeaderLength` receives the fixed header's size through `out[0]`.
 */
export function frameLength(buf: Buffer, off: number, end: number, out: Int32Array): number {
  let mult = 1;
  let value = 0;
  let pos = off + 1;
  for (let i = 0; i < 4; i++) {
    if (pos >= end) return -1;
    const b = buf[pos++];
    value += (b & 0x7f) * mult;
    if ((b & 0x80) === 0) {
      out[0] = pos - off;
      return pos - off + value;
    }
    mult *= 128;
  }
  return -2;
}

/** Reads a Variable Byte Integer; returns value and writes the new offset to out[0]. */
export function readVarInt(buf: Buffer, off: number, out: Int32Array): number {
  let mult = 1;
  let value = 0;
  for (let i = 0; i < 4; i++) {
    const b = buf[off++];
    value += (b & 0x7f) * mult;
    if ((b & 0x80) === 0) break;
    mult *= 128;
  }
  out[0] = off;
  return value;
}

// Reason-code names live in mqtt5-reasons.ts (one table); re-exported for existing callers.
export { ackReason, connackReason, subackReason } from './mqtt5-reasons.ts';
