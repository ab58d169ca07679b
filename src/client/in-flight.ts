// Outgoing QoS>0 publishes awaiting their final acknowledgement, one ring per connection. Brokers
// acknowledge in order (MQTT 3.1.1 §4.6, 5.0 §4.6), so a ring replaces a map: an ack is almost
// always for the oldest entry. `Connection` extends this class, so the ring's fields sit on the
// connection itself (one object per device, no map entries).

import { BrokerLimits } from './mqtt5-limits.ts';

/** A slot's first number is `pid | qos << 16`; qos 0 means "not known yet". */
const PID_MASK = 0xffff;

export class InFlightRing extends BrokerLimits {
  /** Pairs of (packet id + QoS, intended send time), oldest first. */
  ring: Float64Array | null = null;
  ringHead = 0;
  ringCount = 0;
  /**
   * Persistent sessions keep each unacknowledged publish (beside the ring) so it can be sent
   * again, with DUP set, after a reconnect — as MQTT requires of a client with a session.
   */
  ringBufs: (Buffer | null)[] | null = null;

  constructor(
    /** Keep unacknowledged publishes across reconnects (clean = false). */
    readonly persistent = false,
  ) {
    super();
  }

  /**
   * QoS 1/2 publishes held back because the broker's Receive Maximum was reached, oldest first
   * (packet, and its packet-id offset and intended send time in `delayedNums`). They go out as
   * acks free places (`takeDelayed`); a plain array pair, so a delay costs no timer or closure.
   */
  delayedBufs: Buffer[] | null = null;
  delayedNums: number[] | null = null;
  delayedHead = 0;

  /** Whether a QoS>0 publish must wait: the broker's Receive Maximum is taken, or others wait already. */
  mustDelay(): boolean {
    return this.ringCount >= this.receiveMaximum || this.delayedCount > 0;
  }

  get delayedCount(): number {
    return this.delayedBufs === null ? 0 : this.delayedBufs.length - this.delayedHead;
  }

  delay(buf: Buffer, pidOffset: number, intendedMs: number): void {
    if (this.delayedBufs === null) {
      this.delayedBufs = [];
      this.delayedNums = [];
    }
    this.delayedBufs.push(buf);
    this.delayedNums!.push(pidOffset, intendedMs);
  }

  /** The oldest delayed publish if the Receive Maximum has room for it now (its pid offset and intended time in out[0], out[1]), else null. */
  takeDelayed(out: Float64Array): Buffer | null {
    const bufs = this.delayedBufs;
    if (bufs === null || this.delayedHead >= bufs.length || this.ringCount >= this.receiveMaximum) return null;
    const k = this.delayedHead++;
    const buf = bufs[k];
    out[0] = this.delayedNums![2 * k];
    out[1] = this.delayedNums![2 * k + 1];
    if (this.delayedHead === bufs.length) this.dropDelayed();
    else if (this.delayedHead >= 1024 && this.delayedHead * 2 >= bufs.length) {
      // Compact now and then, so a long backlog does not keep every sent packet alive.
      bufs.splice(0, this.delayedHead);
      this.delayedNums!.splice(0, 2 * this.delayedHead);
      this.delayedHead = 0;
    }
    return buf;
  }

  /** Forgets every delayed publish; returns how many there were. */
  dropDelayed(): number {
    const n = this.delayedCount;
    if (this.delayedBufs !== null) {
      this.delayedBufs.length = 0;
      this.delayedNums!.length = 0;
    }
    this.delayedHead = 0;
    return n;
  }

  get inFlight(): number {
    return this.ringCount;
  }

  /** Remember a QoS>0 publish until its final ack (and, for persistent sessions, its bytes). */
  track(pid: number, intendedMs: number, packet?: Buffer): void {
    let ring = this.ring;
    if (ring === null) {
      ring = this.ring = new Float64Array(8);
      if (this.persistent) this.ringBufs = new Array<Buffer | null>(4).fill(null);
    }
    if (this.ringCount === ring.length >> 1) ring = this.growRing();
    const index = (this.ringHead + this.ringCount) % (ring.length >> 1);
    ring[index << 1] = pid;
    ring[(index << 1) + 1] = intendedMs;
    if (this.ringBufs !== null) this.ringBufs[index] = packet ?? null;
    this.ringCount++;
  }

  /** Records the QoS a tracked `pid` was sent with (newest entries are searched first). */
  noteQos(pid: number, qos: number): void {
    const slot = this.slotOf(pid, true);
    if (slot >= 0) this.ring![slot] = pid | (qos << 16);
  }

  /** QoS of a tracked `pid`: 1 or 2, 0 when tracked without a known QoS, -1 when not tracked. */
  qosOf(pid: number): number {
    const slot = this.slotOf(pid, false);
    return slot < 0 ? -1 : this.ring![slot] >>> 16;
  }

  /** Removes `pid` from the ring and returns its intended send time, or -1 if unknown. */
  untrack(pid: number): number {
    const ring = this.ring;
    if (ring === null || this.ringCount === 0) return -1;
    const cap = ring.length >> 1;
    let slot = this.ringHead << 1;
    const bufs = this.ringBufs;
    if ((ring[slot] & PID_MASK) === pid) {
      if (bufs !== null) bufs[this.ringHead] = null;
      this.ringHead = (this.ringHead + 1) % cap;
      this.ringCount--;
      return ring[slot + 1];
    }
    // Out of order (a broker that does not follow §4.6): find it and close the gap.
    for (let i = 1; i < this.ringCount; i++) {
      slot = ((this.ringHead + i) % cap) << 1;
      if ((ring[slot] & PID_MASK) !== pid) continue;
      const t = ring[slot + 1];
      for (let j = i; j < this.ringCount - 1; j++) {
        const a = ((this.ringHead + j) % cap) << 1;
        const b = ((this.ringHead + j + 1) % cap) << 1;
        ring[a] = ring[b];
        ring[a + 1] = ring[b + 1];
        if (bufs !== null) bufs[a >> 1] = bufs[b >> 1];
      }
      if (bufs !== null) bufs[(this.ringHead + this.ringCount - 1) % cap] = null;
      this.ringCount--;
      return t;
    }
    return -1;
  }

  /** Index into `ring` of `pid`'s entry, or -1; searched from the newest or the oldest end. */
  private slotOf(pid: number, newestFirst: boolean): number {
    const ring = this.ring;
    if (ring === null) return -1;
    const cap = ring.length >> 1;
    for (let i = 0; i < this.ringCount; i++) {
      const k = newestFirst ? this.ringCount - 1 - i : i;
      const slot = ((this.ringHead + k) % cap) << 1;
      if ((ring[slot] & PID_MASK) === pid) return slot;
    }
    return -1;
  }

  private growRing(): Float64Array {
    const old = this.ring!;
    const cap = old.length >> 1;
    const ring = new Float64Array(old.length * 2);
    const oldBufs = this.ringBufs;
    const bufs = oldBufs !== null ? new Array<Buffer | null>(cap * 2).fill(null) : null;
    for (let i = 0; i < this.ringCount; i++) {
      const from = ((this.ringHead + i) % cap) << 1;
      ring[i << 1] = old[from];
      ring[(i << 1) + 1] = old[from + 1];
      if (bufs !== null) bufs[i] = oldBufs![(this.ringHead + i) % cap];
    }
    this.ring = ring;
    this.ringBufs = bufs;
    this.ringHead = 0;
    return ring;
  }
}
