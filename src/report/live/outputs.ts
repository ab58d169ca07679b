// Opens what `run` and `capacity` show while they work, from their flags and the scenario:
// the live figures, the progress display drawing from them, the Prometheus endpoint
// (`--metrics-port` or the scenario's `metricsPort`) and the event stream (`--events`).
//
// Lifetime: the endpoint is up from before the first client connects until `close`, which the
// command calls after result.json is written and the feed has been given the final result, so
// a scrape at the end reads result.json's figures. `--metrics-linger <d>` keeps it up that much
// longer for a Prometheus whose scrape interval would otherwise miss the final figures (a pod
// that exits right away is scraped at most once more).

import { RunError, UsageError } from '../../errors.ts';
import type { Scenario } from '../../scenario/types.ts';
import { parseDuration } from '../../scenario/units.ts';
import { Progress } from '../progress.ts';
import { openEventSink, type EventSink } from './events.ts';
import type { MetricsServer } from './exporter.ts';
import { LiveFeed } from './feed.ts';
import { LiveFigures } from './figures.ts';

export interface LiveFlags {
  quiet?: boolean;
  json?: boolean;
  metricsPort?: number;
  metricsLinger?: string;
  events?: string;
}

export interface LiveOutputs {
  feed: LiveFeed;
  progress: Progress;
  /** The port /metrics is served on, when it is. */
  metricsPort: number | null;
  /** Lingers (--metrics-linger), then closes the endpoint and the event stream. */
  close(): Promise<void>;
}

export async function openLiveOutputs(scenario: Scenario, flags: LiveFlags): Promise<LiveOutputs> {
  if (flags.events === '-' && flags.json) throw new UsageError('--events - and --json both write to stdout; send the events to a file');
  let lingerMs = 0;
  if (flags.metricsLinger !== undefined) {
    const parsed = parseDuration(flags.metricsLinger);
    if (!parsed.ok) throw new UsageError(`--metrics-linger: ${parsed.message}`);
    lingerMs = parsed.value;
  }
  const planned: Record<string, number> = {};
  for (const g of scenario.groups) planned[g.name] = g.count;
  const figures = new LiveFigures(planned);
  const progress = new Progress({ quiet: Boolean(flags.quiet), figures });
  const port = flags.metricsPort ?? scenario.metricsPort;
  let server: MetricsServer | null = null;
  if (port !== undefined) {
    try {
      // prom-client loads only when /metrics is served.
      const { buildRegistry, serveMetrics } = await import('./exporter.ts');
      server = await serveMetrics(buildRegistry(figures), port);
    } catch (err) {
      throw new RunError(`--metrics-port ${port}: cannot listen (${(err as Error).message})`);
    }
    progress.note(`metrics: http://0.0.0.0:${server.port}/metrics`);
  }
  let events: EventSink | null = null;
  if (flags.events !== undefined) {
    try {
      events = openEventSink(flags.events);
    } catch (err) {
      throw new UsageError(`--events ${flags.events}: ${(err as Error).message}`);
    }
  }
  return {
    feed: new LiveFeed(figures, events),
    progress,
    metricsPort: server?.port ?? null,
    close: async () => {
      if (server && lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, lingerMs));
      await server?.close();
      await events?.close();
    },
  };
}
