// Scrapes a Prometheus endpoint every `intervalMs`, scheduled from the start (the n-th scrape is
// due at start + n·interval, so a slow scrape does not stretch the series), plus one last scrape
// on stop so counters include the end of the run.

import { parsePrometheusText, seriesKey } from './prometheus-parse.ts';
import { SeriesStore, type SeriesLimits } from './series-store.ts';
import type { BrokerSource } from '../result/broker-side.ts';

export interface PrometheusSamplerOptions {
  url: string;
  intervalMs: number;
  limits?: SeriesLimits;
  now?: () => number;
}

export const PROMETHEUS_LIMITS: SeriesLimits = { maxSeries: 300, maxPoints: 1800 };
const MAX_TIMEOUT_MS = 5000;

export class PrometheusSampler {
  readonly store: SeriesStore;
  readonly url: string;
  error?: string;
  scrapes = 0;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly startMs: number;
  private n = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Resolves after the first scrape (successful or not). */
  readonly ready: Promise<void>;

  constructor(opts: PrometheusSamplerOptions) {
    this.url = opts.url;
    this.intervalMs = opts.intervalMs;
    this.now = opts.now ?? Date.now;
    this.store = new SeriesStore(opts.limits ?? PROMETHEUS_LIMITS);
    this.startMs = this.now();
    this.ready = this.scrape();
    this.inFlight = this.ready;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.n++;
    const due = this.startMs + this.n * this.intervalMs;
    this.timer = setTimeout(
      () => {
        // Never two scrapes at once: a scrape slower than the interval skips the ticks it covered.
        this.inFlight = this.inFlight.then(() => this.scrape());
        while (this.startMs + (this.n + 1) * this.intervalMs <= this.now()) this.n++;
        this.schedule();
      },
      Math.max(0, due - this.now()),
    );
  }

  private async scrape(): Promise<void> {
    const timeoutMs = Math.min(this.intervalMs, MAX_TIMEOUT_MS);
    try {
      const res = await fetch(this.url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/plain;version=0.0.4' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      const at = this.now();
      const { samples } = parsePrometheusText(text);
      for (const s of samples) this.store.add(seriesKey(s), at, s.value);
      this.scrapes++;
    } catch (err) {
      const e = err as Error;
      this.error = `scrape ${this.url}: ${e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((e.cause as Error | undefined)?.message ?? e.message)}`;
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.inFlight = this.inFlight.then(() => this.scrape());
    await this.inFlight;
  }

  toSource(originMs: number): BrokerSource {
    const source: BrokerSource = { url: this.url, kind: 'prometheus', series: this.store.toSeries(originMs) };
    if (this.store.droppedSeries > 0) source.droppedSeries = this.store.droppedSeries;
    if (this.error) source.error = this.error;
    return source;
  }
}
