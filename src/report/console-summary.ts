// The short table printed at the end of a run: per group and in total, the figures a
// performance engineer looks at first.

import { formatThresholdTable, textTable } from '../gate/format.ts';
import type { Result, Summary } from '../result/types.ts';

function row(name: string, s: Summary): string[] {
  const m = s.messages;
  const e = s.latencyMs.endToEnd;
  return [
    name,
    `${s.connections.succeeded}/${s.connections.attempted}`,
    String(m.published),
    String(m.acked),
    `${m.received}/${m.expected}`,
    String(m.lost),
    String(m.duplicated),
    String(m.outOfOrder),
    s.latencyMs.connect.count ? s.latencyMs.connect.p99.toFixed(1) : '-',
    e.count ? e.p50.toFixed(1) : '-',
    e.count ? e.p99.toFixed(1) : '-',
  ];
}

export function formatRunSummary(result: Result): string {
  const lines: string[] = [];
  const header = [
    'group',
    'connected',
    'published',
    'acked',
    'received/expected',
    'lost',
    'dup',
    'ooo',
    'connect p99',
    'e2e p50',
    'e2e p99',
  ];
  const rows = [header, ...Object.entries(result.groups).map(([n, s]) => row(n, s)), row('total', result.summary)];
  lines.push(textTable(rows));
  const t = result.summary.throughput;
  lines.push(`throughput (${steadyLabel(result.run)}): published ${t.publishedPerSec}/s, received ${t.receivedPerSec}/s; latencies in ms`);
  lines.push(...apartLines(result));
  const errors = Object.entries(result.summary.errors).sort((a, b) => b[1] - a[1]);
  if (errors.length) lines.push(`errors: ${errors.map(([r, n]) => `${r} ×${n}`).join(', ')}`);
  const lost = result.run.hosts.filter((h) => !h.complete);
  if (lost.length) lines.push(`missing shards: ${lost.map((h) => `${h.id} (${h.note ?? 'lost'})`).join(', ')}`);
  if (result.thresholds.length) lines.push('', formatThresholdTable(result.thresholds));
  if (result.interrupted) lines.push('run was interrupted: figures cover the time it ran');
  return lines.join('\n');
}

/** "steady state, 29 s from 10.7 s": the window the rates and the gated end-to-end latency cover. */
function steadyLabel(run: Result['run']): string {
  if (run.steadySeconds === undefined || run.steadyStartMs === null) return 'steady state';
  return `steady state, ${run.steadySeconds} whole s from ${Math.round(run.steadyStartMs / 100) / 10} s`;
}

/** Deliveries owed to nobody, refused publishes and downgrades: each on a line, when there are any. */
function apartLines(result: Result): string[] {
  const m = result.summary.messages;
  const out: string[] = [];
  const kinds: [string, number | undefined][] = [
    ['retained', m.retained],
    ['will', m.will],
    ['other', m.notOwed],
  ];
  const apart = kinds.filter((x): x is [string, number] => (x[1] ?? 0) > 0);
  if (apart.length) out.push(`not owed (counted apart, no part of received): ${apart.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  if (m.refused) out.push(`refused by the broker: ${m.refused} publishes (what they owed counts as lost)`);
  for (const d of result.downgrades ?? []) out.push(`downgrade (${d.group}): ${d.detail} — ${d.likelyCause}`);
  return out;
}
