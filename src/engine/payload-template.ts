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
  /** Upper bound of each bound stream's rendered payload. */
  private readonly maxPayload: Uint32Array;
  private readonly values: MessageValues = { seq: 0, nowMs: 0, target: 0 };
  /** Offset of the packet id in the packet `packet()` returned last (-1 at QoS 0). */
  pidOffset = -1;

  constructor(
    streams: number,
    private readonly seed: number,
  ) {
    this.chunks = new Array<Buffer[] | null>(streams).fill(null);
    this.rng = new Uint32Array(streams);
    this.maxPayload = new Uint32Array(streams);
  }

  bound(s: number): boolean {
    return this.chunks[s] !== null;
  }

  /** Binds stream s (run-wide id `streamId`) to its client, once, before its first send. */
  bind(s: number, program: PayloadProgram, client: ClientValues, streamId: number): void {
    const chunks = program.bind(client);
    this.chunks[s] = chunks;
    this.rng[s] = mixSeed(this.seed, streamId, PAYLOAD_SALT) || 1;
    this.maxPayload[s] = program.maxBytes(chunks);
  }

  /**
   * One PUBLISH of bound stream s: the payload rendered with `seq`, `nowMs` and `target`, tracked
   * as `trackStream` (ignored when the program is untracked); `head` is the stream's packet
   * template with an empty payload. Sets `pidOffset`.
   *
   * The payload is rendered straight into the packet, sized for the longest rendering; the fixed
   * header, whose remaining length is known only afterwards, is then written right before the
   * variable header, and the packet is the view from there to the payload's end.
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
    const variable = h.length - p;
    const maxPayload = this.maxPayload[s];
    const maxHeader = 1 + varIntLength(emptyRemaining + maxPayload);
    const out = Buffer.allocUnsafe(maxHeader + variable + maxPayload);
    const payloadStart = maxHeader + variable;
    const v = this.values;
    v.seq = seq;
    v.nowMs = nowMs;
    v.target = target;
    const end = program.render(out, payloadStart, this.chunks[s]!, v, this.rng, s);
    if (program.tracking === 'header') writeTrackingHeader(out, payloadStart, trackStream, seq, intendedMs, flags);
    else if (program.tracking === 'field') writeTrackingField(out, payloadStart, program.trackComma, trackStream, seq, intendedMs, flags);
    // The head's own fixed header (never longer than the real one) lands in front and is overwritten.
    out.set(h, maxHeader - p);
    const remaining = variable + end - payloadStart;
    const start = maxHeader - 1 - varIntLength(remaining);
    out[start] = h[0];
    writeVarInt(out, start + 1, remaining);
    this.pidOffset = head.pidOffset < 0 ? -1 : head.pidOffset + maxHeader - p - start;
    return start === 0 && end === out.length ? out : out.subarray(start, end);
  }
}
