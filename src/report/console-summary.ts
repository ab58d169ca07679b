// The short table printed at the end of a run: per group and in total, the figures a
// performance engineer looks at first; then, when they happened, commands, reconnects, skipped
// sends, deliveries owed to nobody, late sends and the load hosts' own health; then the gates,
// every value with its unit.

import { textTable } from '../gate/format.ts';
import { generatorBound } from '../metrics/host-health-series.ts';
import type { LatencySummary, Result, Summary } from '../result/types.ts';
import { formatThresholdsWithUnits } from './console-thresholds.ts';
import { fmtInt, fmtNumber } from './html/format.ts';

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
    'connect p99 ms',
    'e2e p50 ms',
    'e2e p99 ms',
  ];
  const rows = [header, ...Object.entries(result.groups).map(([n, s]) => row(n, s)), row('total', result.summary)];
  lines.push(textTable(rows));
  const t = result.summary.throughput;
  lines.push(`throughput (${steadyLabel(result.run)}): published ${t.publishedPerSec} msg/s, received ${t.receivedPerSec} msg/s`);
  lines.push(...happenedLines(result.summary), ...apartLines(result), ...generatorLines(result));
  const errors = Object.entries(result.summary.errors).sort((a, b) => b[1] - a[1]);
  if (errors.length) lines.push(`errors: ${errors.map(([r, n]) => `${r} ×${n}`).join(', ')}`);
  const lost = result.run.hosts.filter((h) => !h.complete);
  if (lost.length) lines.push(`missing shards: ${lost.map((h) => `${h.id} (${h.note ?? 'lost'})`).join(', ')}`);
  if (result.thresholds.length) lines.push('', formatThresholdsWithUnits(result.thresholds, Object.keys(result.groups)));
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

function p99(s: LatencySummary): string {
  return s.count > 0 ? `, p99 ${fmtNumber(s.p99)} ms` : '';
}

/** Commands, reconnects and skipped sends: a line each, only when the run had any. */
function happenedLines(s: Summary): string[] {
  const out: string[] = [];
  const c = s.commands;
  if (c && c.sent > 0)
    out.push(
      `commands: ${fmtInt(c.sent)} sent, ${fmtInt(c.replied)} replied in time, ${fmtInt(c.late)} late, ${fmtInt(c.noReply)} unanswered` +
        p99(s.latencyMs.commandRoundTrip).replace('p99', 'round trip p99'),
    );
  const k = s.connections;
  if ((k.dropped ?? 0) > 0 || (k.reconnects ?? 0) > 0 || (k.reconnectFailed ?? 0) > 0)
    out.push(
      `reconnects: ${fmtInt(k.dropped ?? 0)} connections dropped, ${fmtInt(k.reconnects ?? 0)} re-established, ` +
        `${fmtInt(k.reconnectFailed ?? 0)} attempts failed` +
        p99(s.latencyMs.reconnect).replace('p99', 'gap p99'),
    );
  if ((s.messages.skipped ?? 0) > 0) out.push(`skipped: ${fmtInt(s.messages.skipped!)} scheduled sends (client offline)`);
  return out;
}

/** Late sends, each load host's health in one line (the worst four), and the generator-bound verdict. */
function generatorLines(result: Result): string[] {
  const out: string[] = [];
  const sched = result.run.schedule;
  if (sched && sched.late > 0)
    out.push(`late sends: ${fmtInt(sched.late)} more than 10 ms behind schedule (worst ${fmtNumber(sched.maxLagMs)} ms)`);
  const hosts = [...(result.health ?? [])].sort(
    (a, b) => (b.steady ?? b.run).eventLoopDelayMs.p99 - (a.steady ?? a.run).eventLoopDelayMs.p99,
  );
  for (const h of hosts.slice(0, 4)) {
    const span = h.steady ?? h.run;
    out.push(
      `load host ${h.host} (${h.steady ? 'steady state' : 'whole run'}): cpu ${fmtNumber(span.cpu.avg)} core avg, ${fmtNumber(span.cpu.max)} max; ` +
        `event-loop delay p50 ${fmtNumber(span.eventLoopDelayMs.p50)} ms, p99 ${fmtNumber(span.eventLoopDelayMs.p99)} ms, max ${fmtNumber(span.eventLoopDelayMs.max)} ms; ` +
        `gc ${fmtInt(span.gc.count)} pauses, ${fmtNumber(span.gc.totalMs)} ms total, ${fmtNumber(span.gc.maxMs)} ms max; rss max ${fmtNumber(span.rssMaxMb)} MB`,
    );
  }
  if (hosts.length > 4) out.push(`(${hosts.length - 4} more load hosts in result.json's health)`);
  const bound = generatorBound(result.health);
  if (bound) out.push(bound);
  return out;
}
