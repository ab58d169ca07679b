// The gates: every threshold with expected vs measured, and the baseline comparison if given.

import type { Result } from '../../../result/types.ts';
import type { CompareRowsLike } from '../../../result/compare-like.ts';
import { escapeHtml } from '../escape.ts';
import { fmtMetricValue, fmtPercent, splitThresholdExpr } from '../format.ts';

function status(ok: boolean): string {
  return `<td class="status ${ok ? 'pass' : 'fail'}">${ok ? 'pass' : 'FAIL'}</td>`;
}

export function renderThresholds(result: Result): string {
  if (result.thresholds.length === 0) {
    return `<section id="thresholds"><h2>Thresholds</h2><p class="muted">No thresholds were set for this run.</p></section>`;
  }
  const rows = result.thresholds
    .map((t) => {
      const { metric, condition } = splitThresholdExpr(t.expr);
      const implicit = t.implicit ? ' <span class="muted" data-testid="implicit">(implicit)</span>' : '';
      return `<tr class="${t.ok ? 'row-pass' : 'row-fail'}"><td><code>${escapeHtml(metric)}</code>${implicit}</td><td><code>${escapeHtml(condition)}</code></td><td class="num">${escapeHtml(fmtMetricValue(metric, t.value))}</td>${status(t.ok)}</tr>`;
    })
    .join('\n');
  return `<section id="thresholds"><h2>Thresholds</h2>
<table class="gates" data-testid="thresholds"><thead><tr><th>metric</th><th>expected</th><th class="num">measured</th><th>result</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}

export function renderBaseline(baseline: CompareRowsLike | undefined): string {
  if (!baseline) return '';
  const rows = baseline.rows
    .map((r) => {
      const change = r.change === undefined || r.change === null ? '–' : `${r.change > 0 ? '+' : ''}${fmtPercent(r.change)}`;
      return `<tr class="${r.ok ? 'row-pass' : 'row-fail'}"><td><code>${escapeHtml(r.metric)}</code></td><td class="num">${escapeHtml(fmtMetricValue(r.metric, r.baseline))}</td><td class="num">${escapeHtml(fmtMetricValue(r.metric, r.current))}</td><td class="num">${escapeHtml(change)}</td><td>${escapeHtml(r.tolerance ?? '')}</td>${status(r.ok)}<td>${escapeHtml(r.note ?? '')}</td></tr>`;
    })
    .join('\n');
  const source = baseline.baseline ? ` against <code>${escapeHtml(baseline.baseline)}</code>` : '';
  return `<section id="baseline"><h2>Baseline comparison${source}: <span class="${baseline.ok ? 'pass' : 'fail'}">${baseline.ok ? 'no regression' : 'REGRESSION'}</span></h2>
<table class="gates" data-testid="baseline"><thead><tr><th>metric</th><th class="num">baseline</th><th class="num">this run</th><th class="num">change</th><th>allowed</th><th>result</th><th>note</th></tr></thead>
<tbody>
${rows}
</tbody></table></section>`;
}
