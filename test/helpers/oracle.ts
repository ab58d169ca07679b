// The oracle: a plain MQTT.js subscriber that counts what the broker really delivered, so a test
// can check fleetstorm's own figures against an independent witness (counts on the wire).
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { decodeTrackingHeader } from './tracking-header.ts';

export interface OracleStreamCounts {
  unique: number;
  duplicates: number;
  /** Deliveries with a seq below one already seen on the stream (duplicates excluded). */
  outOfOrder: number;
  minSeq: number;
  maxSeq: number;
  /** Seqs between minSeq and maxSeq that never arrived. */
  gaps: number;
}

export interface OracleCounts {
  total: number;
  /** Deliveries without a valid tracking header. */
  untracked: number;
  retained: number;
  perTopic: Record<string, number>;
  /** Keyed by stream id. */
  streams: Record<number, OracleStreamCounts>;
  tracked: { deliveries: number; unique: number; duplicates: number; outOfOrder: number };
  /** Arrival time minus intended send time, for tracked deliveries (same-host clocks). */
  latencyMs: { count: number; min: number; max: number; mean: number };
}

export interface OracleOptions {
  /** Reconnect after losing the broker (restart tests); 0 = never (default). */
  reconnectPeriodMs?: number;
  qos?: 0 | 1 | 2;
  protocolVersion?: 3 | 4 | 5;
  clientId?: string;
  clean?: boolean;
  username?: string;
  password?: string;
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  connectTimeoutMs?: number;
}

export interface Oracle {
  client: MqttClient;
  counts(): OracleCounts;
  /** Resolves once `total >= n`; rejects after `timeoutMs` with the counts so far. */
  waitForTotal(n: number, timeoutMs?: number): Promise<OracleCounts>;
  /** Resolves once nothing arrived for `quietMs` (to catch late duplicates); bounded by `timeoutMs`. */
  waitForQuiet(quietMs: number, timeoutMs?: number): Promise<OracleCounts>;
  stop(): Promise<OracleCounts>;
}

interface StreamState {
  seen: Set<number>;
  maxSeq: number;
  minSeq: number;
  duplicates: number;
  outOfOrder: number;
}

export async function startOracle(url: string, filters: string[], opts: OracleOptions = {}): Promise<Oracle> {
  const qos = opts.qos ?? 1;
  const clientOpts: IClientOptions = {
    protocolVersion: opts.protocolVersion ?? 4,
    clientId: opts.clientId ?? `oracle-${process.pid}-${Math.random().toString(16).slice(2, 10)}`,
    clean: opts.clean ?? true,
    keepalive: 60,
    reconnectPeriod: opts.reconnectPeriodMs ?? 0,
    connectTimeout: opts.connectTimeoutMs ?? 5000,
    username: opts.username,
    password: opts.password,
    ca: opts.ca,
    cert: opts.cert,
    key: opts.key,
    rejectUnauthorized: opts.rejectUnauthorized,
  };
  const client = await connectAsync(url, clientOpts);
  client.on('error', () => {}); // surfaced through counts and timeouts, never as a crash

  let total = 0,
    untracked = 0,
    retained = 0,
    lastArrival = Date.now();
  let latCount = 0,
    latMin = Infinity,
    latMax = -Infinity,
    latSum = 0;
  const perTopic: Record<string, number> = {};
  const streams = new Map<number, StreamState>();

  client.on('message', (topic, payload, packet) => {
    const now = Date.now();
    lastArrival = now;
    total++;
    perTopic[topic] = (perTopic[topic] ?? 0) + 1;
    if (packet.retain) retained++;
    const header = decodeTrackingHeader(payload);
    if (!header) {
      untracked++;
      return;
    }
    const latency = now - header.intendedSendTimeMs;
    latCount++;
    latSum += latency;
    if (latency < latMin) latMin = latency;
    if (latency > latMax) latMax = latency;
    let s = streams.get(header.streamId);
    if (!s) streams.set(header.streamId, (s = { seen: new Set(), maxSeq: -1, minSeq: Infinity, duplicates: 0, outOfOrder: 0 }));
    if (s.seen.has(header.seq)) {
      s.duplicates++;
      return;
    }
    if (header.seq < s.maxSeq) s.outOfOrder++;
    s.seen.add(header.seq);
    if (header.seq > s.maxSeq) s.maxSeq = header.seq;
    if (header.seq < s.minSeq) s.minSeq = header.seq;
  });

  const granted = await client.subscribeAsync(Object.fromEntries(filters.map((topic) => [topic, { qos }])));
  const refused = granted.filter((g) => g.qos === 128);
  if (refused.length) {
    await client.endAsync(true);
    throw new Error(`oracle subscription refused by broker: ${refused.map((g) => g.topic).join(', ')}`);
  }

  const counts = (): OracleCounts => {
    const out: OracleCounts = {
      total,
      untracked,
      retained,
      perTopic: { ...perTopic },
      streams: {},
      tracked: { deliveries: total - untracked, unique: 0, duplicates: 0, outOfOrder: 0 },
      latencyMs: latCount ? { count: latCount, min: latMin, max: latMax, mean: latSum / latCount } : { count: 0, min: 0, max: 0, mean: 0 },
    };
    for (const [id, s] of streams) {
      const unique = s.seen.size;
      out.streams[id] = {
        unique,
        duplicates: s.duplicates,
        outOfOrder: s.outOfOrder,
        minSeq: s.minSeq,
        maxSeq: s.maxSeq,
        gaps: s.maxSeq - s.minSeq + 1 - unique,
      };
      out.tracked.unique += unique;
      out.tracked.duplicates += s.duplicates;
      out.tracked.outOfOrder += s.outOfOrder;
    }
    return out;
  };

  const poll = (done: () => boolean, timeoutMs: number, what: string) =>
    new Promise<OracleCounts>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const tick = () => {
        if (done()) return resolve(counts());
        if (Date.now() >= deadline) {
          return reject(new Error(`oracle: ${what} not reached within ${timeoutMs} ms (total ${total})`));
        }
        setTimeout(tick, 10);
      };
      tick();
    });

  let stopped: Promise<OracleCounts> | null = null;
  return {
    client,
    counts,
    waitForTotal: (n, timeoutMs = 10_000) => poll(() => total >= n, timeoutMs, `${n} deliveries`),
    waitForQuiet: (quietMs, timeoutMs = 10_000) => poll(() => Date.now() - lastArrival >= quietMs, timeoutMs, `${quietMs} ms of quiet`),
    stop() {
      stopped ??= client.endAsync().then(counts, () => counts());
      return stopped;
    },
  };
}
