// MQTT 5 PUBLISH properties a stream may carry (§3.3.2.3): Message Expiry Interval, Topic Alias
// and User Properties. Encoded once per stream into a buffer that buildPublishTemplate copies into
// the stream's template, so no message pays for them. Commands may also carry a Response Topic
// and Correlation Data (MQTT 5 request/response), which the answering device reads back.

import { readVarInt } from './fast-codec.ts';

export interface PublishProperties {
  /** Message Expiry Interval, seconds (absent or 0: none). */
  messageExpirySec?: number;
  /** Topic Alias (1..65535; absent: none). */
  topicAlias?: number;
  /** User Properties in order (a name may repeat in MQTT 5; a map keeps one of each). */
  userProperties?: readonly (readonly [string, string])[];
  /** Request/response (§4.10): where to answer, and what to echo. */
  responseTopic?: string;
  correlationData?: Buffer;
}

/** The property bytes (without their length prefix); null when there are none. */
export function encodePublishProperties(p: PublishProperties): Buffer | null {
  const user = p.userProperties ?? [];
  let size = 0;
  if (p.messageExpirySec) size += 5;
  if (p.topicAlias) size += 3;
  for (const [k, v] of user) size += 1 + 2 + Buffer.byteLength(k) + 2 + Buffer.byteLength(v);
  if (p.responseTopic !== undefined) size += 1 + 2 + Buffer.byteLength(p.responseTopic);
  if (p.correlationData !== undefined) size += 1 + 2 + p.correlationData.length;
  if (size === 0) return null;
  const buf = Buffer.alloc(size);
  let off = 0;
  if (p.messageExpirySec) {
    buf[off++] = 0x02;
    off = buf.writeUInt32BE(p.messageExpirySec, off);
  }
  if (p.topicAlias) {
    buf[off++] = 0x23;
    off = buf.writeUInt16BE(p.topicAlias, off);
  }
  for (const [k, v] of user) {
    buf[off++] = 0x26;
    off = writeString(buf, off, k);
    off = writeString(buf, off, v);
  }
  if (p.responseTopic !== undefined) {
    buf[off++] = 0x08;
    off = writeString(buf, off, p.responseTopic);
  }
  if (p.correlationData !== undefined) {
    buf[off++] = 0x09;
    off = buf.writeUInt16BE(p.correlationData.length, off);
    p.correlationData.copy(buf, off);
  }
  return buf;
}

/**
 * Response Topic and Correlation Data of a request, from the PUBLISH properties at
 * `buf[off]` (the property length); null when it names no Response Topic or is malformed.
 */
export function readRequestProperties(buf: Buffer, off: number): { responseTopic: string; correlationData?: Buffer } | null {
  try {
    const cursor = new Int32Array(1);
    const len = readVarInt(buf, off, cursor);
    let at = cursor[0];
    const stop = at + len;
    let responseTopic: string | undefined;
    let correlationData: Buffer | undefined;
    while (at < stop) {
      const id = buf[at++];
      if (id === 0x08 || id === 0x09 || id === 0x26) {
        const n = buf.readUInt16BE(at);
        if (id === 0x08) responseTopic = buf.toString('utf8', at + 2, at + 2 + n);
        else if (id === 0x09) correlationData = Buffer.from(buf.subarray(at + 2, at + 2 + n));
        at += 2 + n;
        if (id === 0x26) at += 2 + buf.readUInt16BE(at);
      } else if (id === 0x01) at += 1;
      else if (id === 0x02) at += 4;
      else if (id === 0x23) at += 2;
      else if (id === 0x03) at += 2 + buf.readUInt16BE(at);
      else if (id === 0x0b) at = skipVarInt(buf, at);
      else return null;
    }
    return responseTopic !== undefined ? { responseTopic, ...(correlationData ? { correlationData } : {}) } : null;
  } catch {
    return null;
  }
}

function writeString(buf: Buffer, off: number, s: string): number {
  const n = Buffer.byteLength(s);
  off = buf.writeUInt16BE(n, off);
  return off + buf.write(s, off);
}

function skipVarInt(buf: Buffer, at: number): number {
  let n = 0;
  while (n < 4 && (buf[at + n] & 0x80) !== 0) n++;
  return at + n + 1;
}
