// The broker-side monitor of a run: $SYS samplers (one per broker URL) and a Prometheus scraper,
// started before the load and stopped after it, turned into result.json's `broker` section.
//
//   const monitor = await startBrokerMonitor({ spec: scenario.monitor, brokerUrls });
//   ... run ...
//   result.broker = await monitor?.finish(result);

import type { Result } from '../result/types.ts';
import type { LoadedScenario, MonitorSpec, ProtocolVersion, TlsOptions } from '../scenario/types.ts';
import { deriveHighlights } from './highlights.ts';
import { PrometheusSampler } from './prometheus-sampler.ts';
import { SysSampler } from './sys-sampler.ts';
import type { BrokerSide, BrokerSource } from '../result/broker-side.ts';

export interface BrokerMonitorOptions {
  spec: MonitorSpec;
  /** Brokers to watch over $SYS (duplicates are watched once); [] watches none. */
  brokerUrls: string[];
  protocol?: ProtocolVersion;
  tls?: TlsOptions;
  /** Relative TLS paths resolve against it. */
  baseDir?: string;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  /** How long start waits for $SYS subscriptions and the first scrape (baselines), ms. */
  readyTimeoutMs?: number;
}

/** The steady-state window rates are taken over, ms since the run started. */
export interface MonitorWindow {
  steadyFromMs: number;
  steadyToMs: number;
}

export interface BrokerMonitor {
  /** Waits for a last $SYS tick and scrape so the run's end is counted, then disconnects. Safe to call twice. */
  stop(): Promise<void>;
  /** What was sampled so far, times relative to `runStartedAtMs` (epoch ms). */
  snapshot(runStartedAtMs: number, window: MonitorWindow): BrokerSide;
  /** stop(), then the snapshot for a finished run's result. */
  finish(result: Pick<Result, 'run'>): Promise<BrokerSide>;
}

const DEFAULT_READY_TIMEOUT_MS = 3000;

/** Starts sampling; null when there is nothing to watch ($SYS off or no URL, no Prometheus). */
export async function startBrokerMonitor(opts: BrokerMonitorOptions): Promise<BrokerMonitor | null> {
  const urls = opts.spec.sys ? [...new Set(opts.brokerUrls)] : [];
  if (urls.length === 0 && !opts.spec.prometheus) return null;
  const sys: SysSampler[] = [];
  // A sampler that cannot even be set up (an unreadable TLS file) is reported, not fatal: the
  // load test itself decides whether the broker is reachable.
  const failed: BrokerSource[] = [];
  urls.forEach((url, index) => {
    try {
      sys.push(new SysSampler({ url, index, protocol: opts.protocol, tls: opts.tls, baseDir: opts.baseDir, now: opts.now }));
    } catch (err) {
      failed.push({ url, kind: 'sys', series: {}, error: (err as Error).message.split('\n')[0]! });
    }
  });
  const prometheus = opts.spec.prometheus
    ? new PrometheusSampler({ url: opts.spec.prometheus, intervalMs: opts.spec.intervalMs, now: opts.now })
    : null;

  const ready = Promise.all([...sys.map((s) => s.ready), prometheus?.ready]);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ready, new Promise<void>((r) => (timer = setTimeout(r, opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS)))]);
  clearTimeout(timer);

  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= Promise.all([...sys.map((s) => s.stop()), prometheus?.stop()]).then(() => {}));
  const snapshot = (runStartedAtMs: number, window: MonitorWindow): BrokerSide => {
    const sources = [
      ...failed,
      ...sys.map((s) => s.toSource(runStartedAtMs)),
      ...(prometheus ? [prometheus.toSource(runStartedAtMs)] : []),
    ];
    const highlights = deriveHighlights(sources, { steadyFrom: window.steadyFromMs / 1000, steadyTo: window.steadyToMs / 1000 });
    return { sources, highlights };
  };
  return {
    stop,
    snapshot,
    async finish(result) {
      await stop();
      return snapshot(Date.parse(result.run.startedAt), runWindow(result.run));
    },
  };
}

export function runWindow(run: Result['run']): MonitorWindow {
  const end = run.steadyEndMs ?? run.durationMs;
  return { steadyFromMs: run.steadyStartMs ?? 0, steadyToMs: end };
}

/**
 * The monitor a scenario asks for. The embedded broker is not watched over $SYS: aedes publishes
 * only client events and heartbeats there (JSON, no counters).
 */
export function startScenarioMonitor(loaded: LoadedScenario, opts: { embedded: boolean }): Promise<BrokerMonitor | null> {
  const { scenario } = loaded;
  return startBrokerMonitor({
    spec: scenario.monitor,
    brokerUrls: opts.embedded ? [] : scenario.broker.urls,
    protocol: scenario.broker.protocol,
    tls: scenario.broker.tls,
    baseDir: loaded.baseDir,
  });
}
