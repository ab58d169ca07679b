// The headline benchmark: 130,000 concurrent connections and 16,000 QoS 1 msg/s from this box,
// against a fleet of Mosquitto processes on loopback, for at least 5 minutes.
//   npm run bench:headline                 # the full run (~8 min)
//   npm run bench:headline -- --quick      # 30,000 connections, 5,000 msg/s, 60 s
//   extra: --connections N --rate R --duration S --brokers B --processes P --threads T
// Devices publish via totalRate; a backend of one client per broker holds `$share/backend/…`, so
// every message is delivered exactly once whichever broker its device landed on (the brokers are
// independent, and endpoint round-robin puts backend client b on broker b). Every message is
// tracked end to end. The generator's CPU and memory are read from /proc for the coordinator
// (this process) and its agent processes, brokers excluded, over the steady-state window.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { startMosquittoFleet } from '../src/broker/mosquitto.ts';
import { coordinate } from '../src/coordinator/run.ts';
import { describeLayout, planHosts } from '../src/hosts/plan-hosts.ts';
import { Progress } from '../src/report/progress.ts';
import type { Result } from '../src/result/types.ts';
import { loadScenario } from '../src/scenario/load.ts';

const quick = process.argv.includes('--quick');
function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

const CONNECTIONS_PER_BROKER = 17_000; // mosquitto's own fd limit is 20,000 here
const connections = option('connections', quick ? 30_000 : 130_000);
const rate = option('rate', quick ? 5_000 : 16_000);
const durationS = option('duration', quick ? 60 : 300);
const brokers = option('brokers', Math.ceil(connections / CONNECTIONS_PER_BROKER));
const connectRate = option('connect-rate', quick ? 3_000 : 4_000);
const forced = {
  processes: process.argv.includes('--processes') ? option('processes', 1) : undefined,
  threads: process.argv.includes('--threads') ? option('threads', 1) : undefined,
};
/** CPU and memory count from this long after steady state begins (connect-storm aftermath excluded). */
const SETTLE_S = 5;

const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK; // utime + stime
  } catch {
    return 0; // exited between listing and reading
  }
}

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

interface Tick {
  at: number;
  generatorCpuS: number;
  brokerCpuS: number;
  generatorRss: number;
  brokerRss: number;
  generatorProcesses: number;
}

async function main(): Promise<void> {
  // Each broker's one backend client takes rate/brokers msg/s; mosquitto's default 1,000-message
  // queue per client would drop QoS 1 messages on any pause of the consumer (a GC, a busy second),
  // which the run would rightly count as lost. A real backend's broker is sized for it; so are these.
  const fleet = await startMosquittoFleet(brokers, {
    maxConnections: CONNECTIONS_PER_BROKER + 500,
    maxQueuedMessages: 0,
    maxInflightMessages: 0,
    sysInterval: 60,
  });
  const brokerPids = new Set(fleet.brokers.map((b) => b.pid));
  const backend = brokers;
  const scenario = {
    schema: 1,
    name: quick ? 'headline-quick' : 'headline',
    description: `${connections} connections, ${rate} QoS 1 msg/s for ${durationS}s against ${brokers} mosquitto processes`,
    seed: 1,
    duration: `${durationS}s`,
    drain: '5s',
    broker: { urls: fleet.urls, connectTimeout: '30s' },
    groups: [
      // First, so backend client b is connection b and lands on broker b (one per broker).
      {
        name: 'backend',
        count: backend,
        clientId: 'backend-{i}',
        keepalive: '60s',
        subscribe: [{ topic: '$share/backend/dev/+/state', qos: 1 }],
      },
      {
        name: 'devices',
        count: connections - backend,
        clientId: 'dev-{i}',
        keepalive: '60s',
        connectRate: `${connectRate}/s`,
        publish: [{ topic: 'dev/{i}/state', qos: 1, size: 64, totalRate: `${rate}/s` }],
      },
    ],
  };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-headline-'));
  const file = path.join(dir, 'scenario.yaml');
  writeFileSync(file, YAML.stringify(scenario));
  const loaded = loadScenario(file);

  const ticks: Tick[] = [];
  const sampleProcesses = () => {
    const gen = [process.pid, ...childrenOf(process.pid).filter((p) => !brokerPids.has(p))];
    const brk = [...brokerPids];
    ticks.push({
      at: Date.now(),
      generatorCpuS: gen.reduce((s, p) => s + cpuSeconds(p), 0),
      brokerCpuS: brk.reduce((s, p) => s + cpuSeconds(p), 0),
      generatorRss: gen.reduce((s, p) => s + rssBytes(p), 0),
      brokerRss: brk.reduce((s, p) => s + rssBytes(p), 0),
      generatorProcesses: gen.length,
    });
  };
  const sampler = setInterval(sampleProcesses, 1000);

  let result: Result;
  let layoutText = '';
  try {
    const { hosts, plan, layout } = await planHosts(loaded.scenario, forced);
    layoutText = describeLayout(layout);
    process.stderr.write(
      `headline: ${connections} connections, ${rate} msg/s, ${durationS}s; ${brokers} mosquitto; generator: ${layoutText}\n`,
    );
    ({ result } = await coordinate({
      loaded,
      hosts,
      plan,
      progress: new Progress({ quiet: false, plainEvery: 10 }),
      interrupt: new Promise(() => {}),
    }));
  } finally {
    clearInterval(sampler);
    await fleet.stop();
  }
  const runStart = Date.parse(result.run.startedAt);
  const steadyStart = runStart + (result.run.steadyStartMs ?? 0);
  const steadyEnd = runStart + (result.run.steadyEndMs ?? 0);
  const window = ticks.filter((t) => t.at >= steadyStart + SETTLE_S * 1000 && t.at <= steadyEnd);
  const first = window[0];
  const last = window[window.length - 1];
  const seconds = first && last ? (last.at - first.at) / 1000 : 0;
  const cores = (a: number, b: number) => (seconds > 0 ? round((b - a) / seconds, 3) : null);
  const mb = (b: number) => round(b / 2 ** 20, 1);
  const timeline = result.timeline;
  const firstUp = timeline.find((p) => p.connected > 0)?.t ?? 0;
  const allUp = timeline.find((p) => p.connected >= connections)?.t ?? null;
  const s = result.summary;
  const figures = {
    benchmark: quick ? 'headline-quick' : 'headline',
    recordedAt: new Date().toISOString(),
    machine: {
      cores: os.availableParallelism(),
      memoryGB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      cpu: os.cpus()[0]?.model,
    },
    target: { connections, publishPerSec: rate, durationS, qos: 1, brokers, generatorLayout: layoutText },
    connections: { ...s.connections, allConnected: s.connections.succeeded === connections },
    connectStorm: {
      connectRatePlanned: connectRate,
      /** Run start (processes starting) → steady state (every client connected and subscribed). */
      runStartToSteadyS: round((result.run.steadyStartMs ?? 0) / 1000, 1),
      /** First timeline second with a connection → first second with all of them. */
      firstToAllConnectedS: allUp !== null ? allUp - firstUp : null,
      connectLatencyMs: s.latencyMs.connect,
    },
    rates: {
      publishedPerSec: s.throughput.publishedPerSec,
      receivedPerSec: s.throughput.receivedPerSec,
      publishErrorPct: round((100 * (s.throughput.publishedPerSec - rate)) / rate, 3),
      withinOnePercent: Math.abs(s.throughput.publishedPerSec - rate) <= rate * 0.01,
      scheduleLate: result.run.schedule,
    },
    messages: s.messages,
    latencyMs: { publishAck: s.latencyMs.publishAck, endToEnd: s.latencyMs.endToEnd },
    errors: s.errors,
    steadyStateResources: {
      windowS: round(seconds, 1),
      generatorCores: first && last ? cores(first.generatorCpuS, last.generatorCpuS) : null,
      generatorRssMB: { mean: mb(avg(window.map((t) => t.generatorRss))), max: mb(Math.max(0, ...window.map((t) => t.generatorRss))) },
      generatorProcesses: last?.generatorProcesses ?? null,
      brokerCores: first && last ? cores(first.brokerCpuS, last.brokerCpuS) : null,
      brokerRssMB: mb(Math.max(0, ...window.map((t) => t.brokerRss))),
    },
    hosts: result.run.hosts.map((h) => ({ id: h.id, kind: h.kind, clients: h.clients, complete: h.complete, note: h.note })),
  };
  const verdict = {
    allConnected: figures.connections.allConnected,
    rateWithinOnePercent: figures.rates.withinOnePercent,
    lostZero: s.messages.lost === 0 && s.messages.expected > 0,
    cpuAtMostHalfCore: (figures.steadyStateResources.generatorCores ?? Infinity) <= 0.5,
    memoryAtMost1GB: figures.steadyStateResources.generatorRssMB.max <= 1024,
  };
  const out = { ...figures, verdict };
  const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(resultsDir, { recursive: true });
  const outFile = path.join(resultsDir, quick ? 'headline-quick.json' : 'headline.json');
  writeFileSync(outFile, JSON.stringify(out, null, 2) + '\n');
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  process.stderr.write(`wrote ${outFile}\n`);
}

function avg(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

await main();
