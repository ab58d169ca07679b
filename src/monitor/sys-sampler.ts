// One MQTT.js client per broker URL, subscribed to `$SYS/#`, recording every numeric value the
// broker publishes there (Mosquitto: `$SYS/broker/...`, EMQX: `$SYS/brokers/<node>/...`).
// MQTT.js is the right tool here: one extra connection, not a fleet, and it reconnects by itself
// if the broker restarts mid-run.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { TlsOptions } from '../scenario/types.ts';
import { SeriesStore, type SeriesLimits } from './series-store.ts';
import type { BrokerSource } from '../result/broker-side.ts';

export interface SysSamplerOptions {
  url: string;
  /** Distinguishes several monitor clients of one process. */
  index: number;
  protocol?: 3 | 4 | 5;
  tls?: TlsOptions;
  /** Relative TLS paths resolve against it. */
  baseDir?: string;
  limits?: SeriesLimits;
  now?: () => number;
}

// "12", "0.50", "-3", "1.5e3", and Mosquitto's uptime "2 seconds".
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?( seconds?)?$/;
const VERSION_TOPIC = /^\$SYS\/(broker|brokers\/[^/]+)\/version$/;
// Published once per $SYS interval by Mosquitto and EMQX alike: marks a tick.
const TICK_TOPIC = /^\$SYS\/(broker|brokers\/[^/]+)\/uptime$/;
// $SYS intervals longer than this are not waited for at the end of a run.
const MAX_SETTLE_INTERVAL_MS = 2500;
// After a tick arrives, the rest of its burst follows within milliseconds.
const BURST_MS = 150;
// Brokers that keep no retained $SYS values send nothing until their next tick.
const RETAINED_WAIT_MS = 300;

export function parseSysNumber(payload: string): number | null {
  const text = payload.trim();
  const m = NUMERIC.exec(text);
  if (!m) return null;
  const n = Number(m[3] ? text.slice(0, text.length - m[3].length) : text);
  return Number.isFinite(n) ? n : null;
}

export class SysSampler {
  readonly store: SeriesStore;
  readonly url: string;
  version?: string;
  error?: string;
  private readonly client: MqttClient;
  private readonly now: () => number;
  private lastTickMs = 0;
  private tickIntervalMs = 0;
  private tickWaiters: Array<() => void> = [];
  /** Resolves once `$SYS/#` is subscribed (or the first attempt failed). */
  readonly ready: Promise<void>;

  constructor(opts: SysSamplerOptions) {
    this.url = opts.url;
    this.now = opts.now ?? Date.now;
    this.store = new SeriesStore(opts.limits);
    this.client = mqtt.connect(opts.url, clientOptions(opts));
    this.ready = new Promise<void>((resolve) => {
      this.client.once('connect', () => {
        this.client.subscribe('$SYS/#', { qos: 0 }, (err) => {
          if (err) {
            this.error = `subscribe $SYS/#: ${err.message}`;
            return resolve();
          }
          // The retained values follow the SUBACK: they are the baseline the run is measured from.
          const timer = setTimeout(resolve, RETAINED_WAIT_MS);
          this.client.once('message', () => {
            clearTimeout(timer);
            setTimeout(resolve, BURST_MS);
          });
        });
      });
      this.client.once('error', () => resolve());
      this.client.once('close', () => resolve());
    });
    this.client.on('error', (err) => (this.error = oneLine(err)));
    this.client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  get connected(): boolean {
    return this.client.connected;
  }

  private onMessage(topic: string, payload: Buffer): void {
    const at = this.now();
    const text = payload.length <= 256 ? payload.toString('utf8') : '';
    if (VERSION_TOPIC.test(topic)) {
      this.version = text.trim().slice(0, 200);
      return;
    }
    const value = parseSysNumber(text);
    if (value !== null) this.store.add(topic, at, value);
    if (TICK_TOPIC.test(topic)) this.onTick(at);
  }

  private onTick(at: number): void {
    if (this.lastTickMs > 0) this.tickIntervalMs = at - this.lastTickMs;
    this.lastTickMs = at;
    const waiters = this.tickWaiters;
    this.tickWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Waits for one more $SYS tick (and its burst) so counters include the run's last messages,
   * when the broker publishes often enough for that to be cheap; then disconnects.
   */
  async stop(): Promise<void> {
    const interval = this.tickIntervalMs;
    if (this.client.connected && interval > 0 && interval <= MAX_SETTLE_INTERVAL_MS) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, interval + 500);
        this.tickWaiters.push(() => {
          clearTimeout(timer);
          setTimeout(resolve, BURST_MS);
        });
      });
    }
    await new Promise<void>((resolve) => this.client.end(true, {}, () => resolve()));
  }

  toSource(originMs: number): BrokerSource {
    const source: BrokerSource = { url: this.url, kind: 'sys', series: this.store.toSeries(originMs) };
    if (this.version) source.version = this.version;
    if (this.store.droppedSeries > 0) source.droppedSeries = this.store.droppedSeries;
    if (this.error) source.error = this.error;
    return source;
  }
}

function clientOptions(opts: SysSamplerOptions): IClientOptions {
  const o: IClientOptions = {
    clientId: `fleetstorm-monitor-${process.pid}-${opts.index}`,
    protocolVersion: opts.protocol ?? 4,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 3000,
    keepalive: 30,
    // No 65,536 pre-built packet-id Buffers (mqtt-packet's number cache, 6 MB of heap) for one
    // subscriber (issue 14).
    writeCache: false,
  };
  if (opts.tls) {
    const read = (f?: string) => (f ? readFileSync(path.resolve(opts.baseDir ?? '.', f)) : undefined);
    o.ca = read(opts.tls.ca);
    o.cert = read(opts.tls.cert);
    o.key = read(opts.tls.key);
    o.rejectUnauthorized = opts.tls.rejectUnauthorized;
    if (opts.tls.servername) o.servername = opts.tls.servername;
  }
  return o;
}

function oneLine(err: Error): string {
  return err.message.split('\n')[0]!.slice(0, 200);
}
