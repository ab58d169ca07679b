// Where the load ran and how it was shared; a lost host is red because its figures are missing.

import type { Result } from '../../../result/types.ts';
import { escapeHtml } from '../escape.ts';
import { fmtInt, fmtNumber, fmtPercent } from '../format.ts';

/** The host's own health cells: steady state when it had one, else the whole run ('–' without health). */
function healthCells(result: Result, host: string): string {
  const h = result.health?.find((x) => x.host === host);
  const span = h ? (h.steady ?? h.run) : null;
  if (!span) return '<td class="num">–</td>'.repeat(4);
  const cells = [
    `${fmtNumber(span.cpu.avg)} / ${fmtNumber(span.cpu.max)}`,
    `${fmtNumber(span.eventLoopDelayMs.p99)} ms / ${fmtNumber(span.eventLoopDelayMs.max)} ms`,
    `${fmtNumber(span.gc.totalMs)} ms / ${fmtNumber(span.gc.maxMs)} ms`,
    `${fmtNumber(span.rssMaxMb)} MB`,
  ];
  return cells.map((c) => `<td class="num">${escapeHtml(c)}</td>`).join('');
}

export function renderHosts(result: Result): string {
  const hosts = result.run.hosts;
  if (hosts.length === 0) return '';
  const total = hosts.reduce((sum, h) => sum + Object.values(h.clients).reduce((a, b) => a + b, 0), 0);
  const rows = hosts
    .map((h) => {
      const clients = Object.values(h.clients).reduce((a, b) => a + b, 0);
      const byGroup = Object.entries(h.clients)
        .map(([g, n]) => `${g}: ${fmtInt(n)}`)
        .join(', ');
      const state = h.complete ? 'complete' : `INCOMPLETE${h.note ? ` — ${h.note}` : ''}`;
      return `<tr class="${h.complete ? '' : 'row-fail'}"><td><code>${escapeHtml(h.id)}</code></td><td>${escapeHtml(h.kind)}</td><td>${escapeHtml(h.hostname)}</td><td class="num">${fmtInt(clients)}</td><td class="num">${total > 0 ? fmtPercent(clients / total) : '–'}</td><td>${escapeHtml(byGroup)}</td>${healthCells(result, h.id)}<td class="status ${h.complete ? 'pass' : 'fail'}">${escapeHtml(state)}</td></tr>`;
    })
    .join('\n');
  return `<section id="hosts"><h2>Load hosts</h2>
<div class="table-scroll"><table data-testid="hosts"><thead><tr><th>host</th><th>kind</th><th>hostname</th><th class="num">clients</th><th class="num">share</th><th>by group</th><th class="num" title="steady state (whole run when none)">cpu avg / max (cores)</th><th class="num">event-loop delay p99 / max</th><th class="num">GC total / longest pause</th><th class="num">rss max</th><th>state</th></tr></thead>
<tbody>
${rows}
</tbody></table></div></section>`;
}
