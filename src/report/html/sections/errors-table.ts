// Totals by error reason, next to the errors-over-time chart.

import type { Result } from '../../../result/types.ts';
import { escapeHtml } from '../escape.ts';
import { fmtInt } from '../format.ts';

export function renderErrorTotals(result: Result): string {
  const entries = Object.entries(result.summary.errors)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '';
  const firstSeen = new Map<string, number>();
  for (const p of result.timeline) {
    for (const [reason, n] of Object.entries(p.errors)) if (n > 0 && !firstSeen.has(reason)) firstSeen.set(reason, p.t);
  }
  const rows = entries
    .map(
      ([reason, n]) =>
        `<tr><td><code>${escapeHtml(reason)}</code></td><td class="num">${fmtInt(n)}</td><td class="num">${firstSeen.has(reason) ? `${firstSeen.get(reason)} s` : '–'}</td></tr>`,
    )
    .join('\n');
  return `<table class="compact" data-testid="error-totals"><thead><tr><th>reason</th><th class="num">count</th><th class="num">first seen</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}
