// The soak: the production shape for as long as an evening peak.
//   npm run bench:soak                      # 130,000 devices, 16,000 QoS 1 msg/s, 30 minutes
//   npm run bench:soak -- --quick           # 30,000 devices, 5,000 msg/s, 10 minutes
//   extra: --devices N --rate R --minutes M --brokers B --connect-rate C --processes P --threads T
//          --source-addresses N (0: none)
// Devices publish QoS 1 via totalRate over several local Mosquitto processes (about 17,000
// clients each: a process holds 20,000 fds here); a backend of one client per broker holds
// `$share/backend/…`, so every message is delivered exactly once. fleetstorm runs as its own
// CLI process; this script samples the CLI and every process it started from /proc each second
// (RSS, CPU), and a preloaded probe (lib/loop-probe.mjs) records each thread's event-loop delay
// and GC pauses. Writes bench/results/soak[-quick].json and soak[-quick].html.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMosquittoFleet } from '../src/broker/mosquitto.ts';
import { flag, MB, num, optionalNum, round } from './lib/args.ts';
import { coresBetween, cpuSeconds, fdCount, loadavg, rssBytes, sampleTree, settleTimeWait, totalRss, type ProcTick } from './lib/proc.ts';
import { runCli } from './lib/run-cli.ts';
import { perMinute, slope, table } from './lib/series.ts';
import { lineChart, page, type Series } from './lib/svg-chart.ts';

const quick = flag('quick');
const CLIENTS_PER_BROKER = 17_000;
const devices = num('devices', quick ? 30_000 : 130_000);
const rate = num('rate', quick ? 5_000 : 16_000);
const minutes = num('minutes', quick ? 10 : 30);
const brokers = num('brokers', Math.ceil(devices / CLIENTS_PER_BROKER));
const connectRate = num('connect-rate', quick ? 3_000 : 4_000);
/**
 * Local source addresses (127.0.0.2…): Linux slows every connect() sharply past ~14,000
 * connections per local port pool (src/plan/addresses.ts): bound, ~7,000 per address; the fleet binds ~6,000 to each.
 */
const sources = num('source-addresses', Math.ceil(devices / 6_000));
const processes = optionalNum('processes');
const threads = optionalNum('threads');
const durationS = Math.round(minutes * 60);
/** CPU counts from this long after steady state begins (the connect storm's aftermath excluded). */
const SETTLE_S = Math.min(60, Math.round(durationS / 10));
/** RSS slope over the last 20 minutes, or the last 2/3 of a shorter run. */
const SLOPE_WINDOW_S = Math.min(20 * 60, Math.round((durationS * 2) / 3));

const TARGETS = { rssMB: 1024, rssSlopePct: 2, cores: 0.6, publishedPct: 0.1 };

async function main(): Promise<void> {
  const name = quick ? 'soak-quick' : 'soak';
  await settleTimeWait();
  const load0 = loadavg();
  const fleet = await startMosquittoFleet(brokers, {
    maxConnections: CLIENTS_PER_BROKER + 2000,
    maxQueuedMessages: 0,
    maxInflightMessages: 0,
    sysInterval: 60,
  });
  const brokerPids = fleet.brokers.map((b) => b.pid);
  const scenario = {
    schema: 1,
    name,
    description: `${devices} devices, ${rate} QoS 1 msg/s for ${minutes} min over ${brokers} mosquitto processes`,
    seed: 1,
    duration: `${durationS}s`,
    drain: '60s',
    broker: { urls: fleet.urls, connectTimeout: '30s', sourceAddresses: sources > 0 ? [`127.0.0.2-127.0.0.${sources + 1}`] : [] },
    groups: [
      // First, so backend client b is connection b and lands on broker b (one per broker).
      {
        name: 'backend',
        count: brokers,
        clientId: 'backend-{i}',
        keepalive: '60s',
        subscribe: [{ topic: '$share/backend/dev/+/state', qos: 1 }],
      },
      {
        name: 'devices',
        count: devices,
        clientId: 'dev-{i}',
        keepalive: '60s',
        connectRate: `${connectRate}/s`,
        publish: [{ topic: 'dev/{i}/state', qos: 1, size: 64, totalRate: `${rate}/s` }],
      },
    ],
  };
  const work = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-soak-'));
  process.stderr.write(`soak: ${devices} devices, ${rate} msg/s, ${minutes} min, ${brokers} mosquitto; load ${load0}\n`);
  const cli = runCli(work, scenario, { processes, threads });
  const gen = sampleTree(cli.pid);
  const brk: ProcTick[] = [];
  // Open fds of all brokers (their client sockets, plus a few files): connections as the brokers see them.
  const brokerFds: { at: number; fds: number }[] = [];
  const brokerTimer = setInterval(() => {
    const procs: ProcTick['procs'] = {};
    for (const p of brokerPids) procs[p] = [cpuSeconds(p), rssBytes(p)];
    brk.push({ at: Date.now(), procs });
    brokerFds.push({ at: Date.now(), fds: brokerPids.reduce((a, p) => a + fdCount(p), 0) });
  }, 5000);
  const loads: { at: number; loadavg: string }[] = [];
  const loadTimer = setInterval(() => loads.push({ at: Date.now(), loadavg: loadavg() }), 60_000);
  let code: number;
  try {
    code = await cli.done;
  } finally {
    gen.stop();
    clearInterval(brokerTimer);
    clearInterval(loadTimer);
    await fleet.stop();
  }
  // 3 = the run completed and a gate failed (e.g. some device never connected), 1 = it stopped early:
  // both still write what was measured, and the verdict below says what missed.
  if (code !== 0 && code !== 1 && code !== 3) throw new Error(`fleetstorm exited with code ${code} (see ${work})`);
  const result = cli.result();
  const probes = cli.probes();
  const ticks = gen.ticks;

  const runStart = Date.parse(result.run.startedAt);
  const steadyStart = runStart + (result.run.steadyStartMs ?? 0);
  const steadyEnd = runStart + (result.run.steadyEndMs ?? result.run.durationMs);
  const inWindow = (from: number, to: number) => ticks.filter((t) => t.at >= from && t.at <= to);
  const cpuWin = inWindow(steadyStart + SETTLE_S * 1000, steadyEnd);
  const steadyCores = cpuWin.length > 1 ? round(coresBetween(cpuWin[0], cpuWin.at(-1)!), 3) : null;
  const steadyTicks = inWindow(steadyStart, steadyEnd);
  const rssMaxMB = MB(Math.max(0, ...steadyTicks.map(totalRss)));
  const slopeTicks = inWindow(steadyEnd - SLOPE_WINDOW_S * 1000, steadyEnd);
  const pts = slopeTicks.map((t): [number, number] => [(t.at - runStart) / 1000, totalRss(t)]);
  const bytesPerS = slope(pts);
  const meanRss = pts.length ? pts.reduce((s, p) => s + p[1], 0) / pts.length : 0;
  const slopePct = meanRss ? round((100 * bytesPerS * SLOPE_WINDOW_S) / meanRss, 2) : null;
  const perProcessSlope = Object.fromEntries(
    Object.keys(slopeTicks.at(-1)?.procs ?? {}).map((pid) => {
      const pp = slopeTicks
        .filter((t) => t.procs[Number(pid)])
        .map((t): [number, number] => [(t.at - runStart) / 1000, t.procs[Number(pid)][1]]);
      return [pid, { rssMB: MB(pp.at(-1)?.[1] ?? 0), slopeMBPerMin: round((slope(pp) * 60) / 2 ** 20, 3) }];
    }),
  );
  const steadyProbes = probes.filter((p) => p.at >= steadyStart + SETTLE_S * 1000 && p.at <= steadyEnd);
  const sortedP99 = steadyProbes.map((p) => p.eldP99).sort((a, b) => a - b);
  const s = result.summary;
  const m = s.messages;
  const planned = rate * durationS;
  const publishedErrPct = round((100 * (m.published - planned)) / planned, 4);
  const minutesSeries = perMinute(result, ticks, probes, brk);
  for (const mm of minutesSeries) {
    const to = runStart + (mm.minute + 1) * 60_000;
    mm.brokerFds = brokerFds.filter((f) => f.at <= to).at(-1)?.fds;
  }
  const healthInResult = Object.keys(minutesSeries.find((x) => x.timelineExtras)?.timelineExtras ?? {});

  const verdict = [
    { target: 'lost', measured: m.lost, bound: '0', ok: m.lost === 0 && m.expected > 0 },
    { target: 'duplicated', measured: m.duplicated, bound: '0', ok: m.duplicated === 0 },
    {
      target: 'published vs plan (%)',
      measured: publishedErrPct,
      bound: `±${TARGETS.publishedPct}`,
      ok: Math.abs(publishedErrPct) <= TARGETS.publishedPct,
    },
    { target: 'generator RSS max (MB)', measured: rssMaxMB, bound: `≤ ${TARGETS.rssMB}`, ok: rssMaxMB <= TARGETS.rssMB },
    {
      target: `generator RSS change over last ${round(SLOPE_WINDOW_S / 60, 1)} min (%)`,
      measured: slopePct,
      bound: `±${TARGETS.rssSlopePct}`,
      ok: slopePct !== null && Math.abs(slopePct) <= TARGETS.rssSlopePct,
    },
    {
      target: 'generator CPU, steady (cores)',
      measured: steadyCores,
      bound: `≤ ${TARGETS.cores}`,
      ok: steadyCores !== null && steadyCores <= TARGETS.cores,
    },
  ];
  const out = {
    benchmark: name,
    recordedAt: new Date().toISOString(),
    command: `npm run bench:soak -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cores: os.availableParallelism(),
      memoryGB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      cpu: os.cpus()[0]?.model,
    },
    loadavg: { atStart: load0, perMinute: loads, atEnd: loadavg() },
    target: {
      devices,
      publishPerSec: rate,
      minutes,
      qos: 1,
      brokers,
      connectRate,
      sourceAddresses: sources,
      processes: processes ?? 'auto',
      threads: threads ?? 'auto',
    },
    exitCode: code,
    layout: result.run.hosts.map((h) => ({ id: h.id, kind: h.kind, clients: h.clients, complete: h.complete })),
    connections: s.connections,
    messages: m,
    plannedPublished: planned,
    publishedErrorPct: publishedErrPct,
    throughput: s.throughput,
    schedule: result.run.schedule ?? null,
    latencyMs: { connect: s.latencyMs.connect, publishAck: s.latencyMs.publishAck, endToEnd: s.latencyMs.endToEnd },
    errors: s.errors,
    steady: {
      startS: round((steadyStart - runStart) / 1000, 1),
      endS: round((steadyEnd - runStart) / 1000, 1),
      cpuWindowFromS: round((steadyStart - runStart) / 1000 + SETTLE_S, 1),
      generatorCores: steadyCores,
      generatorRssMaxMB: rssMaxMB,
      rssSlope: {
        windowS: SLOPE_WINDOW_S,
        MBPerMin: round((bytesPerS * 60) / 2 ** 20, 3),
        changePct: slopePct,
        perProcess: perProcessSlope,
      },
      eventLoopDelayMs: steadyProbes.length
        ? {
            source: 'loop probe (perf_hooks.monitorEventLoopDelay in every generator thread, per second)',
            p99OfSecondP99s: sortedP99[Math.ceil(sortedP99.length * 0.99) - 1],
            maxOfSecondP99s: sortedP99.at(-1),
            max: Math.max(...steadyProbes.map((p) => p.eldMax)),
          }
        : null,
      gc: steadyProbes.length
        ? {
            pauses: steadyProbes.reduce((a, p) => a + p.gcCount, 0),
            pauseMsTotal: round(
              steadyProbes.reduce((a, p) => a + p.gcMs, 0),
              1,
            ),
            maxPauseMs: Math.max(...steadyProbes.map((p) => p.gcMaxMs)),
          }
        : null,
    },
    healthInResultJson: healthInResult.length ? healthInResult : 'none: per-second event-loop/GC figures come from the loop probe only',
    perMinute: minutesSeries,
    verdict,
  };
  const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, `${name}.json`), JSON.stringify(out, null, 2) + '\n');
  writeFileSync(path.join(resultsDir, `${name}.html`), html(out.benchmark, out, minutesSeries, ticks, runStart));

  process.stdout.write(
    `\n${name}: ${devices} devices, ${rate} msg/s, ${minutes} min; published ${m.published} (plan ${planned}), received ${m.received}, ` +
      `lost ${m.lost}, duplicated ${m.duplicated}; late sends ${result.run.schedule?.late ?? '?'} (max lag ${result.run.schedule?.maxLagMs ?? '?'} ms); ` +
      `e2e p99 ${s.latencyMs.endToEnd.p99} ms; loadavg ${load0} → ${out.loadavg.atEnd}\n\n`,
  );
  process.stdout.write(
    table([
      ['minute', 'connected', 'broker fds', 'published', 'received', 'RSS MB', 'cores', 'ELD p99', 'ELD max', 'GC ms', 'e2e p99'],
      ...minutesSeries.map((x) => [
        String(x.minute),
        String(x.connected),
        String(x.brokerFds ?? '-'),
        String(x.published),
        String(x.received),
        String(x.generatorRssMB),
        String(x.generatorCores),
        String(x.eventLoopDelayMs?.p99 ?? '-'),
        String(x.eventLoopDelayMs?.max ?? '-'),
        String(x.gc?.pauseMs ?? '-'),
        String(x.endToEndP99MaxMs),
      ]),
    ]) + '\n',
  );
  process.stdout.write(
    table([
      ['target', 'measured', 'bound', 'verdict'],
      ...verdict.map((v) => [v.target, String(v.measured), v.bound, v.ok ? 'PASS' : 'FAIL']),
    ]),
  );
  process.stderr.write(`wrote ${path.join(resultsDir, name)}.json and .html\n`);
  rmSync(work, { recursive: true, force: true });
}

function html(
  title: string,
  out: { verdict: { target: string; measured: unknown; bound: string; ok: boolean }[]; command: string; loadavg: { atStart: string } },
  mins: ReturnType<typeof perMinute>,
  ticks: ProcTick[],
  runStart: number,
): string {
  const x = (mm: { minute: number }) => mm.minute + 1;
  const pids = [...new Set(ticks.flatMap((t) => Object.keys(t.procs)))];
  const every10 = ticks.filter((_, i) => i % 10 === 0);
  const rss: Series[] = [
    { name: 'total', points: every10.map((t) => [(t.at - runStart) / 60_000, totalRss(t) / 2 ** 20]) },
    ...pids.slice(0, 9).map((pid) => ({
      name: `pid ${pid}`,
      points: every10
        .filter((t) => t.procs[Number(pid)])
        .map((t): [number, number] => [(t.at - runStart) / 60_000, t.procs[Number(pid)][1] / 2 ** 20]),
    })),
  ];
  const charts = [
    lineChart('Generator RSS (every 10 s)', 'minutes since start', 'MB', rss),
    lineChart('Generator and broker CPU per minute', 'minute', 'cores', [
      { name: 'generator', points: mins.map((mm) => [x(mm), mm.generatorCores]) },
      { name: 'brokers', points: mins.map((mm) => [x(mm), mm.brokerCores ?? 0]) },
    ]),
    lineChart('Event-loop delay per minute (worst thread)', 'minute', 'ms', [
      { name: 'p99 (max of seconds)', points: mins.map((mm) => [x(mm), mm.eventLoopDelayMs?.p99 ?? 0]) },
      { name: 'max', points: mins.map((mm) => [x(mm), mm.eventLoopDelayMs?.max ?? 0]) },
      { name: 'p50 (mean)', points: mins.map((mm) => [x(mm), mm.eventLoopDelayMs?.p50 ?? 0]) },
    ]),
    lineChart('GC pause per minute (all processes)', 'minute', 'ms', [
      { name: 'total pause', points: mins.map((mm) => [x(mm), mm.gc?.pauseMs ?? 0]) },
    ]),
    lineChart('Messages per minute', 'minute', 'messages', [
      { name: 'published', points: mins.map((mm) => [x(mm), mm.published]) },
      { name: 'received', points: mins.map((mm) => [x(mm), mm.received]) },
      { name: 'lost', points: mins.map((mm) => [x(mm), mm.lost]) },
    ]),
    lineChart('Connected (end of minute)', 'minute', 'connections', [
      { name: 'connected', points: mins.map((mm) => [x(mm), mm.connected]) },
    ]),
    lineChart('End-to-end p99 (worst second of the minute)', 'minute', 'ms', [
      { name: 'e2e p99', points: mins.map((mm) => [x(mm), mm.endToEndP99MaxMs]) },
    ]),
  ];
  return page(
    title,
    `${out.command} — loadavg at start ${out.loadavg.atStart}. Generator = the fleetstorm CLI and every process it started, read from /proc.`,
    charts,
    out.verdict.map((v) => [v.target, String(v.measured), v.bound, v.ok ? 'PASS' : 'FAIL']),
  );
}

await main();
