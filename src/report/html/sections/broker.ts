// "Broker-side view": the broker's own counts beside fleetstorm's (published vs received by the
// broker, lost vs dropped by the broker), where each came from, and the chart over time. Left
// out when the run had no broker monitor.

import type { BrokerHighlights } from '../../../result/broker-side.ts';
import type { Result } from '../../../result/types.ts';
import type { ChartSpec } from '../charts/chart-spec.ts';
import { escapeHtml } from '../escape.ts';
import { fmtInt, fmtNumber, fmtRate } from '../format.ts';
import { crossCheck, type CrossRow } from '../../../monitor/cross-check.ts';

function cell(row: CrossRow, n: number | undefined, high?: number): string {
  if (n === undefined) return '–';
  const f = row.kind === 'rate' ? fmtRate : fmtInt;
  return high !== undefined && high !== n ? `${f(n)}–${f(high)}` : f(n);
}

interface Row {
  label: string;
  fleetstorm: string;
  broker: string;
  note?: string;
  bad?: boolean;
}

function rows(result: Result, h: BrokerHighlights): Row[] {
  const compared: Row[] = crossCheck(result).map((r) => ({
    label: r.label,
    fleetstorm: cell(r, r.fleetstorm, r.fleetstormHigh),
    broker: cell(r, r.broker),
    note: r.note,
    bad: r.bad,
  }));
  return [
    ...compared,
    { label: 'broker heap (peak)', fleetstorm: '', broker: h.heapBytes === undefined ? '–' : `${fmtNumber(h.heapBytes / 1048576)} MiB` },
    { label: 'broker CPU (steady state)', fleetstorm: '', broker: h.cpu === undefined ? '–' : `${fmtNumber(h.cpu)} cores` },
  ];
}

function renderSources(result: Result): string {
  const items = result.broker!.sources.map((src) => {
    const n = Object.keys(src.series).length;
    const parts = [
      `<code>${escapeHtml(src.url)}</code> (${src.kind === 'sys' ? '$SYS topics' : 'Prometheus'})`,
      src.version ? escapeHtml(src.version) : '',
      `${fmtInt(n)} series${src.droppedSeries ? `, ${fmtInt(src.droppedSeries)} more left out` : ''}`,
      src.error ? `<span class="bad">${escapeHtml(src.error)}</span>` : '',
    ].filter(Boolean);
    return `<li>${parts.join(' · ')}</li>`;
  });
  return `<ul class="broker-sources" data-testid="broker-sources">${items.join('')}</ul>`;
}

export function renderBrokerSection(result: Result, chart: ChartSpec | null): string {
  if (!result.broker) return '';
  const body = rows(result, result.broker.highlights)
    .filter((r) => r.broker !== '–' || r.fleetstorm !== '' || r.note)
    .map(
      (r) =>
        `<tr${r.bad ? ' class="bad"' : ''}><th scope="row">${escapeHtml(r.label)}</th><td class="num">${escapeHtml(r.fleetstorm)}</td><td class="num">${escapeHtml(r.broker)}</td><td class="muted">${escapeHtml(r.note ?? '')}</td></tr>`,
    )
    .join('\n');
  const table = `<div class="table-scroll"><table data-testid="broker-highlights"><thead><tr><th>figure</th><th class="num">fleetstorm</th><th class="num">broker says</th><th></th></tr></thead>
<tbody>
${body}
</tbody></table></div>`;
  const chartHtml = chart
    ? `<h3>${escapeHtml(chart.title)}</h3>
<p class="caption">${escapeHtml(chart.caption)}</p>
<div class="chart-box"><canvas id="${escapeHtml(chart.id)}" role="img" aria-label="${escapeHtml(chart.title)}"></canvas></div>`
    : '<p class="muted">The broker reported no connection or message counters over time.</p>';
  return `<section id="broker"><h2>Broker-side view</h2>
<p class="caption">What the broker itself reported during the run, beside what fleetstorm counted on the wire.</p>
${table}
${renderSources(result)}
${chartHtml}</section>`;
}
