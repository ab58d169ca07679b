// "Migration": the cut-over from the old cluster to the new one, cohort by cohort — when each
// cohort moved, how many devices made it, how long they were away — and what the move cost in
// messages. Left out when the run was not a migration rehearsal.

import type { CohortSummary, Result } from '../../../result/types.ts';
import { escapeHtml } from '../escape.ts';
import { fmtInt, fmtMs, fmtPercent } from '../format.ts';

function gapCell(c: CohortSummary, pick: 'p50' | 'p99' | 'max'): string {
  return c.gapMs.count > 0 ? fmtMs(c.gapMs[pick]) : '–';
}

function cohortRow(c: CohortSummary): string {
  const cells = [
    `<th scope="row">C${c.index + 1}</th>`,
    `<td class="num">${(c.atMs / 1000).toFixed(1)} s</td>`,
    `<td class="num">${fmtInt(c.moved)}</td>`,
    `<td class="num">${fmtInt(c.reconnected)}</td>`,
    `<td class="num${c.stranded > 0 ? ' bad' : ''}">${fmtInt(c.stranded)}</td>`,
    `<td class="num">${gapCell(c, 'p50')}</td>`,
    `<td class="num">${gapCell(c, 'p99')}</td>`,
    `<td class="num">${gapCell(c, 'max')}</td>`,
  ];
  return `<tr${c.stranded > 0 ? ' class="row-fail"' : ''}>${cells.join('')}</tr>`;
}

export function renderMigration(result: Result): string {
  const m = result.migration;
  if (!m) return '';
  const sum = (pick: (c: CohortSummary) => number) => m.cohorts.reduce((a, c) => a + pick(c), 0);
  const stranded = sum((c) => c.stranded);
  const total = `<tr class="total"><th scope="row">all cohorts</th><td></td><td class="num">${fmtInt(sum((c) => c.moved))}</td><td class="num">${fmtInt(sum((c) => c.reconnected))}</td><td class="num${stranded > 0 ? ' bad' : ''}">${fmtInt(stranded)}</td><td></td><td></td><td></td></tr>`;
  const table =
    m.cohorts.length === 0
      ? '<p class="muted">No cohort was cut over before the run ended.</p>'
      : `<div class="table-scroll"><table data-testid="migration-cohorts"><thead><tr><th>cohort</th><th class="num">cut over at</th><th class="num">moved</th><th class="num">reconnected</th><th class="num">stranded</th><th class="num">gap p50</th><th class="num">gap p99</th><th class="num">gap max</th></tr></thead>
<tbody>
${m.cohorts.map(cohortRow).join('\n')}
</tbody>
<tfoot>${total}</tfoot></table></div>`;
  return `<section id="migration" data-testid="migration"><h2>Migration</h2>
<p class="caption">Devices moved from <code>${escapeHtml(m.from)}</code> to <code>${escapeHtml(m.to)}</code> in ${fmtInt(m.cohorts.length)} cohort(s); the clusters ${m.bridged ? 'were' : 'were not'} bridged. Gap: from DISCONNECT on the old endpoint to CONNACK on the new one. Stranded: moved but not connected to the new endpoint by the end of the run. The connections chart above marks each cut-over (C1, C2, …).</p>
${table}
${renderCost(result)}</section>`;
}

/** Loss and duplicates are counted per run, not per cohort: they are this run's totals. */
function renderCost(result: Result): string {
  const msg = result.summary.messages;
  const skipped = msg.skipped ?? 0;
  const li = (bad: boolean) => (bad ? '<li class="bad">' : '<li>');
  const items = [
    `${li(msg.lost > 0)}${fmtInt(msg.lost)} message(s) lost (${escapeHtml(fmtPercent(msg.lossRate))} of ${fmtInt(msg.expected)} expected)</li>`,
    `${li(msg.duplicated > 0)}${fmtInt(msg.duplicated)} duplicated, ${fmtInt(msg.outOfOrder)} out of order</li>`,
    `<li>${fmtInt(skipped)} scheduled send(s) skipped while devices were offline</li>`,
  ];
  return `<h3>Messages across the cut-over (whole run)</h3>
<ul class="migration-cost" data-testid="migration-messages">${items.join('')}</ul>`;
}
