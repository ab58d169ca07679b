// One chart: title, canvas (drawn by the page script from the inlined spec), caption.

import type { ChartSpec } from '../charts/chart-spec.ts';
import { escapeHtml } from '../escape.ts';

/** `extraHtml` (already escaped) goes below the chart, e.g. a table of totals. */
export function renderChart(spec: ChartSpec | null, fallbackTitle: string, emptyText: string, extraHtml = ''): string {
  if (!spec) {
    return `<section class="chart-section"><h2>${escapeHtml(fallbackTitle)}</h2><p class="muted">${escapeHtml(emptyText)}</p>${extraHtml}</section>`;
  }
  return `<section class="chart-section" id="${escapeHtml(spec.id)}-section"><h2>${escapeHtml(spec.title)}</h2>
<p class="caption">${escapeHtml(spec.caption)}</p>
<div class="chart-box"><canvas id="${escapeHtml(spec.id)}" role="img" aria-label="${escapeHtml(spec.title)}"></canvas></div>${extraHtml}</section>`;
}
