// CPU per QoS 1 message with and without a payload template, on the real engine against one
// Mosquitto started here: the same stream (100 publishers, one wildcard subscriber, tracked,
// every publish, PUBACK, delivery and subscriber PUBACK in one process, as in `npm run bench`)
// with filler of SIZE bytes, and with a JSON template padded to the same SIZE bytes, so the
// difference is the rendering (and the receiver's decoding of the tracking field) alone.
// Variants take turns in fresh processes; the medians and their ratio are printed. Before them,
// a tight loop times building one packet both ways (the part that differs), in ns per packet.
//   node --import tsx bench/payload-cpu.ts [--rounds 5] [--messages 30000] [--rate 5000] [--packet-only]

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMosquitto } from '../src/broker/mosquitto.ts';
import { ShardRunner } from '../src/engine/shard-runner.ts';
import { validateScenarioObject } from '../src/scenario/schema.ts';
import { cpuMicros, sleep } from './reference/measure.ts';
import { buildPublishTemplate } from '../src/client/fast-codec.ts';
import { writeTrackingHeader } from '../src/client/tracking.ts';
import { PayloadStreams } from '../src/engine/payload-template.ts';
import { PayloadProgram } from '../src/scenario/payload-template.ts';

const SIZE = 160;
const TEMPLATE =
  '{"device":"{clientId}","seq":{seq},"ts":{now},"state":"{pick:locked|unlocked|jammed}","battery":{rand:20-100},"temp":{rand:18.0-24.5}}';
const PUBLISHERS = 100;
const VARIANTS = ['filler', 'template'] as const;
type Variant = (typeof VARIANTS)[number];

function scenario(url: string, variant: Variant, messages: number, rate: number) {
  const root = `bench/payload/${process.pid}`;
  const { scenario, issues } = validateScenarioObject({
    schema: 1,
    name: 'bench-payload',
    duration: `${Math.round((messages / rate) * 1000)}ms`,
    drain: '30s',
    broker: { url, protocol: 4 },
    groups: [
      { name: 'subscriber', count: 1, clientId: `fsp-sub-${process.pid}-{i}`, subscribe: [{ topic: `${root}/#`, qos: 1 }] },
      {
        name: 'publishers',
        count: PUBLISHERS,
        clientId: `fsp-pub-${process.pid}-{i}`,
        connectRate: '1000000/s',
        publish: [
          { topic: `${root}/{i}`, qos: 1, size: SIZE, totalRate: `${rate}/s`, ...(variant === 'template' ? { payload: TEMPLATE } : {}) },
        ],
      },
    ],
  });
  if (!scenario) throw new Error(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return { scenario, slices: scenario.groups.map((g, group) => ({ group, start: 0, count: g.count, connectRate: g.connectRate })) };
}

/** One measurement in this process: CPU µs per published message over the publishing window and drain. */
async function measure(url: string, variant: Variant, messages: number, rate: number) {
  const bench = scenario(url, variant, messages, rate);
  const runner = new ShardRunner({ scenario: bench.scenario, slices: bench.slices, hostId: 'bench' });
  await runner.connect();
  const [sub, pub] = runner.metrics.counters;
  const cpu = process.cpuUsage();
  runner.steady(runner.clock.now() + 50, { subscriptions: runner.missingSubscriptions, clients: runner.missingClients });
  await runner.drain();
  const used = cpuMicros(cpu);
  await runner.finish();
  const lost = sub.expected - (sub.received - sub.duplicated);
  return { variant, published: pub.published, received: sub.received, lost, cpuUsPerMessage: used / Math.max(1, pub.published) };
}

function child(url: string, variant: Variant, messages: number, rate: number): Promise<Awaited<ReturnType<typeof measure>>> {
  const self = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, ['--import', 'tsx', self, '--child', url, variant, String(messages), String(rate)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise((resolve, reject) =>
    proc.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`child exit ${code}`)),
    ),
  );
}

/** ns per packet built, filler (copy + header) and template (render + field + layout), best of 5. */
function packetCost(): { fillerNs: number; templateNs: number } {
  const n = 200_000;
  const filler = buildPublishTemplate('bench/payload/1/42', SIZE, 1, false, 4);
  const head = buildPublishTemplate('bench/payload/1/42', 0, 1, false, 4);
  const program = new PayloadProgram(TEMPLATE, true, SIZE);
  const streams = new PayloadStreams(1, 1);
  streams.bind(0, program, { i: 42, group: 'publishers', clientId: 'fsp-pub-1-42' }, 42);
  let sink = 0;
  const time = (fn: (k: number) => Buffer) => {
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const t0 = process.hrtime.bigint();
      for (let k = 0; k < n; k++) sink += fn(k).length;
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
    }
    return best;
  };
  const fillerNs = time((k) => {
    const buf = Buffer.allocUnsafe(filler.bytes.length);
    filler.bytes.copy(buf);
    writeTrackingHeader(buf, filler.payloadOffset, 42, k, 1.7e12 + k);
    return buf;
  });
  const templateNs = time((k) => streams.packet(0, program, head, 42, k, 1.7e12 + k, 1.7e12 + k, 0, 0));
  if (sink === 0) throw new Error('unreachable');
  return { fillerNs, templateNs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    const r = await measure(argv[1], argv[2] as Variant, Number(argv[3]), Number(argv[4]));
    process.stdout.write(`${JSON.stringify(r)}\n`);
    process.exit(0);
  }
  const opt = (name: string, dflt: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
  const rounds = opt('--rounds', 5);
  const messages = opt('--messages', 30_000);
  const rate = opt('--rate', 5_000);
  const micro = packetCost();
  process.stderr.write(`building one packet: filler ${micro.fillerNs.toFixed(0)} ns, template ${micro.templateNs.toFixed(0)} ns\n`);
  if (argv.includes('--packet-only')) return;
  const broker = await startMosquitto({ maxQueuedMessages: 0 }); // as npm run bench: a busy machine must not drop deliveries
  const figures: Record<Variant, number[]> = { filler: [], template: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      for (const variant of r % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
        const res = await child(broker.url, variant, messages, rate);
        if (res.lost !== 0 || res.published !== messages) throw new Error(`round ${r} ${variant}: ${JSON.stringify(res)}`);
        figures[variant].push(res.cpuUsPerMessage);
        process.stderr.write(`round ${r + 1} ${variant}: ${res.cpuUsPerMessage.toFixed(2)} µs/message\n`);
        await sleep(500);
      }
    }
  } finally {
    await broker.stop();
  }
  const a = median(figures.filler);
  const b = median(figures.template);
  process.stdout.write(
    `${JSON.stringify({ size: SIZE, messages, rate, rounds, fillerUsPerMessage: a, templateUsPerMessage: b, ratio: b / a, figures, packetNs: micro })}\n`,
  );
}

await main();
