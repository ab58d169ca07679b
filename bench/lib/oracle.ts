// An independent witness for the benchmarks: a plain MQTT.js subscriber with its own session,
// counting what the broker really delivered, decoded from fleetstorm's 20-byte tracking header
// by its own reader (not src/client's, so a bug there cannot hide here):
//   0-1 "fs", 2 version 1, 3 flags, 4-7 stream id, 8-11 seq, 12-19 intended send time (float64 ms), big-endian.

import mqtt, { type IClientOptions, type IConnackPacket, type MqttClient } from 'mqtt';

export interface OracleCounts {
  deliveries: number;
  untracked: number;
  unique: number;
  duplicates: number;
  /** Deliveries the broker flagged DUP (its own redeliveries to this session). */
  dupFlagged: number;
  /** Unique messages whose intended send time lies in a window when the oracle was offline. */
  sentWhileOffline: number;
  streams: number;
}

/** A seq missing inside a stream, between the deliveries around it. */
export interface OracleGap {
  stream: number;
  seq: number;
  prevSeq: number;
  prevIntendedMs: number;
  nextSeq: number;
  nextIntendedMs: number;
}

export class Oracle {
  private client: MqttClient | null = null;
  private readonly seen = new Map<number, Map<number, number>>();
  private deliveries = 0;
  private untracked = 0;
  private unique = 0;
  private duplicates = 0;
  private dupFlagged = 0;
  private sentWhileOffline = 0;
  private readonly offline: [number, number][] = [];
  private offlineSince: number | null = null;
  lastArrival = 0;
  /** CONNACK session present of the last connect. */
  sessionPresent = false;

  constructor(
    private readonly url: string,
    private readonly filter: string,
    private readonly clientId: string,
  ) {}

  async connect(): Promise<void> {
    if (this.offlineSince !== null) {
      this.offline.push([this.offlineSince, Date.now()]);
      this.offlineSince = null;
    }
    const opts: IClientOptions = {
      clientId: this.clientId,
      clean: false,
      protocolVersion: 4,
      keepalive: 60,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    };
    // Handlers first: a persistent session's queue arrives right behind the CONNACK.
    const client = mqtt.connect(this.url, opts);
    client.on('message', (_topic, payload, packet) => this.onMessage(payload, packet.dup === true));
    const connack = await new Promise<IConnackPacket>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
      client.once('close', () => reject(new Error(`oracle could not connect to ${this.url}`)));
    });
    client.removeAllListeners('error');
    client.removeAllListeners('close');
    client.on('error', () => {});
    this.sessionPresent = connack.sessionPresent;
    if (!this.sessionPresent) await client.subscribeAsync(this.filter, { qos: 1 });
    this.client = client;
  }

  /** Polite DISCONNECT; the session (clean false) stays on the broker and queues for us. */
  async goOffline(): Promise<void> {
    this.offlineSince = Date.now();
    await this.client?.endAsync();
    this.client = null;
  }

  private onMessage(payload: Buffer, dup: boolean): void {
    this.deliveries++;
    this.lastArrival = Date.now();
    if (dup) this.dupFlagged++;
    if (payload.length < 20 || payload[0] !== 0x66 || payload[1] !== 0x73 || payload[2] !== 1) {
      this.untracked++;
      return;
    }
    const stream = payload.readUInt32BE(4);
    const seq = payload.readUInt32BE(8);
    const intended = payload.readDoubleBE(12);
    let s = this.seen.get(stream);
    if (!s) this.seen.set(stream, (s = new Map()));
    if (s.has(seq)) {
      this.duplicates++;
      return;
    }
    s.set(seq, intended);
    this.unique++;
    for (const [from, to] of this.offline) if (intended >= from && intended < to) this.sentWhileOffline++;
  }

  /** Waits until nothing arrived for `quietMs`, at most `timeoutMs`. */
  async quiet(quietMs: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && Date.now() - this.lastArrival < quietMs) await new Promise((r) => setTimeout(r, 200));
  }

  /**
   * Seqs missing inside each stream (between its first and last delivery), with the intended send
   * time of the next message that did arrive: where in the run the holes are.
   */
  gaps(): OracleGap[] {
    const out: OracleGap[] = [];
    for (const [stream, m] of this.seen) {
      const seqs = [...m.keys()].sort((a, b) => a - b);
      for (let i = 1; i < seqs.length; i++)
        for (let q = seqs[i - 1] + 1; q < seqs[i]; q++)
          out.push({
            stream,
            seq: q,
            prevSeq: seqs[i - 1],
            prevIntendedMs: m.get(seqs[i - 1])!,
            nextSeq: seqs[i],
            nextIntendedMs: m.get(seqs[i])!,
          });
    }
    return out;
  }

  /**
   * The median spacing (ms) of intended send times between consecutive seqs of a stream: a
   * device's publish period. A send skipped while its device was offline takes no seq, so a
   * hole's message was due one period after the message before it, whatever came next.
   */
  stepMs(): number {
    const steps: number[] = [];
    for (const m of this.seen.values()) {
      for (const [seq, at] of m) {
        const next = m.get(seq + 1);
        if (next !== undefined) steps.push(next - at);
      }
      if (steps.length >= 100_000) break;
    }
    steps.sort((a, b) => a - b);
    return steps.length ? steps[Math.floor(steps.length / 2)] : 0;
  }

  offlineWindows(): [number, number][] {
    return this.offline;
  }

  counts(): OracleCounts {
    return {
      deliveries: this.deliveries,
      untracked: this.untracked,
      unique: this.unique,
      duplicates: this.duplicates,
      dupFlagged: this.dupFlagged,
      sentWhileOffline: this.sentWhileOffline,
      streams: this.seen.size,
    };
  }

  async stop(): Promise<OracleCounts> {
    await this.client?.endAsync();
    this.client = null;
    return this.counts();
  }
}
