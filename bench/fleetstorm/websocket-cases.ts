// The WebSocket cases of `npm run bench`: RSS per idle ws:// connection and CPU per QoS 1 message
// over ws://, fleetstorm beside one MQTT.js client per device, against Mosquitto's `protocol
// websockets` listener. Same measurements (bench/fleetstorm/harness.ts,
// bench/reference/mqttjs-fleet.ts), same fresh process per measurement, a ws:// URL instead of
// mqtt://. No raw floor here: the floor's hand-encoded packets have no WebSocket framing.

import type { MeasurementName } from '../reference/child.ts';
import type { IdleMemoryResult, Qos1MessageCpuResult } from '../reference/measure.ts';
import type { BenchOptions } from './options.ts';

export type Measure = <T>(harness: 'fleetstorm' | 'mqttjs', m: MeasurementName, args: unknown[]) => Promise<T>;

export interface WebSocketFigures {
  url: string;
  n: number;
  messages: number;
  rate: number;
  publishers: number;
  fleetstorm: { idleMemory: IdleMemoryResult; qos1MessageCpu: Qos1MessageCpuResult; qos1OnePublisher: Qos1MessageCpuResult };
  mqttjs: { idleMemory: IdleMemoryResult; qos1MessageCpu: Qos1MessageCpuResult };
  rows: WebSocketRow[];
}

export interface WebSocketRow {
  metric: string;
  unit: string;
  fleetstorm: number;
  mqttjs: number;
  /** fleetstorm ÷ MQTT.js: below 1 is better. */
  ratio: number;
}

export async function measureWebSocket(
  url: string,
  opts: BenchOptions,
  measure: Measure,
  log: (line: string) => void,
): Promise<WebSocketFigures> {
  const step = async <T>(harness: 'fleetstorm' | 'mqttjs', m: MeasurementName, args: unknown[]): Promise<T> => {
    log(`  websocket ${harness}.${m} …`);
    return measure<T>(harness, m, args);
  };
  const fsMem = await step<IdleMemoryResult>('fleetstorm', 'measureIdleMemory', [url, opts.n]);
  const mjsMem = await step<IdleMemoryResult>('mqttjs', 'measureIdleMemory', [url, opts.n]);
  const fsQos1 = await step<Qos1MessageCpuResult>('fleetstorm', 'measureQos1MessageCpu', [url, opts.messages, opts.rate, opts.publishers]);
  const mjsQos1 = await step<Qos1MessageCpuResult>('mqttjs', 'measureQos1MessageCpu', [url, opts.messages, opts.rate]);
  const fsOne = await step<Qos1MessageCpuResult>('fleetstorm', 'measureQos1MessageCpu', [url, opts.messages, opts.rate, 1]);
  const row = (metric: string, unit: string, fs: number, mjs: number): WebSocketRow => ({
    metric,
    unit,
    fleetstorm: round(fs),
    mqttjs: round(mjs),
    ratio: round(fs / mjs),
  });
  const rows = [
    row('RSS per idle WebSocket connection', 'KB', fsMem.rssBytesPerConnection / 1024, mjsMem.rssBytesPerConnection / 1024),
    row(`CPU per QoS 1 message over WebSocket, ${opts.publishers} publishers`, 'µs', fsQos1.cpuUsPerMessage, mjsQos1.cpuUsPerMessage),
    row('CPU per QoS 1 message over WebSocket, 1 publisher', 'µs', fsOne.cpuUsPerMessage, mjsQos1.cpuUsPerMessage),
  ];
  return {
    url,
    n: opts.n,
    messages: opts.messages,
    rate: opts.rate,
    publishers: opts.publishers,
    fleetstorm: { idleMemory: fsMem, qos1MessageCpu: fsQos1, qos1OnePublisher: fsOne },
    mqttjs: { idleMemory: mjsMem, qos1MessageCpu: mjsQos1 },
    rows,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export function formatWebSocketTable(ws: WebSocketFigures): string {
  const lines = [`WebSocket (${ws.url}, n=${ws.n}, ${ws.messages} QoS 1 messages at ${ws.rate}/s)`];
  lines.push(`  ${'figure'.padEnd(56)} ${'fleetstorm'.padStart(11)} ${'MQTT.js'.padStart(11)} ${'ratio'.padStart(7)}`);
  for (const r of ws.rows)
    lines.push(
      `  ${r.metric.padEnd(56)} ${`${r.fleetstorm.toFixed(2)} ${r.unit}`.padStart(11)} ${`${r.mqttjs.toFixed(2)} ${r.unit}`.padStart(11)} ${r.ratio.toFixed(2).padStart(7)}`,
    );
  const q = ws.fleetstorm.qos1MessageCpu as Qos1MessageCpuResult & { published?: number; lost?: number; expected?: number };
  lines.push(
    `  fleetstorm QoS 1 over WebSocket: published ${q.published}, acked ${q.acked}, received ${q.received} of ${q.expected}, lost ${q.lost}`,
  );
  return lines.join('\n');
}
