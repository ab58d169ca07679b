// The floor: the same three measurements with bare `net` sockets and packets encoded before the
// clock starts. No MQTT client can use less CPU or memory than this in Node; fleetstorm's lean
// client is judged by how close it gets.
import net from 'node:net';
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
import { FrameReader, PACKET, encodeConnect, encodeSubscribe, publishQos1Template } from './raw-packets.ts';

const HARNESS = 'raw net sockets, pre-encoded packets (floor)';

function target(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 1883) };
}

/** Opens a socket, sends CONNECT, resolves on a CONNACK with return code 0. */
function connectRaw(url: string, connect: Buffer): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ ...target(url), noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(connect));
    socket.once('data', (d) => {
      socket.removeListener('error', reject);
      socket.on('error', () => {});
      if (d[0] >> 4 === PACKET.CONNACK && d[3] === 0) resolve(socket);
      else reject(new Error(`unexpected reply to CONNECT: ${d.subarray(0, 4).toString('hex')}`));
    });
  });
}

async function connectFleet(
  url: string,
  n: number,
  concurrency: number,
  prefix: string,
): Promise<{ sockets: net.Socket[]; connect: () => Promise<void> }> {
  const packets = Array.from({ length: n }, (_, i) => encodeConnect(`${prefix}-${process.pid}-${i}`));
  const sockets: net.Socket[] = new Array(n);
  return {
    sockets,
    connect: () =>
      runPool(n, concurrency, async (i) => {
        sockets[i] = await connectRaw(url, packets[i]);
      }),
  };
}

async function warmUp(url: string): Promise<void> {
  const fleet = await connectFleet(url, WARMUP_CONNECTIONS, 25, 'raw-warm');
  await fleet.connect();
  for (const s of fleet.sockets) s.destroy();
}

export async function measureIdleMemory(url: string, n: number): Promise<IdleMemoryResult> {
  await warmUp(url);
  const fleet = await connectFleet(url, n, 200, 'raw-mem');
  await settleHeap();
  const before = process.memoryUsage();
  await fleet.connect();
  await settleHeap();
  const after = process.memoryUsage();
  for (const s of fleet.sockets) s.destroy();
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
  const fleet = await connectFleet(url, n, concurrency, 'raw-cpu');
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await fleet.connect();
  const wallMs = performance.now() - t0;
  const used = cpuMicros(cpu);
  for (const s of fleet.sockets) s.destroy();
  return { harness: HARNESS, n, concurrency, cpuUsPerConnection: used / n, wallMs, connectionsPerSec: (n / wallMs) * 1000 };
}

export async function measureQos1MessageCpu(url: string, messages: number, rate: number): Promise<Qos1MessageCpuResult> {
  const topic = `bench/ref/raw/${process.pid}`;
  const sub = await connectRaw(url, encodeConnect(`raw-sub-${process.pid}`));
  const pub = await connectRaw(url, encodeConnect(`raw-pub-${process.pid}`));

  let received = 0;
  let acked = 0;
  let subscribed = false;
  const subReader = new FrameReader((type, flags, buf, start, end) => {
    if (type === PACKET.SUBACK) {
      subscribed = buf[end - 1] === 1;
      return;
    }
    if (type !== PACKET.PUBLISH || ((flags >> 1) & 3) !== 1) return;
    const topicLen = buf.readUInt16BE(start);
    const idAt = start + 2 + topicLen;
    void buf.readUInt32BE(idAt + 2 + 8); // the tracking seq, as any receiver would read it
    received++;
    pendingAcks.push(0x40, 0x02, buf[idAt], buf[idAt + 1]);
  });
  // PUBACKs for one data chunk leave in one write.
  let pendingAcks: number[] = [];
  sub.on('data', (chunk) => {
    subReader.push(chunk);
    if (pendingAcks.length) {
      sub.write(Buffer.from(pendingAcks));
      pendingAcks = [];
    }
  });
  const pubReader = new FrameReader((type) => {
    if (type === PACKET.PUBACK) acked++;
  });
  pub.on('data', (chunk) => pubReader.push(chunk));

  sub.write(encodeSubscribe(1, topic, 1));
  await waitUntil(
    () => subscribed,
    5000,
    () => 'no SUBACK granting QoS 1',
  );

  const template = publishQos1Template(topic, MESSAGE_SIZE);
  const size = template.bytes.length;
  let seq = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await scheduleAtRate(messages, rate, (count) => {
    // Every message due now goes out in one write, each copied from the template and patched.
    const batch = Buffer.allocUnsafe(size * count);
    const now = Date.now();
    for (let k = 0; k < count; k++, seq++) {
      const at = k * size;
      template.bytes.copy(batch, at);
      const id = (seq % 65535) + 1;
      batch[at + template.packetIdOffset] = id >> 8;
      batch[at + template.packetIdOffset + 1] = id & 0xff;
      stampTrackingHeader(batch, at + template.payloadOffset, 1, seq, now);
    }
    pub.write(batch);
  });
  await waitUntil(
    () => received >= messages && acked >= messages,
    30_000 + (messages / rate) * 1000,
    () => `received ${received}, acked ${acked} of ${messages}`,
  );
  const wallMs = performance.now() - t0;
  const used = cpuMicros(cpu);
  sub.destroy();
  pub.destroy();
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
