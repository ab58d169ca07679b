// The few MQTT 3.1.1 packets the raw floor needs, encoded by hand once, plus a frame splitter.
// Deliberately minimal: the floor measures sockets and bytes, not a codec.

function remainingLength(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

function utf8Field(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

function packet(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([firstByte, ...remainingLength(body.length)]), body]);
}

/** CONNECT, protocol level 4, clean session, no will, no credentials. */
export function encodeConnect(clientId: string, keepaliveSec = 60): Buffer {
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, keepaliveSec >> 8, keepaliveSec & 0xff]);
  return packet(0x10, Buffer.concat([variable, utf8Field(clientId)]));
}

export function encodeSubscribe(packetId: number, topic: string, qos: 0 | 1 | 2): Buffer {
  return packet(0x82, Buffer.concat([Buffer.from([packetId >> 8, packetId & 0xff]), utf8Field(topic), Buffer.from([qos])]));
}

export interface PublishTemplate {
  bytes: Buffer;
  packetIdOffset: number;
  payloadOffset: number;
}

/** A QoS 1 PUBLISH with a zeroed payload of `payloadSize`; patch the id and payload per send. */
export function publishQos1Template(topic: string, payloadSize: number): PublishTemplate {
  const topicField = utf8Field(topic);
  const body = Buffer.concat([topicField, Buffer.alloc(2), Buffer.alloc(payloadSize)]);
  const bytes = packet(0x32, body);
  const header = bytes.length - body.length;
  return { bytes, packetIdOffset: header + topicField.length, payloadOffset: header + topicField.length + 2 };
}

export const PACKET = { CONNACK: 0x2, PUBLISH: 0x3, PUBACK: 0x4, SUBACK: 0x9 } as const;

/**
 * Splits a byte stream into MQTT packets. `onPacket` gets the packet type, the whole buffer it
 * lives in and the offsets of its variable header + payload (valid only during the call).
 */
export class FrameReader {
  private pending: Buffer | null = null;

  constructor(private readonly onPacket: (type: number, flags: number, buf: Buffer, start: number, end: number) => void) {}

  push(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let pos = 0;
    while (pos < buf.length) {
      let len = 0,
        mul = 1,
        i = pos + 1;
      for (;;) {
        if (i >= buf.length) {
          this.pending = buf.subarray(pos);
          return;
        }
        const b = buf[i++];
        len += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) break;
      }
      if (i + len > buf.length) {
        this.pending = Buffer.from(buf.subarray(pos));
        return;
      }
      this.onPacket(buf[pos] >> 4, buf[pos] & 0x0f, buf, i, i + len);
      pos = i + len;
    }
  }
}
