// The live Prometheus endpoint during a real run against Mosquitto, through the CLI: scraped
// once a second, its series rise while the run goes on, and the scrape taken once the figures
// are final equals result.json exactly (counts per group and in total, histogram counts, late
// sends, each load host's GC pauses). Publish-ack latency and the load hosts' own health fill in
// while the run goes, not only with the final figures.

import { expect, it } from 'vitest';
import { decodeHistogram } from '../../../src/metrics/histogram.ts';
import { LATENCY_NAMES, type Result } from '../../../src/result/types.ts';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, startCli, tempDir, writeScenario } from '../../helpers/cli.ts';
import { findFreePort } from '../../helpers/free-port.ts';
import { scrape, sumOf, type ScrapedSample } from '../../helpers/prom-text.ts';

const DEVICES = 40;

function scenario() {
  return {
    schema: 1,
    name: 'live-metrics',
    duration: '17s',
    drain: '2s',
    groups: [
      { name: 'backend', count: 1, clientId: 'live-backend-{i}', subscribe: [{ topic: 'live/+/state', qos: 1 }] },
      {
        name: 'devices',
        count: DEVICES,
        clientId: 'live-dev-{i}',
        connectRate: '80/s',
        publish: [{ topic: 'live/{i}/state', qos: 1, size: 64, rate: '2/s' }],
      },
    ],
  };
}

/** result.json field → metric name, for the per-group and total comparisons. */
const FIELDS: [string, (s: Result['summary']) => number][] = [
  ['fleetstorm_connections_attempted_total', (s) => s.connections.attempted],
  ['fleetstorm_connections_succeeded_total', (s) => s.connections.succeeded],
  ['fleetstorm_connections_failed_total', (s) => s.connections.failed],
  ['fleetstorm_messages_published_total', (s) => s.messages.published],
  ['fleetstorm_messages_acked_total', (s) => s.messages.acked],
  ['fleetstorm_messages_received_total', (s) => s.messages.received],
  ['fleetstorm_messages_expected_total', (s) => s.messages.expected],
  ['fleetstorm_messages_lost_total', (s) => s.messages.lost],
  ['fleetstorm_messages_duplicated_total', (s) => s.messages.duplicated],
  ['fleetstorm_messages_out_of_order_total', (s) => s.messages.outOfOrder],
  ['fleetstorm_messages_refused_total', (s) => s.messages.refused ?? 0],
  ['fleetstorm_messages_not_owed_total', (s) => (s.messages.retained ?? 0) + (s.messages.will ?? 0) + (s.messages.notOwed ?? 0)],
];

const MEASURE: Record<string, string> = {
  connect: 'connect',
  subscribe: 'subscribe',
  publishAck: 'publish_ack',
  endToEnd: 'end_to_end',
  reconnect: 'reconnect',
  commandRoundTrip: 'command_round_trip',
};

async function runAndScrape(brokerUrl: string, extra: string[]) {
  const out = tempDir();
  const port = await findFreePort();
  const args = ['run', writeScenario(scenario()), '--broker', brokerUrl, '--out', out, '--quiet'];
  const run = startCli([...args, '--metrics-port', String(port), '--metrics-linger', '5s', ...extra]);
  const killer = setTimeout(() => run.child.kill('SIGKILL'), 90_000);
  const scrapes: ScrapedSample[][] = [];
  let final: ScrapedSample[] | null = null;
  let exited = false;
  void run.done.then(() => (exited = true));
  // Once a second until the figures are final (bounded: 60 scrapes).
  for (let k = 0; k < 60 && !exited && !final; k++) {
    await new Promise((r) => setTimeout(r, 1000));
    const got = await scrape(port);
    if (!got) continue;
    if (sumOf(got.samples, 'fleetstorm_run_finished') === 1) final = got.samples;
    else scrapes.push(got.samples);
  }
  const done = await run.done;
  clearTimeout(killer);
  expect(done.stderr).toBe('');
  expect(done.code).toBe(0);
  return { scrapes, final: final!, result: readResultFile(out) };
}

function checkRising(scrapes: ScrapedSample[][]) {
  expect(scrapes.length).toBeGreaterThanOrEqual(10);
  const published = scrapes.map((s) => sumOf(s, 'fleetstorm_messages_published_total'));
  const e2e = scrapes.map((s) => sumOf(s, 'fleetstorm_latency_seconds_count', { measure: 'end_to_end' }));
  const acks = scrapes.map((s) => sumOf(s, 'fleetstorm_latency_seconds_count', { measure: 'publish_ack' }));
  for (let k = 1; k < scrapes.length; k++) {
    expect(published[k]).toBeGreaterThanOrEqual(published[k - 1]!);
    expect(e2e[k]).toBeGreaterThanOrEqual(e2e[k - 1]!);
    expect(acks[k]).toBeGreaterThanOrEqual(acks[k - 1]!);
  }
  // Rising while it runs, not only at the end: at least 8 scrapes saw more than the one before.
  expect(published.filter((n, k) => k > 0 && n > published[k - 1]!).length).toBeGreaterThanOrEqual(8);
  expect(acks.filter((n, k) => k > 0 && n > acks[k - 1]!).length).toBeGreaterThanOrEqual(8);
  // Every live publish-ack sample is an ack counted by then (the histogram never runs ahead of the count).
  for (const s of scrapes)
    expect(sumOf(s, 'fleetstorm_latency_seconds_count', { measure: 'publish_ack' })).toBeLessThanOrEqual(
      sumOf(s, 'fleetstorm_messages_acked_total'),
    );
  // The load hosts' own health is there while the run goes: CPU and event-loop delay per host.
  const mid = scrapes[Math.floor(scrapes.length / 2)]!;
  const cpuHosts = mid.filter((x) => x.name === 'fleetstorm_host_cpu_cores');
  expect(cpuHosts.length).toBeGreaterThan(0);
  for (const c of cpuHosts) expect(c.value).toBeGreaterThan(0);
  expect(mid.filter((x) => x.name === 'fleetstorm_host_event_loop_delay_seconds').length).toBe(3 * cpuHosts.length);
  expect(Math.max(...scrapes.map((s) => sumOf(s, 'fleetstorm_clients_connected')))).toBe(DEVICES + 1);
}

function checkFinal(final: ScrapedSample[], result: Result, lastLive: ScrapedSample[]) {
  // Counters never go back when the final figures replace the live ones.
  for (const [metric] of FIELDS) expect(sumOf(final, metric), metric).toBeGreaterThanOrEqual(sumOf(lastLive, metric));
  for (const [metric, pick] of FIELDS) {
    expect(sumOf(final, metric), metric).toBe(pick(result.summary));
    for (const [group, s] of Object.entries(result.groups)) expect(sumOf(final, metric, { group }), `${metric}{${group}}`).toBe(pick(s));
  }
  const errors = Object.values(result.summary.errors).reduce((a, b) => a + b, 0);
  expect(sumOf(final, 'fleetstorm_errors_total')).toBe(errors);
  expect(sumOf(final, 'fleetstorm_schedule_late_sends_total')).toBe(result.run.schedule!.late);
  expect(result.timeline.reduce((n, p) => n + (p.late ?? 0), 0)).toBe(result.run.schedule!.late);
  checkHealth(final, result);
  for (const name of LATENCY_NAMES) {
    const measure = MEASURE[name]!;
    // The endpoint's histograms cover the whole run, as result.json's merged `histograms` do; the
    // summary's percentiles cover the steady window only, so they are not the figure to match.
    const count = decodeHistogram(result.histograms[name]).totalCount;
    expect(sumOf(final, 'fleetstorm_latency_seconds_count', { measure }), name).toBe(count);
    expect(sumOf(final, 'fleetstorm_latency_seconds_bucket', { measure, le: '+Inf' }), name).toBe(count);
  }
  expect(result.summary.latencyMs.endToEnd.count).toBeGreaterThan(500);
  expect(result.summary.messages.published).toBeGreaterThan(500);
}

/** result.json keeps each host's health apart, and the final scrape's per-host GC counters equal it. */
function checkHealth(final: ScrapedSample[], result: Result) {
  const health = result.health!;
  expect(health.map((h) => h.host).sort()).toEqual(result.run.hosts.map((h) => h.id).sort());
  for (const h of health) {
    const n = h.series.t.length;
    expect(n, h.host).toBe(h.run.seconds);
    expect(n, h.host).toBeGreaterThanOrEqual(15);
    for (const column of Object.values(h.series)) expect(column.length).toBe(n);
    expect(h.series.gcCount.reduce((a, b) => a + b, 0)).toBe(h.run.gc.count);
    expect(Math.max(...h.series.rssMb)).toBe(h.run.rssMaxMb);
    expect(h.run.eventLoopDelayMs.max).toBeGreaterThanOrEqual(h.run.eventLoopDelayMs.p99);
    expect(h.steady!.seconds).toBeGreaterThanOrEqual(14);
    expect(sumOf(final, 'fleetstorm_host_gc_pauses_total', { host: h.host }), h.host).toBe(h.run.gc.count);
    expect(sumOf(final, 'fleetstorm_host_gc_pause_seconds_total', { host: h.host }), h.host).toBeCloseTo(h.run.gc.totalMs / 1000, 9);
  }
}

describeWithMosquitto('live /metrics during a run against Mosquitto', () => {
  const broker = useMosquitto();

  it('rises second by second and ends equal to result.json (one process)', async () => {
    const { scrapes, final, result } = await runAndScrape(broker().url, []);
    checkRising(scrapes);
    checkFinal(final, result, scrapes.at(-1)!);
  }, 120_000);

  it('does the same with --processes 2, merged over both hosts', async () => {
    const { scrapes, final, result } = await runAndScrape(broker().url, ['--processes', '2']);
    checkRising(scrapes);
    checkFinal(final, result, scrapes.at(-1)!);
    const hosts = new Set(scrapes.flatMap((s) => s.filter((x) => x.name === 'fleetstorm_host_connected').map((x) => x.labels.host)));
    expect(hosts.size).toBe(2);
  }, 120_000);
});
