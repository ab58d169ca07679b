// MQTT 5 PUBLISH properties a stream may carry (§3.3.2.3): Message Expiry Interval, Topic Alias
// and User Properties. Encoded once per stream into a buffer that buildPublishTemplate copies into
// the stream's template, so no message pays for them.

export interface PublishProperties {
  /** Message Expiry Interval, seconds (absent or 0: none). */
  messageExpirySec?: number;
  /** Topic Alias (1..65535; absent: none). */
  topicAlias?: number;
  /** User Properties in order (a name may repeat in MQTT 5; a map keeps one of each). */
  userProperties?: readonly (readonly [string, string])[];
}

/** The property bytes (without their length prefix); null when there are none. */
export function encodePublishProperties(p: PublishProperties): Buffer | null {
  const user = p.userProperties ?? [];
  let size = 0;
  if (p.messageExpirySec) size += 5;
  if (p.topicAlias) size += 3;
  for (const [k, v] of user) size += 1 + 2 + Buffer.byteLength(k) + 2 + Buffer.byteLength(v);
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
  return buf;
}

function writeString(buf: Buffer, off: number, s: string): number {
  const n = Buffer.byteLength(s);
  off = buf.writeUInt16BE(n, off);
  return off + buf.write(s, off);
}
