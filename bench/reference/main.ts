// Runs both reference harnesses against mosquitto brokers it starts itself and prints the figures:
//   node --import tsx bench/reference/main.ts [--n 2000] [--concurrency 100] [--messages 20000] [--rate 5000] [--json]
import { startMosquittoFleet } from '../../src/broker/mosquitto.ts';
import type { ConnectCpuResult, IdleMemoryResult, Qos1MessageCpuResult } from './measure.ts';
import { runInChild } from './run-in-child.ts';
import type { HarnessName } from './child.ts';

// One mosquitto holds about 19,000 connections here (fd hard limit 20000).
const CONNECTIONS_PER_BROKER = 18_000;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

export interface ReferenceFigures {
  harness: HarnessName;
  idleMemory: IdleMemoryResult;
  connectCpu: ConnectCpuResult;
  qos1MessageCpu: Qos1MessageCpuResult;
}

async function main(): Promise<void> {
  const n = option('n', 2000);
  const concurrency = option('concurrency', 100);
  const messages = option('messages', 20_000);
  const rate = option('rate', 5000);
  if (n > CONNECTIONS_PER_BROKER)
    throw new Error(`--n above ${CONNECTIONS_PER_BROKER} needs several brokers; not supported by this runner yet`);
  // A fresh broker per measurement keeps leftover sessions of one run from loading the next.
  const figures: ReferenceFigures[] = [];
  for (const harness of ['mqttjs', 'raw'] as const) {
    const fleet = await startMosquittoFleet(1, { maxQueuedMessages: 0 });
    try {
      const url = fleet.urls[0];
      figures.push({
        harness,
        idleMemory: await runInChild<IdleMemoryResult>(harness, 'measureIdleMemory', [url, n]),
        connectCpu: await runInChild<ConnectCpuResult>(harness, 'measureConnectCpu', [url, n, concurrency]),
        qos1MessageCpu: await runInChild<Qos1MessageCpuResult>(harness, 'measureQos1MessageCpu', [url, messages, rate]),
      });
    } finally {
      await fleet.stop();
    }
  }
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify({ n, concurrency, messages, rate, figures }, null, 2) + '\n');
    return;
  }
  const rows = figures.map((f) => ({
    harness: f.idleMemory.harness,
    'RSS B/conn': Math.round(f.idleMemory.rssBytesPerConnection),
    'heap B/conn': Math.round(f.idleMemory.heapBytesPerConnection),
    'connect CPU µs/conn': Math.round(f.connectCpu.cpuUsPerConnection),
    'connects/s': Math.round(f.connectCpu.connectionsPerSec),
    'QoS1 CPU µs/msg': Number(f.qos1MessageCpu.cpuUsPerMessage.toFixed(1)),
  }));
  console.log(`n=${n} concurrency=${concurrency} messages=${messages} rate=${rate}/s, mosquitto on loopback`);
  console.table(rows);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
