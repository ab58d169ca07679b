// `npm run bench`: fleetstorm side by side with one MQTT.js client per device and the raw-socket
// floor, against one Mosquitto started here. Every measurement runs in a fresh process
// (bench/reference/run-in-child.ts); the three harnesses take turns per measurement so a slow
// patch of the machine does not land on one harness only. Prints the table with ratios, checks
// issue 2's four targets and writes bench/results/latest.json.
// The WebSocket cases (bench/fleetstorm/websocket-cases.ts) run after the TCP ones, or alone with
// --websocket, which merges them into the existing latest.json.
//   npm run bench -- [--n 5000] [--messages 50000] [--rate 5000] [--json] [--profile] [--websocket]

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMosquitto } from '../src/broker/mosquitto.ts';
import { probeBrokerVersion } from '../src/broker/version-probe.ts';
import { sleep, type ConnectCpuResult, type IdleMemoryResult, type Qos1MessageCpuResult } from './reference/measure.ts';
import { runInChild } from './reference/run-in-child.ts';
import type { MeasurementName } from './reference/child.ts';
import { HARNESS_KEYS, figureRows, formatTable, type AllFigures, type FigureRow, type HarnessKey } from './fleetstorm/figures.ts';
import { parseOptions, usage, type BenchOptions } from './fleetstorm/options.ts';
import { PROFILE_ENV, topSelfTime, type AreaRow, type SelfTimeRow } from './fleetstorm/cpu-profile.ts';
import { formatWebSocketTable, measureWebSocket, type WebSocketFigures } from './fleetstorm/websocket-cases.ts';
import { E2E_TAIL_PUBLISHERS, type E2eTailResult } from './cases/e2e-tail.ts';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const PROFILE_DIR = path.join(RESULTS_DIR, 'profiles');
/** Lets the broker finish closing the previous child's connections before the next one starts. */
const PAUSE_BETWEEN_MS = 1000;

const log = (line: string) => process.stderr.write(`${line}\n`);

interface ProfileSummary {
  measurement: MeasurementName;
  file: string;
  cpuMs: number;
  top: SelfTimeRow[];
  areas: AreaRow[];
}

function argsFor(m: MeasurementName, opts: BenchOptions, url: string, harness: HarnessKey): unknown[] {
  if (m === 'measureIdleMemory') return [url, opts.n];
  if (m === 'measureConnectCpu') return [url, opts.n, opts.concurrency];
  return harness === 'fleetstorm' ? [url, opts.messages, opts.rate, opts.publishers] : [url, opts.messages, opts.rate];
}

/** One retry: on a busy shared machine a child can die of something unrelated to what it measures. */
async function measureInChild<T>(harness: HarnessKey, m: MeasurementName, args: unknown[]): Promise<T> {
  try {
    return await runInChild<T>(harness, m, args);
  } catch (err) {
    log(`  ${(err as Error).message}; retrying once`);
    await sleep(PAUSE_BETWEEN_MS);
    return runInChild<T>(harness, m, args);
  }
}

const selected = (opts: BenchOptions, name: string) => !opts.only || opts.only.split(',').includes(name);

/** Issue 14's tail case: fleetstorm and the floor, each twice, taking turns. */
async function measureE2eTail(
  url: string,
  opts: BenchOptions,
): Promise<{ fleetstorm: E2eTailResult[]; raw: E2eTailResult[]; ratioP99: number[] }> {
  const messages = opts.tailRate * opts.tailSeconds;
  const out = { fleetstorm: [] as E2eTailResult[], raw: [] as E2eTailResult[], ratioP99: [] as number[] };
  for (let turn = 0; turn < 2; turn++) {
    log(`  raw.measureE2eTail (${opts.tailRate}/s) … load ${loadavg()}`);
    out.raw.push(await measureInChild<E2eTailResult>('raw', 'measureE2eTail', [url, messages, opts.tailRate]));
    await sleep(PAUSE_BETWEEN_MS);
    log(`  fleetstorm.measureE2eTail (${E2E_TAIL_PUBLISHERS} publishers × ${opts.tailRate / E2E_TAIL_PUBLISHERS}/s) … load ${loadavg()}`);
    out.fleetstorm.push(
      await measureInChild<E2eTailResult>('fleetstorm', 'measureE2eTail', [url, messages, opts.tailRate, E2E_TAIL_PUBLISHERS]),
    );
    await sleep(PAUSE_BETWEEN_MS);
    out.ratioP99.push(out.fleetstorm[turn].endToEnd.p99 / Math.max(0.001, out.raw[turn].endToEnd.p99));
  }
  return out;
}

const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function measureAll(url: string, opts: BenchOptions): Promise<AllFigures> {
  const out: Partial<Record<HarnessKey, Record<string, unknown>>> = {};
  const measurements: [MeasurementName, string][] = (
    [
      ['measureIdleMemory', 'idleMemory', 'memory'],
      ['measureConnectCpu', 'connectCpu', 'connect'],
      ['measureQos1MessageCpu', 'qos1MessageCpu', 'qos1'],
    ] as const
  )
    .filter(([, , name]) => selected(opts, name))
    .map(([m, key]) => [m, key]);
  for (const [m, key] of measurements) {
    for (const harness of HARNESS_KEYS) {
      log(`  ${harness}.${m} … load ${loadavg()}`);
      const result = await measureInChild<IdleMemoryResult | ConnectCpuResult | Qos1MessageCpuResult>(
        harness,
        m,
        argsFor(m, opts, url, harness),
      );
      (out[harness] ??= {})[key] = result;
      await sleep(PAUSE_BETWEEN_MS);
      if (harness === 'fleetstorm' && m === 'measureQos1MessageCpu' && opts.publishers !== 1) {
        log(`  fleetstorm.${m} with 1 publisher …`);
        out.fleetstorm!.qos1OnePublisher = await measureInChild<Qos1MessageCpuResult>('fleetstorm', m, [url, opts.messages, opts.rate, 1]);
        await sleep(PAUSE_BETWEEN_MS);
      }
    }
  }
  return out as unknown as AllFigures;
}

/** Re-runs a fleetstorm measurement under the CPU profiler and summarises its self time. */
async function profile(url: string, m: MeasurementName, opts: BenchOptions): Promise<ProfileSummary> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const file = path.join(PROFILE_DIR, `fleetstorm-${m}.cpuprofile`);
  log(`  profiling fleetstorm.${m} → ${path.relative(process.cwd(), file)}`);
  process.env[PROFILE_ENV] = file;
  try {
    await runInChild('fleetstorm', m, argsFor(m, opts, url, 'fleetstorm'));
  } finally {
    delete process.env[PROFILE_ENV];
  }
  const { cpuMs, rows, areas } = topSelfTime(file, 20);
  return { measurement: m, file: path.relative(process.cwd(), file), cpuMs, top: rows, areas };
}

/** Rows whose miss is worth a CPU profile, and the fleetstorm measurement behind each. */
const CPU_ROWS: Record<string, MeasurementName> = {
  'CPU per connection': 'measureConnectCpu',
  'CPU per QoS 1 message': 'measureQos1MessageCpu',
};

function printReport(opts: BenchOptions, rows: FigureRow[], figures: AllFigures, profiles: ProfileSummary[]): void {
  const fq = figures.fleetstorm.qos1MessageCpu as Qos1MessageCpuResult & Record<string, number>;
  console.log(
    `fleetstorm benchmark · n=${opts.n} concurrency=${opts.concurrency} messages=${opts.messages} rate=${opts.rate}/s · ` +
      `node ${process.version} · ${os.cpus().length} cores · mosquitto on loopback`,
  );
  console.log('');
  console.log(formatTable(rows));
  console.log('');
  console.log(
    `'CPU per QoS 1 message': fleetstorm spreads the rate over ${fq.publishers} publishing clients (one socket each, ` +
      `as a fleet does); MQTT.js and the floor publish from one client. The '1 publisher' row compares like with like.`,
  );
  console.log(
    `fleetstorm QoS 1 run: ${fq.publishers} publishers, published ${fq.published}, acked ${fq.acked}, ` +
      `received ${fq.received} of ${fq.expected} expected, lost ${fq.lost}, duplicated ${fq.duplicated}, ` +
      `late sends ${fq.late} (max lag ${fq.maxLagMs.toFixed(1)} ms)`,
  );
  const missed = rows.filter((r) => r.met === false);
  console.log(
    missed.length === 0
      ? 'all four targets met'
      : `targets missed: ${missed.map((r) => `${r.metric} ${r.values.fleetstorm.toFixed(2)} ${r.unit} (${r.target!.text})`).join('; ')}`,
  );
  for (const p of profiles) {
    console.log('');
    const pct = (share: number, ms: number) => `${(share * 100).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(6)} ms`;
    console.log(
      `CPU profile of fleetstorm.${p.measurement}, measured window only (${p.file}, ${p.cpuMs.toFixed(0)} ms on CPU under the profiler)`,
    );
    console.log('  self time by area:');
    for (const a of p.areas) console.log(`  ${pct(a.share, a.selfMs)}  ${a.area}`);
    console.log('  top functions by self time:');
    for (const r of p.top) console.log(`  ${pct(r.share, r.selfMs)}  ${r.fn}`);
  }
}

function writeLatest(result: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, 'latest.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
  return file;
}

/** --websocket: only the WebSocket cases, merged into latest.json beside the TCP figures already there. */
async function websocketOnly(argv: string[], opts: BenchOptions): Promise<void> {
  const broker = await startMosquitto({ maxQueuedMessages: 0, websockets: true });
  let ws: WebSocketFigures;
  try {
    log(`mosquitto at ${broker.wsUrl} (pid ${broker.pid}); measuring the WebSocket cases …`);
    ws = await measureWebSocket(broker.wsUrl!, opts, measureInChild, log);
  } finally {
    await broker.stop();
  }
  const file = path.join(RESULTS_DIR, 'latest.json');
  const previous = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const websocket = { date: new Date().toISOString(), command: `npm run bench -- ${argv.join(' ')}`, ...ws };
  writeLatest({ ...previous, websocket });
  if (opts.json) process.stdout.write(JSON.stringify(websocket, null, 2) + '\n');
  else console.log(formatWebSocketTable(ws));
  log(`merged the WebSocket cases into ${path.relative(process.cwd(), file)}`);
}

function printE2eTail(t: NonNullable<Awaited<ReturnType<typeof measureE2eTail>>>): void {
  console.log('');
  console.log('e2e tail, QoS 1 into one subscriber (ms from the intended send time; target: fleetstorm p99 ≤ 2 × floor p99)');
  const row = (name: string, r: E2eTailResult) =>
    `  ${name.padEnd(11)} received ${String(r.received).padStart(7)}/${r.messages}  p50 ${r.endToEnd.p50.toFixed(2).padStart(7)}  ` +
    `p99 ${r.endToEnd.p99.toFixed(2).padStart(7)}  max ${r.endToEnd.max.toFixed(2).padStart(8)}  ` +
    `GC ${r.gc.count} pauses, ${r.gc.totalMs.toFixed(0)} ms, max ${r.gc.maxMs.toFixed(1)} ms  ` +
    `loop delay p50 ${r.eventLoopDelayMs.p50} p99 ${r.eventLoopDelayMs.p99} max ${r.eventLoopDelayMs.max} ms`;
  t.raw.forEach((r, k) => {
    console.log(row('floor', r));
    console.log(row('fleetstorm', t.fleetstorm[k]));
    console.log(`  p99 ratio fleetstorm/floor ${t.ratioP99[k].toFixed(2)} ${t.ratioP99[k] <= 2 ? '(met)' : '(missed)'}`);
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    console.log(usage());
    return;
  }
  const opts = parseOptions(argv);
  if (opts.websocket) return websocketOnly(argv, opts);
  const date = new Date().toISOString();
  // maxQueuedMessages 0: mosquitto never drops a queued QoS 1 message, so every run delivers all.
  const broker = await startMosquitto({ maxQueuedMessages: 0, websockets: true });
  let figures: AllFigures;
  let rows: FigureRow[] = [];
  let e2eTail: Awaited<ReturnType<typeof measureE2eTail>> | null = null;
  const everyBaseCase = ['memory', 'connect', 'qos1'].every((c) => selected(opts, c));
  let brokerVersion: string | undefined;
  let websocket: WebSocketFigures | null = null;
  const profiles: ProfileSummary[] = [];
  try {
    brokerVersion = await probeBrokerVersion(broker.url);
    log(`mosquitto ${brokerVersion ?? '(version unknown)'} at ${broker.url} (pid ${broker.pid}); measuring …`);
    figures = await measureAll(broker.url, opts);
    // The table and its targets need all three base cases; a filtered run prints its raw figures.
    if (everyBaseCase) rows = figureRows(figures);
    if (selected(opts, 'e2e-tail')) e2eTail = await measureE2eTail(broker.url, opts);
    if (opts.profile) {
      for (const r of rows) if (r.met === false && CPU_ROWS[r.metric]) profiles.push(await profile(broker.url, CPU_ROWS[r.metric], opts));
    }
    if (selected(opts, 'websocket')) websocket = await measureWebSocket(broker.wsUrl!, opts, measureInChild, log);
  } finally {
    await broker.stop();
  }
  const result = {
    date,
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    broker: { name: 'mosquitto', version: brokerVersion ?? null, maxQueuedMessages: 0, host: '127.0.0.1' },
    n: opts.n,
    concurrency: opts.concurrency,
    messages: opts.messages,
    rate: opts.rate,
    publishers: opts.publishers,
    rows,
    allTargetsMet: rows.every((r) => r.met !== false),
    figures,
    e2eTail,
    loadavgAtEnd: loadavg(),
    profiles,
    websocket,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  // A filtered run (--only) writes its own file and leaves latest.json (the full run) alone.
  const file = opts.only ? path.join(RESULTS_DIR, `only-${opts.only.replace(/,/g, '+')}.json`) : writeLatest(result);
  if (opts.only) {
    writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2) + '\n');
    renameSync(`${file}.tmp`, file);
  }
  if (opts.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else if (everyBaseCase) printReport(opts, rows, figures, profiles);
  else console.log(JSON.stringify(figures, null, 2));
  if (e2eTail && !opts.json) printE2eTail(e2eTail);
  if (websocket && !opts.json) {
    console.log('');
    console.log(formatWebSocketTable(websocket));
  }
  log(`written ${path.relative(process.cwd(), file)}`);
}

main().catch((err: Error) => {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exit(1);
});
