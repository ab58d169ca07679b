// Sends with a payload template: each send renders the stream's compiled template
// (scenario/payload-template.ts) into one reused scratch buffer, writes the tracking data at its
// start, and lays the PUBLISH out from the stream's packet template (built with an empty payload,
// so topic, packet id slot and any MQTT 5 properties come from the one encoder) with the rendered
// length. Per stream it keeps the template's literal chunks (bound to the client once) and a
// generator state; per send it allocates only the packet.

import { varIntLength, writeVarInt, type PublishTemplate } from '../client/fast-codec.ts';
import { writeTrackingField, writeTrackingHeader } from '../client/tracking.ts';
import type { ClientValues, MessageValues, PayloadProgram } from '../scenario/payload-template.ts';
import { mixSeed } from '../scenario/random.ts';

/** Salt of the payload generators, apart from every other use of the seed. */
const PAYLOAD_SALT = 0x7061796c;

export class PayloadStreams {
  private readonly chunks: (Buffer[] | null)[];
  private readonly rng: Uint32Array;
  private scratch = Buffer.allocUnsafe(256);
  private readonly values: MessageValues = { seq: 0, nowMs: 0, target: 0 };
  /** Offset of the packet id in the packet `packet()` returned last (-1 at QoS 0). */
  pidOffset = -1;

  constructor(
    streams: number,
    private readonly seed: number,
  ) {
    this.chunks = new Array<Buffer[] | null>(streams).fill(null);
    this.rng = new Uint32Array(streams);
  }

  bound(s: number): boolean {
    return this.chunks[s] !== null;
  }

  /** Binds stream s (run-wide id `streamId`) to its client, once, before its first send. */
  bind(s: number, program: PayloadProgram, client: ClientValues, streamId: number): void {
    const chunks = program.bind(client);
    this.chunks[s] = chunks;
    this.rng[s] = mixSeed(this.seed, streamId, PAYLOAD_SALT) || 1;
    const max = program.maxBytes(chunks);
    if (this.scratch.length < max) this.scratch = Buffer.allocUnsafe(max);
  }

  /**
   * One PUBLISH of bound stream s: the payload rendered with `seq`, `nowMs` and `target`, tracked
   * as `trackStream` (ignored when the program is untracked); `head` is the stream's packet
   * template with an empty payload. Sets `pidOffset`.
   */
  packet(
    s: number,
    program: PayloadProgram,
    head: PublishTemplate,
    trackStream: number,
    seq: number,
    intendedMs: number,
    nowMs: number,
    flags: number,
    target: number,
  ): Buffer {
    const scratch = this.scratch;
    const v = this.values;
    v.seq = seq;
    v.nowMs = nowMs;
    v.target = target;
    const len = program.render(scratch, 0, this.chunks[s]!, v, this.rng, s);
    if (program.tracking === 'header') writeTrackingHeader(scratch, 0, trackStream, seq, intendedMs, flags);
    else if (program.tracking === 'field') writeTrackingField(scratch, 0, program.trackComma, trackStream, seq, intendedMs, flags);
    return this.withPayload(head, scratch, len);
  }

  /** The packet `head` (laid out for an empty payload) carrying `payload[0..len)`. */
  private withPayload(head: PublishTemplate, payload: Buffer, len: number): Buffer {
    const h = head.bytes;
    let emptyRemaining = 0;
    let mult = 1;
    let p = 1;
    let b: number;
    do {
      b = h[p++];
      emptyRemaining += (b & 0x7f) * mult;
      mult *= 128;
    } while (b & 0x80);
    const remaining = emptyRemaining + len;
    const headerBytes = 1 + varIntLength(remaining);
    const out = Buffer.allocUnsafe(headerBytes + remaining);
    // The head's own fixed header (never longer than the new one) lands just before the variable
    // header and is then overwritten: one TypedArray#set and no subarray view.
    out.set(h, headerBytes - p);
    out[0] = h[0];
    writeVarInt(out, 1, remaining);
    this.pidOffset = head.pidOffset < 0 ? -1 : head.pidOffset + headerBytes - p;
    let off = headerBytes + h.length - p;
    for (let k = 0; k < len; k++) out[off++] = payload[k];
    return out;
  }
}
