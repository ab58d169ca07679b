// The control plane's wire format. Every message is `<mac>.<json>`: the JSON is an Envelope of
// plain data whose body travels sealed (AES-256-GCM under a key derived from the run's shared
// token, see token-keys.ts), so whoever reads the control broker learns sender, sequence and
// time, never what was said. The MAC is HMAC-SHA256 under the token over the topic and the
// JSON bytes, so a message cannot be forged, altered, or moved to another agent's topic.
// Replays are refused twice over: a timestamp window stops old captures, and a per-sender,
// per-topic sequence number stops a capture being replayed within the window (and drops the
// duplicates QoS 1 may deliver). Nothing in an envelope is ever executed.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Sealer } from './token-keys.ts';

export interface Envelope<B = unknown> {
  /** Sender id: an agent id, or `coordinator`. */
  from: string;
  /** Random per process: a restarted sender starts a new sequence. */
  session: string;
  seq: number;
  /** Sender's wall clock, ms since the epoch. */
  ts: number;
  body: B;
}

/** What travels: the envelope with its body sealed. */
type WireEnvelope = Omit<Envelope, 'body'> & { box: string };

export type RejectReason = 'malformed' | 'bad-mac' | 'stale' | 'replay';

export type Verified<B> = { ok: true; envelope: Envelope<B> } | { ok: false; reason: RejectReason };

/** Kinds a broker publishes for a sender after it is gone (last wills): signed at connect time, so exempt from the time window. */
export const WILL_KINDS: ReadonlySet<string> = new Set(['offline', 'gone']);

const MAC_HEX = 64;

export function newSession(): string {
  return randomBytes(8).toString('hex');
}

function mac(token: string, topic: string, json: string): string {
  return createHmac('sha256', token).update(topic).update('\n').update(json).digest('hex');
}

/** Signs outgoing messages for one sender. */
export class Signer {
  private seq = 0;
  readonly session = newSession();
  private readonly sealer: Sealer;

  constructor(
    private readonly token: string,
    readonly from: string,
    private readonly now: () => number = Date.now,
  ) {
    this.sealer = new Sealer(token);
  }

  sign(topic: string, body: unknown): Buffer {
    return this.wire(topic, ++this.seq, body);
  }

  /**
   * A last will, signed now and published by the broker later. It carries the highest sequence
   * number, so it is accepted after anything the session sent on the topic, and only once.
   */
  signWill(topic: string, body: unknown): Buffer {
    return this.wire(topic, Number.MAX_SAFE_INTEGER, body);
  }

  private wire(topic: string, seq: number, body: unknown): Buffer {
    const box = this.sealer.seal(topic, JSON.stringify(body));
    const envelope: WireEnvelope = { from: this.from, session: this.session, seq, ts: this.now(), box };
    const json = JSON.stringify(envelope);
    return Buffer.from(`${mac(this.token, topic, json)}.${json}`);
  }
}

export interface VerifierOptions {
  /** Largest accepted |receiver clock - sender clock|, ms. Default 60 s. */
  windowMs?: number;
  now?: () => number;
}

// Enough sender/topic pairs for any fleet of agents; the oldest are forgotten first.
const MAX_TRACKED = 8192;

/** Checks incoming messages; counts what it rejects, by reason. */
export class Verifier {
  readonly rejected: Record<RejectReason, number> = { malformed: 0, 'bad-mac': 0, stale: 0, replay: 0 };
  private readonly lastSeq = new Map<string, number>();
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly sealer: Sealer;

  constructor(
    private readonly token: string,
    opts: VerifierOptions = {},
  ) {
    this.sealer = new Sealer(token);
    this.windowMs = opts.windowMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  get rejectedTotal(): number {
    return Object.values(this.rejected).reduce((a, b) => a + b, 0);
  }

  verify<B = unknown>(topic: string, payload: Buffer | string): Verified<B> {
    const result = this.check<B>(topic, typeof payload === 'string' ? payload : payload.toString('utf8'));
    if (!result.ok) this.rejected[result.reason]++;
    return result;
  }

  private check<B>(topic: string, text: string): Verified<B> {
    if (text.length < MAC_HEX + 2 || text[MAC_HEX] !== '.') return { ok: false, reason: 'malformed' };
    const given = Buffer.from(text.slice(0, MAC_HEX), 'hex');
    const json = text.slice(MAC_HEX + 1);
    const expected = Buffer.from(mac(this.token, topic, json), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-mac' };
    const envelope = this.unseal<B>(topic, json);
    if (envelope === null) return { ok: false, reason: 'malformed' };
    const kind = (envelope.body as { kind?: unknown }).kind;
    const isWill = typeof kind === 'string' && WILL_KINDS.has(kind);
    if (!isWill && Math.abs(this.now() - envelope.ts) > this.windowMs) return { ok: false, reason: 'stale' };
    const key = `${envelope.session}|${topic}`;
    const last = this.lastSeq.get(key);
    if (last !== undefined && envelope.seq <= last) return { ok: false, reason: 'replay' };
    this.lastSeq.delete(key);
    this.lastSeq.set(key, envelope.seq);
    if (this.lastSeq.size > MAX_TRACKED) this.lastSeq.delete(this.lastSeq.keys().next().value!);
    return { ok: true, envelope };
  }

  private unseal<B>(topic: string, json: string): Envelope<B> | null {
    const wire = parse(json);
    if (!isWire(wire)) return null;
    const opened = this.sealer.open(topic, wire.box);
    const body = opened === null ? null : parse(opened);
    if (typeof body !== 'object' || body === null) return null;
    const { box: _box, ...header } = wire;
    return { ...header, body: body as B };
  }
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return null;
  }
}

function isWire(e: unknown): e is WireEnvelope {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return (
    typeof o.from === 'string' &&
    typeof o.session === 'string' &&
    Number.isSafeInteger(o.seq) &&
    typeof o.ts === 'number' &&
    typeof o.box === 'string'
  );
}
