// The handful of numbers a capacity planner quotes: how many devices, what rate, what latency,
// what was lost — and whether the load generator itself kept to its schedule.

import type { Result } from '../../../result/types.ts';
import { escapeHtml } from '../escape.ts';
import { fmtInt, fmtMs, fmtPercent, fmtRate } from '../format.ts';

interface Figure {
  label: string;
  value: string;
  detail: string;
  bad?: boolean;
}

export function keyFigures(result: Result): Figure[] {
  const s = result.summary;
  const errors = Object.values(s.errors).reduce((a, b) => a + b, 0);
  return [
    {
      label: 'devices connected',
      value: fmtInt(s.connections.succeeded),
      detail: `of ${fmtInt(s.connections.attempted)} attempted · ${fmtInt(s.connections.failed)} failed${s.connections.reconnects ? ` · counts include ${fmtInt(s.connections.reconnects)} reconnects` : ''}`,
      bad: s.connections.failed > 0,
    },
    { label: 'peak concurrent', value: fmtInt(s.connections.peakConcurrent), detail: 'connections open at once' },
    { label: 'published', value: fmtRate(s.throughput.publishedPerSec), detail: `${fmtInt(s.messages.published)} messages, steady state` },
    { label: 'received', value: fmtRate(s.throughput.receivedPerSec), detail: `${fmtInt(s.messages.received)} deliveries, steady state` },
    {
      label: 'end-to-end p99',
      value: s.latencyMs.endToEnd.count > 0 ? fmtMs(s.latencyMs.endToEnd.p99) : '–',
      detail: `p50 ${fmtMs(s.latencyMs.endToEnd.p50)} · max ${fmtMs(s.latencyMs.endToEnd.max)}`,
    },
    {
      label: 'connect p99',
      value: s.latencyMs.connect.count > 0 ? fmtMs(s.latencyMs.connect.p99) : '–',
      detail: `p50 ${fmtMs(s.latencyMs.connect.p50)} · max ${fmtMs(s.latencyMs.connect.max)}`,
    },
    {
      label: 'lost',
      value: fmtInt(s.messages.lost),
      detail: `${fmtPercent(s.messages.lossRate)} of ${fmtInt(s.messages.expected)} expected`,
      bad: s.messages.lost > 0,
    },
    {
      label: 'duplicated',
      value: fmtInt(s.messages.duplicated),
      detail: `${fmtInt(s.messages.outOfOrder)} out of order`,
      bad: s.messages.duplicated > 0,
    },
    { label: 'errors', value: fmtInt(errors), detail: `${Object.keys(s.errors).length} distinct reason(s)`, bad: errors > 0 },
    ...optionalFigures(result),
  ];
}

/** A share of late sends above which the generator, not the broker, may be what was measured. */
const LATE_SHARE_BAD = 0.01;

/** Figures only some runs have: sends skipped while offline, and whether the generator kept up. */
function optionalFigures(result: Result): Figure[] {
  const s = result.summary;
  const figures: Figure[] = [];
  const skipped = s.messages.skipped ?? 0;
  if (skipped > 0) {
    figures.push({
      label: 'skipped sends',
      value: fmtInt(skipped),
      detail: 'scheduled while the device was offline (churn, restart, migration)',
    });
  }
  const apart = (s.messages.retained ?? 0) + (s.messages.will ?? 0) + (s.messages.notOwed ?? 0);
  if (apart > 0) {
    figures.push({
      label: 'not owed',
      value: fmtInt(apart),
      detail: `deliveries counted apart: ${fmtInt(s.messages.retained ?? 0)} retained · ${fmtInt(s.messages.will ?? 0)} will · ${fmtInt(s.messages.notOwed ?? 0)} other`,
    });
  }
  if (s.messages.refused) {
    figures.push({ label: 'refused publishes', value: fmtInt(s.messages.refused), detail: 'the broker refused them: lost', bad: true });
  }
  for (const d of result.downgrades ?? []) {
    figures.push({ label: `downgrade · ${d.group}`, value: d.kind, detail: `${d.detail} — ${d.likelyCause}`, bad: true });
  }
  const schedule = result.run.schedule;
  if (schedule) {
    const lateShare = s.messages.published > 0 ? schedule.late / s.messages.published : 0;
    figures.push({
      label: 'generator schedule',
      value: schedule.late === 0 ? 'on time' : `${fmtInt(schedule.late)} late`,
      detail:
        schedule.late === 0
          ? `every publish within 10 ms of its time · worst lag ${fmtMs(schedule.maxLagMs)}`
          : `${fmtPercent(lateShare)} of publishes > 10 ms behind · worst lag ${fmtMs(schedule.maxLagMs)}`,
      bad: lateShare >= LATE_SHARE_BAD,
    });
  }
  return figures;
}

export function renderKeyFigures(result: Result): string {
  const cards = keyFigures(result)
    .map(
      (f) =>
        `<div class="figure${f.bad ? ' bad' : ''}"><div class="figure-label">${escapeHtml(f.label)}</div><div class="figure-value">${escapeHtml(f.value)}</div><div class="figure-detail">${escapeHtml(f.detail)}</div></div>`,
    )
    .join('\n');
  return `<section id="key-figures"><h2>Key figures</h2><div class="figures" data-testid="key-figures">
${cards}
</div></section>`;
}
