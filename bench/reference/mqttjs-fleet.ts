// Reference harness: one MQTT.js client per device, the way most Node load scripts are written.
// MQTT 3.1.1, clean session, keepalive 60. Each function runs in a fresh process (runInChild).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import {
  MESSAGE_SIZE,
  WARMUP_CONNECTIONS,
  cpuMicros,
  runPool,
  scheduleAtRate,
  settleHeap,
  stampTrackingHeader,
  waitUntil,
  type ConnectCpuResult,
  type IdleMemoryResult,
  type Qos1MessageCpuResult,
} from './measure.ts';

const HARNESS = 'mqtt.js 5.16 (one client per device)';

function clientOptions(clientId: string): IClientOptions {
  return { protocolVersion: 4, clean: true, keepalive: 60, reconnectPeriod: 0, connectTimeout: 30_000, clientId };
}

function connectOne(url: string, clientId: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, clientOptions(clientId));
    client.once('connect', () => {
      client.removeListener('error', reject);
      client.on('error', () => {});
      resolve(client);
    });
    client.once('error', reject);
  });
}

async function connectFleet(url: string, n: number, concurrency: number, prefix: string): Promise<MqttClient[]> {
  const clients: MqttClient[] = new Array(n);
  await runPool(n, concurrency, async (i) => {
    clients[i] = await connectOne(url, `${prefix}-${process.pid}-${i}`);
  });
  return clients;
}

function endFleet(clients: MqttClient[]): void {
  for (const c of clients) c?.end(true);
}

async function warmUp(url: string): Promise<void> {
  endFleet(await connectFleet(url, WARMUP_CONNECTIONS, 25, 'mjs-warm'));
}

export async function measureIdleMemory(url: string, n: number): Promise<IdleMemoryResult> {
  await warmUp(url);
  await settleHeap();
  const before = process.memoryUsage();
  const clients = await connectFleet(url, n, 200, 'mjs-mem');
  await settleHeap();
  const after = process.memoryUsage();
  endFleet(clients);
  return {
    harness: HARNESS,
    n,
    rssBytesPerConnection: (after.rss - before.rss) / n,
    heapBytesPerConnection: (after.heapUsed - before.heapUsed) / n,
    externalBytesPerConnection: (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / n,
  };
}

export async function measureConnectCpu(url: string, n: number, concurrency: number): Promise<ConnectCpuResult> {
  await warmUp(url);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const clients = await connectFleet(url, n, concurrency, 'mjs-cpu');
  const wallMs = performance.now() - t0;
  const used = cpuMicros(cpu);
  endFleet(clients);
  return { harness: HARNESS, n, concurrency, cpuUsPerConnection: used / n, wallMs, connectionsPerSec: (n / wallMs) * 1000 };
}

export async function measureQos1MessageCpu(url: string, messages: number, rate: number): Promise<Qos1MessageCpuResult> {
  const topic = `bench/ref/mqttjs/${process.pid}`;
  const sub = await connectOne(url, `mjs-sub-${process.pid}`);
  await sub.subscribeAsync(topic, { qos: 1 });
  const pub = await connectOne(url, `mjs-pub-${process.pid}`);

  let received = 0;
  let acked = 0;
  let lastSeq = -1;
  sub.on('message', (_topic, payload) => {
    lastSeq = payload.readUInt32BE(8); // what any tracking receiver reads first
    received++;
  });
  const onAck = (err?: Error) => {
    if (!err) acked++;
  };

  let seq = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await scheduleAtRate(messages, rate, (count) => {
    for (let k = 0; k < count; k++) {
      // A fresh buffer per message: MQTT.js keeps it in its outgoing store until the PUBACK.
      const payload = Buffer.alloc(MESSAGE_SIZE);
      stampTrackingHeader(payload, 0, 1, seq++, Date.now());
      pub.publish(topic, payload, { qos: 1 }, onAck);
    }
  });
  await waitUntil(
    () => received >= messages && acked >= messages,
    30_000 + (messages / rate) * 1000,
    () => `received ${received}, acked ${acked} of ${messages} (last seq ${lastSeq})`,
  );
  const wallMs = performance.now() - t0;
  const used = cpuMicros(cpu);
  sub.end(true);
  pub.end(true);
  return {
    harness: HARNESS,
    messages,
    rate,
    received,
    acked,
    cpuUsPerMessage: used / messages,
    wallMs,
    achievedRate: (messages / wallMs) * 1000,
  };
}
