// One row per client group: where the load came from and how each kind of device fared.

import type { Result, Summary } from '../../../result/types.ts';
import { escapeHtml } from '../escape.ts';
import { fmtInt, fmtNumber, fmtPercent } from '../format.ts';

function latencyCell(l: Summary['latencyMs']['connect']): string {
  return l.count > 0 ? `${fmtNumber(l.p50)} / ${fmtNumber(l.p99)}` : '–';
}

function row(name: string, s: Summary, cls = ''): string {
  const errors = Object.values(s.errors).reduce((a, b) => a + b, 0);
  const cells = [
    `<th scope="row">${escapeHtml(name)}</th>`,
    `<td class="num">${fmtInt(s.connections.succeeded)} / ${fmtInt(s.connections.attempted)}</td>`,
    `<td class="num${s.connections.failed > 0 ? ' bad' : ''}">${fmtInt(s.connections.failed)}</td>`,
    `<td class="num">${fmtInt(s.messages.published)}</td>`,
    `<td class="num">${fmtInt(s.messages.received)}</td>`,
    `<td class="num${s.messages.lost > 0 ? ' bad' : ''}">${fmtInt(s.messages.lost)} (${fmtPercent(s.messages.lossRate)})</td>`,
    `<td class="num${s.messages.duplicated > 0 ? ' bad' : ''}">${fmtInt(s.messages.duplicated)}</td>`,
    `<td class="num">${escapeHtml(latencyCell(s.latencyMs.connect))}</td>`,
    `<td class="num">${escapeHtml(latencyCell(s.latencyMs.publishAck))}</td>`,
    `<td class="num">${escapeHtml(latencyCell(s.latencyMs.endToEnd))}</td>`,
    `<td class="num${errors > 0 ? ' bad' : ''}">${fmtInt(errors)}</td>`,
  ];
  return `<tr${cls ? ` class="${cls}"` : ''}>${cells.join('')}</tr>`;
}

export function renderGroups(result: Result): string {
  const names = Object.keys(result.groups);
  if (names.length === 0) return '';
  const body = names.map((n) => row(n, result.groups[n]!)).join('\n');
  return `<section id="groups"><h2>Groups</h2>
<div class="table-scroll"><table data-testid="groups"><thead><tr><th>group</th><th class="num">connected<br>/ attempted</th><th class="num">failed</th><th class="num">published</th><th class="num">received</th><th class="num">lost</th><th class="num">duplicated</th><th class="num">connect ms<br>p50 / p99</th><th class="num">pub ack ms<br>p50 / p99</th><th class="num">end to end ms<br>p50 / p99</th><th class="num">errors</th></tr></thead>
<tbody>
${body}
</tbody>
<tfoot>${row('all groups', result.summary, 'total')}</tfoot></table></div></section>`;
}
