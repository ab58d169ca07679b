// Turns the three harnesses' measurements into the benchmark's figures: one row per metric with
// the ratios fleetstorm/MQTT.js and fleetstorm/floor, and the four targets checked.
// Pure functions of the measurements, so the table and latest.json always agree.

import type { ConnectCpuResult, IdleMemoryResult, Qos1MessageCpuResult } from '../reference/measure.ts';

export type HarnessKey = 'fleetstorm' | 'mqttjs' | 'raw';
export const HARNESS_KEYS: readonly HarnessKey[] = ['fleetstorm', 'mqttjs', 'raw'];

export interface HarnessFigures {
  idleMemory: IdleMemoryResult;
  connectCpu: ConnectCpuResult;
  /** fleetstorm publishes from `--publishers` clients (one socket per device, as a fleet does);
   * this second run uses one publisher, the shape the reference harnesses use. The references'
   * own qos1MessageCpu already has that shape, so they leave it out. */
  qos1MessageCpu: Qos1MessageCpuResult;
  qos1OnePublisher?: Qos1MessageCpuResult;
}

export type AllFigures = Record<HarnessKey, HarnessFigures>;

/** 1 KB = 1024 bytes here, as RSS is reported by the kernel. */
export const KB = 1024;

export interface Target {
  /** `max`: the figure must not exceed `limit`; `band`: |figure − 1| ≤ limit. */
  kind: 'max' | 'band';
  limit: number;
  text: string;
}

export interface FigureRow {
  metric: string;
  unit: string;
  values: Record<HarnessKey, number>;
  /** fleetstorm / MQTT.js and fleetstorm / floor; null where a ratio means nothing. */
  vsMqttjs: number | null;
  vsFloor: number | null;
  target: Target | null;
  /** null when the row has no target. */
  met: boolean | null;
}

interface RowSpec {
  metric: string;
  unit: string;
  value: (f: HarnessFigures) => number;
  ratios: boolean;
  target: Target | null;
}

// The targets (issue 2, "Benchmark"). Rows without a target are context for the reader.
const ROWS: RowSpec[] = [
  {
    metric: 'RSS per idle connection',
    unit: 'KB',
    ratios: true,
    value: (f) => f.idleMemory.rssBytesPerConnection / KB,
    target: { kind: 'max', limit: 5, text: '≤ 5 KB' },
  },
  { metric: 'JS heap per idle connection', unit: 'KB', ratios: true, value: (f) => f.idleMemory.heapBytesPerConnection / KB, target: null },
  {
    metric: 'CPU per connection',
    unit: 'µs',
    ratios: true,
    value: (f) => f.connectCpu.cpuUsPerConnection,
    target: { kind: 'max', limit: 100, text: '≤ 100 µs' },
  },
  { metric: 'connections per second', unit: '/s', ratios: true, value: (f) => f.connectCpu.connectionsPerSec, target: null },
  {
    metric: 'CPU per QoS 1 message',
    unit: 'µs',
    ratios: true,
    value: (f) => f.qos1MessageCpu.cpuUsPerMessage,
    target: { kind: 'max', limit: 25, text: '≤ 25 µs' },
  },
  {
    metric: 'CPU per QoS 1 message, 1 publisher',
    unit: 'µs',
    ratios: true,
    value: (f) => (f.qos1OnePublisher ?? f.qos1MessageCpu).cpuUsPerMessage,
    target: { kind: 'max', limit: 25, text: '≤ 25 µs' },
  },
  {
    metric: 'achieved / target rate',
    unit: '×',
    ratios: false,
    value: (f) => f.qos1MessageCpu.achievedRate / f.qos1MessageCpu.rate,
    target: { kind: 'band', limit: 0.01, text: '1 ± 0.01' },
  },
];

export function meets(target: Target, value: number): boolean {
  return target.kind === 'max' ? value <= target.limit : Math.abs(value - 1) <= target.limit;
}

export function figureRows(figures: AllFigures): FigureRow[] {
  return ROWS.map((spec) => {
    const values = { fleetstorm: spec.value(figures.fleetstorm), mqttjs: spec.value(figures.mqttjs), raw: spec.value(figures.raw) };
    return {
      metric: spec.metric,
      unit: spec.unit,
      values,
      vsMqttjs: spec.ratios ? values.fleetstorm / values.mqttjs : null,
      vsFloor: spec.ratios ? values.fleetstorm / values.raw : null,
      target: spec.target,
      met: spec.target ? meets(spec.target, values.fleetstorm) : null,
    };
  });
}

function num(v: number, unit: string): string {
  if (unit === '×') return v.toFixed(4);
  if (Math.abs(v) >= 1000) return Math.round(v).toString();
  return v.toFixed(Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
}

const ratio = (r: number | null) => (r === null ? '' : `${r.toFixed(2)}×`);

/** The side-by-side table as plain text lines. */
export function formatTable(rows: FigureRow[]): string {
  const header = ['metric', 'unit', 'fleetstorm', 'MQTT.js', 'raw floor', 'fs/MQTT.js', 'fs/floor', 'target', 'met'];
  const body = rows.map((r) => [
    r.metric,
    r.unit,
    num(r.values.fleetstorm, r.unit),
    num(r.values.mqttjs, r.unit),
    num(r.values.raw, r.unit),
    ratio(r.vsMqttjs),
    ratio(r.vsFloor),
    r.target?.text ?? '',
    r.met === null ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...body.map((b) => b[k].length)));
  // Text columns align left, figures right.
  const line = (cells: string[]) => cells.map((c, k) => (k < 2 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
