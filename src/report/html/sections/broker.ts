// "Broker-side view": the broker's own counts beside fleetstorm's (published vs received by the
// broker, lost vs dropped by the broker), where each came from, and the chart over time. Left
// out when the run had no broker monitor.

import type { BrokerHighlights } from '../../../result/broker-side.ts';
import type { Result } from '../../../result/types.ts';
import type { ChartSpec } from '../charts/chart-spec.ts';
import { escapeHtml } from '../escape.ts';
import { fmtInt, fmtNumber, fmtRate } from '../format.ts';

interface Row {
  label: string;
  fleetstorm: string;
  broker: string;
  note?: string;
  bad?: boolean;
}

const or = (v: number | undefined, f: (n: number) => string) => (v === undefined ? '–' : f(v));

function rows(result: Result, h: BrokerHighlights): Row[] {
  const s = result.summary;
  return [
    {
      label: 'clients connected (peak)',
      fleetstorm: fmtInt(s.connections.peakConcurrent),
      broker: or(h.connected, fmtInt),
      note: h.monitorClients ? `broker figure includes ${h.monitorClients} monitor connection(s)` : undefined,
    },
    {
      label: 'messages in: fleetstorm published · broker received',
      fleetstorm: fmtInt(s.messages.published),
      broker: or(h.messagesReceived, fmtInt),
      note: 'PUBLISH packets over the whole run',
      bad: h.messagesReceived !== undefined && h.messagesReceived < s.messages.acked,
    },
    { label: 'rate in (steady state)', fleetstorm: fmtRate(s.throughput.publishedPerSec), broker: or(h.messagesReceivedPerSec, fmtRate) },
    {
      label: 'messages out: fleetstorm received · broker sent',
      fleetstorm: fmtInt(s.messages.received),
      broker: or(h.messagesSent, fmtInt),
      note: 'broker figure includes the $SYS messages sent to the monitor',
    },
    { label: 'rate out (steady state)', fleetstorm: fmtRate(s.throughput.receivedPerSec), broker: or(h.messagesSentPerSec, fmtRate) },
    {
      label: 'fleetstorm lost · broker dropped',
      fleetstorm: fmtInt(s.messages.lost),
      broker: or(h.dropped, fmtInt),
      bad: (h.dropped ?? 0) > 0 || s.messages.lost > 0,
    },
    { label: 'broker heap (peak)', fleetstorm: '', broker: or(h.heapBytes, (b) => `${fmtNumber(b / 1048576)} MiB`) },
    { label: 'broker CPU (steady state)', fleetstorm: '', broker: or(h.cpu, (c) => `${fmtNumber(c)} cores`) },
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
    .filter((r) => r.broker !== '–' || r.fleetstorm !== '')
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
