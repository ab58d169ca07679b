// Payload templates (`publish[].payload`, `commands[].payload`), compiled once per stream spec
// into byte chunks and slot kinds so that a send renders into a reused buffer: literal bytes are
// copied, numbers are written digit by digit, nothing is concatenated or allocated per message.
// Per-client values ({i}, {group}, {clientId}) are folded into a client's chunks once, when its
// stream first sends; per-message values ({seq}, {now}, {rand:a-b}, {pick:a|b}, {target}) are
// slots. The tracking data goes first, where the engine writes it (client/tracking.ts): a
// 20-byte binary header before a text payload, or a `"_fs"` member first in a JSON object.

import { TRACKING_FIELD_BYTES, TRACKING_HEADER_BYTES } from '../wire.ts';
import { nextXorshift32 } from './random.ts';
import { PAYLOAD_PLACEHOLDERS, parsePayloadParts, type PayloadPart, type PlaceholderName } from './template.ts';

export const SLOT_SEQ = 0;
export const SLOT_NOW = 1;
export const SLOT_RAND = 2;
export const SLOT_PICK = 3;
export const SLOT_TARGET = 4;

/** Filler after a rendered payload shorter than `size`: a space keeps JSON valid. */
const PAD = 0x20;
/** Widest rendering of a uint32 ({seq}, {target}) and of a ms timestamp ({now}). */
const UINT32_DIGITS = 10;
const NOW_DIGITS = 16;

export type PayloadFormat = 'json' | 'text';
/** none: untracked; header: binary header, then the text; field: `{"_fs":"<hex>",` then the object's members. */
export type TrackPlacement = 'none' | 'header' | 'field';

export interface ClientValues {
  i: number;
  group: string;
  clientId: string;
}

/** Per-message values, set by the sender on one reused object. */
export interface MessageValues {
  seq: number;
  nowMs: number;
  target: number;
}

/** A payload that starts with `{` or `[` is JSON (and checked as such); anything else is text. */
export function payloadFormat(text: string): PayloadFormat {
  return /^\s*[{[]/.test(text) ? 'json' : 'text';
}

/** Whether a JSON template is an object, so the tracking field can go first. */
export function isJsonObjectTemplate(text: string): boolean {
  return /^\s*\{/.test(text);
}

const isSlot = (p: PayloadPart): boolean => typeof p !== 'string' && p.name !== 'i' && p.name !== 'group' && p.name !== 'clientId';

export class PayloadProgram {
  readonly format: PayloadFormat;
  readonly tracking: TrackPlacement;
  /** Bytes the engine writes at the start of the payload (tracking), before the first chunk. */
  readonly trackBytes: number;
  /** The object has members after the tracking field (so the field ends with a comma). */
  readonly trackComma: boolean;
  /** Pad the payload with spaces up to this many bytes (0: never); a longer one goes out whole. */
  readonly padTo: number;
  readonly kinds: Uint8Array;
  private readonly lo: Float64Array;
  private readonly count: Float64Array;
  private readonly scale: Float64Array;
  private readonly decimals: Uint8Array;
  private readonly picks: Buffer[][];
  /** Parts between slots (literal text and per-client values); slots + 1 of them. */
  private readonly segments: PayloadPart[][];
  private shared: Buffer[] | null = null;
  readonly perClient: boolean;
  /** The most bytes the slots of one message can take. */
  readonly slotBytes: number;
  /** Any slot draws random numbers (the stream needs a generator). */
  readonly random: boolean;

  constructor(text: string, track: boolean, padTo: number, allowed: readonly PlaceholderName[] = PAYLOAD_PLACEHOLDERS) {
    this.format = payloadFormat(text);
    const json = this.format === 'json';
    let source = json ? text.trim() : text;
    this.tracking = !track ? 'none' : json ? 'field' : 'header';
    this.trackComma = false;
    if (this.tracking === 'field') {
      if (!source.startsWith('{'))
        throw new Error('a tracked JSON payload must be an object ({...}): its first member carries the tracking data');
      source = source.slice(1);
      this.trackComma = !/^\s*\}/.test(source);
    }
    this.trackBytes =
      this.tracking === 'header' ? TRACKING_HEADER_BYTES : this.tracking === 'field' ? TRACKING_FIELD_BYTES + (this.trackComma ? 1 : 0) : 0;
    this.padTo = padTo;
    const parts = parsePayloadParts(source, allowed);
    const slots = parts.filter(isSlot);
    this.kinds = new Uint8Array(slots.length);
    this.lo = new Float64Array(slots.length);
    this.count = new Float64Array(slots.length);
    this.scale = new Float64Array(slots.length);
    this.decimals = new Uint8Array(slots.length);
    this.picks = [];
    let slotBytes = 0;
    slots.forEach((p, k) => {
      if (typeof p === 'string') return;
      if (p.name === 'rand') {
        this.kinds[k] = SLOT_RAND;
        this.lo[k] = p.lo;
        this.count[k] = p.hi - p.lo + 1;
        this.decimals[k] = p.decimals;
        this.scale[k] = 10 ** p.decimals;
        // Digits of the scaled bound, plus sign, a leading 0 and the point.
        slotBytes += Math.max(String(Math.abs(p.lo)).length, String(Math.abs(p.hi)).length) + p.decimals + 3;
      } else if (p.name === 'pick') {
        this.kinds[k] = SLOT_PICK;
        this.picks[k] = p.options.map((o) => Buffer.from(o));
        slotBytes += Math.max(...this.picks[k].map((b) => b.length));
      } else {
        this.kinds[k] = p.name === 'seq' ? SLOT_SEQ : p.name === 'now' ? SLOT_NOW : SLOT_TARGET;
        slotBytes += p.name === 'now' ? NOW_DIGITS : UINT32_DIGITS;
      }
    });
    this.slotBytes = slotBytes;
    this.random = slots.some((p) => typeof p !== 'string' && (p.name === 'rand' || p.name === 'pick'));
    this.segments = [[]];
    for (const p of parts) {
      if (isSlot(p)) this.segments.push([]);
      else this.segments[this.segments.length - 1].push(p);
    }
    this.perClient = parts.some((p) => typeof p !== 'string' && !isSlot(p));
  }

  /** The literal chunks of one client's stream (shared by every client when nothing is per client). */
  bind(v: ClientValues): Buffer[] {
    if (!this.perClient && this.shared !== null) return this.shared;
    const chunks = this.segments.map((seg) => Buffer.from(seg.map((p) => (typeof p === 'string' ? p : staticValue(p.name, v))).join('')));
    if (!this.perClient) this.shared = chunks;
    return chunks;
  }

  /** Upper bound of one rendered payload with these chunks, tracking and padding included. */
  maxBytes(chunks: Buffer[]): number {
    let n = this.trackBytes + this.slotBytes;
    for (const c of chunks) n += c.length;
    return Math.max(n, this.padTo);
  }

  /**
   * Renders one message at `out[start…]`, leaving the first `trackBytes` for the tracking data;
   * returns the end offset. `rng[r]` is the stream's generator state.
   */
  render(out: Buffer, start: number, chunks: Buffer[], m: MessageValues, rng: Uint32Array, r: number): number {
    const kinds = this.kinds;
    let off = start + this.trackBytes;
    off = put(out, off, chunks[0]);
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[k];
      if (kind === SLOT_SEQ) off = writeInteger(out, off, m.seq);
      else if (kind === SLOT_NOW) off = writeInteger(out, off, Math.floor(m.nowMs));
      else if (kind === SLOT_TARGET) off = writeInteger(out, off, m.target);
      else if (kind === SLOT_RAND) {
        const v = this.lo[k] + Math.floor(nextXorshift32(rng, r) * this.count[k]);
        off = this.decimals[k] === 0 ? writeInteger(out, off, v) : writeDecimal(out, off, v, this.scale[k], this.decimals[k]);
      } else {
        const options = this.picks[k];
        off = put(out, off, options[Math.floor(nextXorshift32(rng, r) * options.length)]);
      }
      off = put(out, off, chunks[k + 1]);
    }
    const end = start + this.padTo;
    while (off < end) out[off++] = PAD;
    return off;
  }
}

/** Bytes below this are copied in a loop; Buffer#copy and TypedArray#set cost more for them. */
const SMALL_COPY = 24;

/** Copies `src` to `out[off]`; returns the end offset. */
function put(out: Buffer, off: number, src: Buffer): number {
  const n = src.length;
  if (n >= SMALL_COPY) {
    out.set(src, off);
    return off + n;
  }
  for (let k = 0; k < n; k++) out[off + k] = src[k];
  return off + n;
}

function staticValue(name: string, v: ClientValues): string {
  return name === 'i' ? String(v.i) : name === 'group' ? v.group : v.clientId;
}

/** Writes an integer (|n| < 2^53) in decimal; returns the end offset. */
export function writeInteger(buf: Buffer, off: number, n: number): number {
  if (n < 0) {
    buf[off++] = 0x2d;
    n = -n;
  }
  if (n >= 1e8) {
    // A timestamp: the high part, then the low eight digits with int32 arithmetic.
    const high = Math.floor(n / 1e8);
    return writeDigits(buf, writeInteger(buf, off, high), n - high * 1e8, 8);
  }
  return writeDigits(buf, off, n, digitCount(n));
}

function digitCount(n: number): number {
  return n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : n < 1e4 ? 4 : n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : 8;
}

/** Writes 0 <= n < 1e8 as exactly `width` digits (zero-padded). */
function writeDigits(buf: Buffer, off: number, n: number, width: number): number {
  for (let p = off + width - 1; p >= off; p--) {
    const q = (n / 10) | 0;
    buf[p] = 0x30 + n - q * 10;
    n = q;
  }
  return off + width;
}

/** Writes `scaled / scale` with exactly `decimals` digits after the point. */
function writeDecimal(buf: Buffer, off: number, scaled: number, scale: number, decimals: number): number {
  if (scaled < 0) {
    buf[off++] = 0x2d;
    scaled = -scaled;
  }
  const whole = Math.floor(scaled / scale);
  off = writeInteger(buf, off, whole);
  buf[off++] = 0x2e;
  return writeDigits(buf, off, scaled - whole * scale, decimals);
}

/**
 * The problem with a payload template as one line, or undefined: a bad placeholder, or a JSON
 * template that does not parse with sample values (each option of every {pick}, both ends of
 * every {rand}, the widest {seq}).
 */
export function checkPayloadTemplate(text: string, allowed: readonly PlaceholderName[], track: boolean): string | undefined {
  let parts: PayloadPart[];
  try {
    new PayloadProgram(text, track, 0, allowed); // the same checks the engine's compilation makes
    parts = parsePayloadParts(text, allowed);
  } catch (err) {
    return (err as Error).message;
  }
  if (payloadFormat(text) !== 'json') return undefined;
  const variants = Math.max(2, ...parts.map((p) => (typeof p !== 'string' && p.name === 'pick' ? p.options.length : 0)));
  for (let v = 0; v < variants; v++) {
    const sample = parts.map((p) => sampleValue(p, v)).join('');
    try {
      JSON.parse(sample);
    } catch (err) {
      const shown = sample.length > 80 ? `${sample.slice(0, 77)}...` : sample;
      return `is not valid JSON with sample values (${(err as Error).message}): ${shown}`;
    }
  }
  return undefined;
}

/** Sample v of a part: option v of a {pick}, the low (even v) or high (odd v) end of a {rand}. */
function sampleValue(p: PayloadPart, v: number): string {
  if (typeof p === 'string') return p;
  switch (p.name) {
    case 'pick':
      return p.options[v % p.options.length];
    case 'rand': {
      const scaled = v % 2 === 0 ? p.lo : p.hi;
      const out = Buffer.alloc(32);
      const end = p.decimals === 0 ? writeInteger(out, 0, scaled) : writeDecimal(out, 0, scaled, 10 ** p.decimals, p.decimals);
      return out.toString('latin1', 0, end);
    }
    case 'seq':
    case 'target':
      return '4294967295';
    case 'now':
      return String(Date.now());
    case 'i':
      return '0';
    case 'group':
      return 'group';
    default:
      return 'client-0';
  }
}
