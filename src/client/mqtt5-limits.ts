// What an MQTT 5 broker announced in its CONNACK (§3.2.2.3), read once per connection and kept
// as a few plain fields on the connection itself (InFlightRing, and so Connection, extends this
// class: no extra object per device). Defaults are the spec's for an absent property, so a
// 3.1.1 connection simply keeps them.

import { readVarInt } from './fast-codec.ts';

/** Broker features a scenario may need (bits of `available` / `needs`). */
export const FEATURE_RETAIN = 1;
export const FEATURE_WILDCARD = 2;
export const FEATURE_SHARED = 4;
export const FEATURE_SUBSCRIPTION_IDS = 8;
const ALL_FEATURES = FEATURE_RETAIN | FEATURE_WILDCARD | FEATURE_SHARED | FEATURE_SUBSCRIPTION_IDS;

/** Reason a missing feature is reported by, e.g. `broker:shared-subscription-not-available`. */
export const FEATURE_REASONS: readonly [number, string][] = [
  [FEATURE_RETAIN, 'broker:retain-not-available'],
  [FEATURE_WILDCARD, 'broker:wildcard-subscription-not-available'],
  [FEATURE_SHARED, 'broker:shared-subscription-not-available'],
  [FEATURE_SUBSCRIPTION_IDS, 'broker:subscription-identifiers-not-available'],
];

/** The largest packet MQTT can express (and the limit when the broker names none). */
export const MQTT_MAX_PACKET = 268_435_460;

export class BrokerLimits {
  /** Receive Maximum: QoS 1/2 publishes the broker takes unacknowledged at once. */
  receiveMaximum = 65_535;
  /** Maximum Packet Size the broker accepts, bytes. */
  maxPacketSize = MQTT_MAX_PACKET;
  /** Topic Alias Maximum: highest alias the broker accepts (0 = none). */
  topicAliasMaximum = 0;
  /** Server Keep Alive in seconds, -1 when the broker left ours in force. */
  serverKeepAliveSec = -1;
  /** Assigned Client Identifier (sent when we connected with an empty one). */
  assignedClientId: string | null = null;
  /** FEATURE_* bits the broker offers (all, unless it said otherwise). */
  available = ALL_FEATURES;
  /** Topic aliases set up on this network connection so far, one bit per alias (1..31). */
  aliasesSet = 0;
  /** Offset of the property length of the MQTT 5 PUBLISH being delivered right now (-1: none). */
  deliveryPropsAt = -1;
  /** What the client's scenario needs of the broker (FEATURE_* bits), set before it connects. */
  needs = 0;
  /** Its largest fixed-size PUBLISH packet, bytes (0 = none): more than the broker's maximum fails fast. */
  largestPacket = 0;

  /** Back to the spec's defaults: every CONNACK states the limits afresh. */
  resetLimits(): void {
    this.receiveMaximum = 65_535;
    this.maxPacketSize = MQTT_MAX_PACKET;
    this.topicAliasMaximum = 0;
    this.serverKeepAliveSec = -1;
    this.available = ALL_FEATURES;
    this.aliasesSet = 0;
  }

  /**
   * Reads the CONNACK properties in `buf[off, end)` (off at the property length). Returns false
   * when they are malformed. Properties fleetstorm has no use for are skipped by their type.
   */
  readConnackProperties(buf: Buffer, off: number, end: number): boolean {
    this.resetLimits();
    if (off >= end) return true; // a CONNACK without properties (some brokers on refusal)
    try {
      return this.readProperties(buf, off, end);
    } catch {
      return false; // a length that runs past the buffer
    }
  }

  private readProperties(buf: Buffer, off: number, end: number): boolean {
    const cursor = new Int32Array(1);
    const len = readVarInt(buf, off, cursor);
    off = cursor[0];
    const stop = off + len;
    if (stop > end) return false;
    while (off < stop) {
      const id = buf[off++];
      const size = propertySize(id, buf, off);
      if (size < 0 || off + size > stop) return false;
      this.take(id, buf, off);
      off += size;
    }
    return true;
  }

  private take(id: number, buf: Buffer, off: number): void {
    switch (id) {
      case 0x21:
        this.receiveMaximum = buf.readUInt16BE(off) || 65_535;
        return;
      case 0x27:
        this.maxPacketSize = buf.readUInt32BE(off) || MQTT_MAX_PACKET;
        return;
      case 0x22:
        this.topicAliasMaximum = buf.readUInt16BE(off);
        return;
      case 0x13:
        this.serverKeepAliveSec = buf.readUInt16BE(off);
        return;
      case 0x12:
        this.assignedClientId = buf.toString('utf8', off + 2, off + 2 + buf.readUInt16BE(off));
        return;
      case 0x25:
        return this.flag(FEATURE_RETAIN, buf[off]);
      case 0x28:
        return this.flag(FEATURE_WILDCARD, buf[off]);
      case 0x2a:
        return this.flag(FEATURE_SHARED, buf[off]);
      case 0x29:
        return this.flag(FEATURE_SUBSCRIPTION_IDS, buf[off]);
    }
  }

  private flag(bit: number, value: number): void {
    this.available = value === 0 ? this.available & ~bit : this.available | bit;
  }

  /**
   * Why this client cannot run its scenario against the limits just read, or null: the first
   * feature it needs that the broker lacks, or a fixed publish larger than the broker accepts.
   * Such reasons start with `broker:`, so the engine can tell them from ordinary refusals.
   */
  unmetNeed(): string | null {
    const missing = this.needs & ~this.available;
    for (const [bit, reason] of FEATURE_REASONS) if ((missing & bit) !== 0) return reason;
    if (this.largestPacket > this.maxPacketSize) return `broker:maximum-packet-size-${this.maxPacketSize}-below-${this.largestPacket}`;
    return null;
  }
}

const BYTE_PROPS = new Set([0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2a]);
const TWO_BYTE_PROPS = new Set([0x13, 0x21, 0x22, 0x23]);
const FOUR_BYTE_PROPS = new Set([0x02, 0x11, 0x18, 0x27]);
const STRING_PROPS = new Set([0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1a, 0x1c, 0x1f]);

/** Bytes the value of property `id` at `off` takes, or -1 for an unknown property. */
function propertySize(id: number, buf: Buffer, off: number): number {
  if (BYTE_PROPS.has(id)) return 1;
  if (TWO_BYTE_PROPS.has(id)) return 2;
  if (FOUR_BYTE_PROPS.has(id)) return 4;
  if (STRING_PROPS.has(id)) return 2 + buf.readUInt16BE(off);
  if (id === 0x26) {
    const key = 2 + buf.readUInt16BE(off);
    return key + 2 + buf.readUInt16BE(off + key);
  }
  if (id === 0x0b) {
    let n = 1;
    while (n < 4 && (buf[off + n - 1] & 0x80) !== 0) n++;
    return n;
  }
  return -1;
}
