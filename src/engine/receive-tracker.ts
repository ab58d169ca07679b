// Exact loss, duplicate and order accounting for tracked streams. One record per (receiver,
// stream) pair holding a bitmap of the sequence numbers seen — a sequence seen twice is a
// duplicate, one below the highest seen is out of order. A receiver is a client, or a shared
// subscription group (whose members together receive each message once). Whether the pair is
// owed deliveries at all is asked once, when the record is made, and remembered with it.

interface StreamSeen {
  bits: Uint8Array;
  maxSeq: number;
  owed: boolean;
}

/** Whether client i of group `group` is owed stream `stream`'s deliveries. */
export type OwesStream = (group: number, i: number, stream: number) => boolean;

export const ARRIVAL_NEW = 0;
export const ARRIVAL_OUT_OF_ORDER = 1;
export const ARRIVAL_DUPLICATE = 2;
/** A delivery of a stream the receiver is not owed: not part of its accounting. */
export const ARRIVAL_NOT_OWED = 3;

// Receiver ids stay below 2^29 and stream ids below 2^24, so the key is an exact integer.
const STREAM_SPACE = 16_777_216;

export class ReceiveTracker {
  private seen = new Map<number, StreamSeen>();
  /** Until steady state begins nothing is owed. */
  owes: OwesStream = () => false;

  /** A delivery of (stream, seq) to `receiver`, received by client i of group `group`. */
  record(receiver: number, stream: number, seq: number, group = 0, i = 0): number {
    const key = receiver * STREAM_SPACE + stream;
    let s = this.seen.get(key);
    if (s === undefined) {
      const owed = this.owes(group, i, stream);
      s = { bits: new Uint8Array(owed ? Math.max(8, (seq >> 3) + 1) : 0), maxSeq: -1, owed };
      this.seen.set(key, s);
    }
    if (!s.owed) return ARRIVAL_NOT_OWED;
    const byte = seq >> 3;
    if (byte >= s.bits.length) {
      const bits = new Uint8Array(Math.max(byte + 1, s.bits.length * 2));
      bits.set(s.bits);
      s.bits = bits;
    }
    const mask = 1 << (seq & 7);
    if (s.bits[byte] & mask) return ARRIVAL_DUPLICATE;
    s.bits[byte] |= mask;
    if (seq < s.maxSeq) return ARRIVAL_OUT_OF_ORDER;
    s.maxSeq = seq;
    return ARRIVAL_NEW;
  }

  get pairs(): number {
    return this.seen.size;
  }
}
