// The Prometheus endpoint of a running coordinator (`--metrics-port N`): GET /metrics renders the
// live view (figures.ts) at scrape time, so a scrape never sees a half-updated second.
//
// Counts are per group (label `group`); the fleet's total is their sum (`sum(...)`), which adds
// up to result.json's summary exactly. Latency histograms cover the whole fleet (the result
// keeps merged histograms for the fleet, not per group). Every latency (connect, subscribe,
// publish-ack, end-to-end, reconnect, command round trip) fills in second by second from the
// hosts' per-second samples, as do late sends. Each load host's own health (CPU, memory,
// event-loop delay, GC) is labelled `host` and never summed.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { LatencyName } from '../../result/types.ts';
import type { CountField, LiveFigures } from './figures.ts';
import { HdrPromHistogram } from './prom-histogram.ts';

/** Cumulative count → metric name and help. The order is the exposition order. */
export const COUNT_METRICS: [CountField, string, string][] = [
  ['attempted', 'fleetstorm_connections_attempted_total', 'CONNECTs started'],
  ['succeeded', 'fleetstorm_connections_succeeded_total', 'CONNACKs with success'],
  ['failed', 'fleetstorm_connections_failed_total', 'first connect attempts that failed or timed out (retries: see errors)'],
  ['dropped', 'fleetstorm_connections_dropped_total', 'established connections lost or closed by the plan'],
  ['reconnects', 'fleetstorm_reconnects_total', 'connections re-established after a loss'],
  ['published', 'fleetstorm_messages_published_total', 'PUBLISH packets sent'],
  ['acked', 'fleetstorm_messages_acked_total', 'PUBACK/PUBCOMP received for QoS 1/2 publishes'],
  ['received', 'fleetstorm_messages_received_total', 'owed deliveries received, duplicates included'],
  ['expected', 'fleetstorm_messages_expected_total', 'deliveries the held subscriptions were owed'],
  ['lost', 'fleetstorm_messages_lost_total', 'owed deliveries never received (known after the drain)'],
  ['duplicated', 'fleetstorm_messages_duplicated_total', 'owed deliveries received more than once'],
  ['outOfOrder', 'fleetstorm_messages_out_of_order_total', 'owed deliveries below the highest sequence seen'],
  ['skipped', 'fleetstorm_messages_skipped_total', 'scheduled sends skipped because the client was offline'],
  ['refused', 'fleetstorm_messages_refused_total', 'publishes the broker refused (what they owed counts as lost)'],
  ['commandsSent', 'fleetstorm_commands_sent_total', 'commands published to devices'],
  ['commandsReplied', 'fleetstorm_commands_replied_total', 'command replies within the timeout'],
  ['commandsLate', 'fleetstorm_commands_late_total', 'command replies after the timeout'],
];

/** Deliveries owed to nobody, as the `kind` label of fleetstorm_messages_not_owed_total. */
const NOT_OWED: [CountField, string][] = [
  ['retained', 'retained'],
  ['will', 'will'],
  ['notOwed', 'other'],
];

/** result.json's histogram name → the `measure` label. */
export const MEASURES: Record<LatencyName, string> = {
  connect: 'connect',
  subscribe: 'subscribe',
  publishAck: 'publish_ack',
  endToEnd: 'end_to_end',
  reconnect: 'reconnect',
  commandRoundTrip: 'command_round_trip',
};

export const LATENCY_METRIC = 'fleetstorm_latency_seconds';

/** Every metric family the endpoint exposes under the fleetstorm_ prefix. */
export function buildRegistry(figures: LiveFigures): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const [field, name, help] of COUNT_METRICS) {
    new Counter({
      name,
      help,
      labelNames: ['group'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [group, g] of Object.entries(figures.groups)) this.inc({ group }, g[field]);
      },
    });
  }
  new Counter({
    name: 'fleetstorm_messages_not_owed_total',
    help: 'deliveries owed to nobody (retained replays, wills, other), counted apart from received',
    labelNames: ['group', 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [group, g] of Object.entries(figures.groups)) for (const [field, kind] of NOT_OWED) this.inc({ group, kind }, g[field]);
    },
  });
  new Counter({
    name: 'fleetstorm_errors_total',
    help: 'errors by group and reason (e.g. tcp:ECONNREFUSED, connack:not-authorized)',
    labelNames: ['group', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [group, g] of Object.entries(figures.groups))
        for (const [reason, n] of Object.entries(g.errors)) this.inc({ group, reason }, n);
    },
  });
  registerGauges(registry, figures);
  new HdrPromHistogram(LATENCY_METRIC, 'latency by measure, from the merged HdrHistograms', registry, () => {
    const out: Record<string, LiveFigures['histograms'][LatencyName]> = {};
    for (const [name, label] of Object.entries(MEASURES)) out[label] = figures.histograms[name as LatencyName];
    return out;
  });
  return registry;
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[], collect: (g: Gauge) => void): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect: function (this: Gauge) {
      this.reset();
      collect(this);
    },
  });
}

function registerGauges(registry: Registry, f: LiveFigures): void {
  const s = f.status;
  gauge(registry, 'fleetstorm_clients_planned', 'clients the scenario plans, by group', ['group'], (g) => {
    for (const [group, x] of Object.entries(f.groups)) g.set({ group }, x.planned);
  });
  gauge(registry, 'fleetstorm_clients_connected', 'connections open at the last merged second, by group', ['group'], (g) => {
    for (const [group, x] of Object.entries(f.groups)) g.set({ group }, x.connected);
  });
  gauge(registry, 'fleetstorm_clients_planned_connected', 'connections the plan meant to be open by the last second', [], (g) =>
    g.set(f.plannedConnected),
  );
  gauge(registry, 'fleetstorm_host_connected', 'connections open on each load host at the last second', ['host'], (g) => {
    for (const [host, n] of Object.entries(f.hostConnected)) g.set({ host }, n);
  });
  gauge(registry, 'fleetstorm_publish_rate_planned', 'messages per second the current stage plans to publish', [], (g) =>
    g.set(s.plannedRate),
  );
  gauge(registry, 'fleetstorm_run_elapsed_seconds', 'seconds since the run started', [], (g) => g.set(s.elapsedS));
  gauge(registry, 'fleetstorm_run_planned_seconds', 'planned length: connect ramp, steady state and drain', [], (g) => g.set(s.plannedS));
  gauge(
    registry,
    'fleetstorm_run_info',
    'the run now: scenario, phase (connect, steady, drain, done) and stage',
    ['scenario', 'phase', 'stage'],
    (g) => g.set({ scenario: s.scenario, phase: s.phase, stage: s.stage }, 1),
  );
  gauge(registry, 'fleetstorm_run_finished', '1 once the figures are the final result.json figures', [], (g) => g.set(f.final ? 1 : 0));
  gauge(registry, 'fleetstorm_capacity_step', 'capacity search: the step running (1-based; 0 outside capacity)', [], (g) =>
    g.set(s.step ?? 0),
  );
  gauge(registry, 'fleetstorm_capacity_load_factor', "capacity search: the step's load factor (0 outside capacity)", [], (g) =>
    g.set(s.loadFactor ?? 0),
  );
  registerHostMetrics(registry, f);
  new Counter({
    name: 'fleetstorm_schedule_late_sends_total',
    help: 'sends that left more than 10 ms after their scheduled time',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(f.late);
    },
  });
  gauge(registry, 'fleetstorm_schedule_max_lag_seconds', 'worst send lag behind schedule so far', [], (g) => g.set(f.maxLagMs / 1000));
}

/** Each load host's own health at its last second (see metrics/host-health.ts), labelled by host. */
function registerHostMetrics(registry: Registry, f: LiveFigures): void {
  const perHost = (name: string, help: string, pick: (h: LiveFigures['hostHealth'][string]) => number) =>
    gauge(registry, name, help, ['host'], (g) => {
      for (const [host, h] of Object.entries(f.hostHealth)) g.set({ host }, pick(h));
    });
  perHost(
    'fleetstorm_host_cpu_cores',
    "cores the load host used in its last second (a worker thread: its event loop's busy share)",
    (h) => h.cpu,
  );
  perHost('fleetstorm_host_rss_bytes', "resident memory of the load host's process", (h) => Math.round(h.rssMb * 1024 * 1024));
  perHost('fleetstorm_host_heap_used_bytes', "V8 heap in use by the load host's isolate", (h) => Math.round(h.heapMb * 1024 * 1024));
  gauge(
    registry,
    'fleetstorm_host_event_loop_delay_seconds',
    "the load host's event-loop delay in its last second, by quantile (1 = max)",
    ['host', 'quantile'],
    (g) => {
      for (const [host, h] of Object.entries(f.hostHealth)) {
        g.set({ host, quantile: '0.5' }, h.eldP50Ms / 1000);
        g.set({ host, quantile: '0.99' }, h.eldP99Ms / 1000);
        g.set({ host, quantile: '1' }, h.eldMaxMs / 1000);
      }
    },
  );
  const gcCounter = (name: string, help: string, pick: (gc: { count: number; ms: number }) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['host'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [host, gc] of Object.entries(f.hostGc)) this.inc({ host }, pick(gc));
      },
    });
  gcCounter('fleetstorm_host_gc_pauses_total', 'garbage-collection pauses on the load host', (gc) => gc.count);
  gcCounter('fleetstorm_host_gc_pause_seconds_total', 'time the load host spent paused in garbage collection', (gc) => gc.ms / 1000);
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves GET /metrics on `port` (0 = any free port) on every interface, so Prometheus in a pod can scrape it. */
export async function serveMetrics(registry: Registry, port: number, host = '0.0.0.0'): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('fleetstorm serves /metrics only\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  server.unref();
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
