// The handful of numbers a capacity planner quotes: how many devices, what rate, what latency,
// what was lost.

import type { Result } from '../../types.ts';
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
      detail: `of ${fmtInt(s.connections.attempted)} attempted · ${fmtInt(s.connections.failed)} failed`,
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
    { label: 'lost', value: fmtInt(s.messages.lost), detail: `${fmtPercent(s.messages.lossRate)} of ${fmtInt(s.messages.expected)} expected`, bad: s.messages.lost > 0 },
    { label: 'duplicated', value: fmtInt(s.messages.duplicated), detail: `${fmtInt(s.messages.outOfOrder)} out of order`, bad: s.messages.duplicated > 0 },
    { label: 'errors', value: fmtInt(errors), detail: `${Object.keys(s.errors).length} distinct reason(s)`, bad: errors > 0 },
  ];
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
