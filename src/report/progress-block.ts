// What the live progress shows, as text: a small block for a terminal (k6-like) and one line for
// logs. Pure functions of the live figures, so tests check them without a terminal.

import { fmtDuration, fmtInt, fmtNumber } from './html/format.ts';
import type { LiveFigures } from './live/figures.ts';
import { p50p99Ms } from '../metrics/sample.ts';

const BAR = 30;

function p99(f: LiveFigures, name: 'endToEnd' | 'connect' | 'publishAck'): string {
  const h = f.histograms[name];
  if (h.totalCount === 0) return '–';
  return `${fmtNumber(p50p99Ms(h)[1])} ms`;
}

/** `[=====>------]`: the share of the planned time gone. */
function bar(elapsedS: number, plannedS: number): string {
  const share = plannedS > 0 ? Math.min(1, elapsedS / plannedS) : 0;
  const done = Math.round(share * BAR);
  return `[${'='.repeat(Math.max(0, done - 1))}${done > 0 ? (done === BAR ? '=' : '>') : ''}${'-'.repeat(BAR - done)}]`;
}

function clock(s: number): string {
  return fmtDuration(Math.max(0, Math.round(s)) * 1000);
}

function topErrors(f: LiveFigures, n: number): string {
  const all = Object.entries(f.errors()).sort((a, b) => b[1] - a[1]);
  const total = all.reduce((k, [, v]) => k + v, 0);
  if (total === 0) return '0';
  const top = all.slice(0, n).map(([reason, v]) => `${reason} ${fmtInt(v)}`);
  return `${fmtInt(total)} (${top.join(', ')}${all.length > n ? ', …' : ''})`;
}

function where(f: LiveFigures): string {
  const s = f.status;
  const parts = [s.scenario, s.phase];
  if (s.stage) parts.push(`stage ${s.stage}`);
  if (s.step !== null) parts.push(`step ${s.step} (load ×${fmtNumber(s.loadFactor ?? 0)})`);
  return parts.join(' · ');
}

/** The terminal block: a few lines, each short enough for an 80-column terminal. */
export function progressBlock(f: LiveFigures): string[] {
  const s = f.status;
  const last = f.last;
  const left = f.final ? 'done' : `${clock(s.plannedS - s.elapsedS)} left`;
  const out = last ? last.published : 0;
  const inRate = last ? last.received : 0;
  const lost = f.final ? fmtInt(f.total('lost')) : '– (after the drain)';
  const late = fmtInt(f.late);
  const rates = f.final
    ? `total out ${fmtInt(f.total('published'))}  in ${fmtInt(f.total('received'))}  acked ${fmtInt(f.total('acked'))}`
    : `out ${fmtNumber(out)}/s (plan ${fmtNumber(s.plannedRate)}/s)  in ${fmtNumber(inRate)}/s  acked ${fmtNumber(last?.acked ?? 0)}/s`;
  return [
    `  ${where(f)}`,
    f.final
      ? `  ${bar(1, 1)} ${clock(s.elapsedS)}  ${left}`
      : `  ${bar(s.elapsedS, s.plannedS)} ${clock(s.elapsedS)}/${clock(s.plannedS)}  ${left}`,
    `  clients   ${fmtInt(f.total('connected'))} connected / ${fmtInt(f.plannedConnected)} due / ${fmtInt(f.total('planned'))} planned`,
    `  messages  ${rates}`,
    `  p99       end-to-end ${p99(f, 'endToEnd')}  connect ${p99(f, 'connect')}  publish-ack ${p99(f, 'publishAck')}`,
    `  lost      ${lost}   late sends ${late}`,
    `  errors    ${topErrors(f, 2)}`,
    ...generator(f),
  ];
}

/** The load host with the worst event-loop delay in its last second (absent before any host reported). */
function generator(f: LiveFigures): string[] {
  const hosts = Object.entries(f.hostHealth);
  if (hosts.length === 0) return [];
  const [id, h] = hosts.reduce((a, b) => (b[1].eldP99Ms > a[1].eldP99Ms ? b : a));
  const which = hosts.length > 1 ? `worst of ${hosts.length} hosts: ${id}` : id;
  return [
    `  generator ${which}  cpu ${fmtNumber(h.cpu)} core  event-loop p99 ${fmtNumber(h.eldP99Ms)} ms  gc ${fmtNumber(h.gcMs)} ms/s  rss ${fmtInt(h.rssMb)} MB`,
  ];
}

/** One line for a log (not a terminal). */
export function progressLine(f: LiveFigures): string {
  const s = f.status;
  const last = f.last;
  const rates = f.final
    ? `  published ${fmtInt(f.total('published'))}  received ${fmtInt(f.total('received'))}  lost ${fmtInt(f.total('lost'))}`
    : `  out ${fmtNumber(last?.published ?? 0)}/s (plan ${fmtNumber(s.plannedRate)}/s)  in ${fmtNumber(last?.received ?? 0)}/s`;
  return (
    `[${clock(s.elapsedS)}/${clock(s.plannedS)}] ${where(f)}  connected ${fmtInt(f.total('connected'))}/${fmtInt(f.total('planned'))}` +
    rates +
    `  e2e p99 ${p99(f, 'endToEnd')}  errors ${topErrors(f, 1)}`
  );
}
