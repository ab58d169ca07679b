// The capacity section of a report written by `fleetstorm capacity`: the finding in plain words,
// the step chart, the recommended monitoring thresholds and every step's figures. Renders
// nothing when the run was not a capacity search; a value of another shape (a capacity.json
// from a later schema) is shown as data so nothing is hidden.

import { isCapacityReport, type CapacityReport, type CapacityStep, type Recommendations } from '../../../result/capacity.ts';
import { capacityChart } from '../charts/capacity-chart.ts';
import { stringify } from 'yaml';
import { escapeHtml } from '../escape.ts';
import { fmtFraction, fmtInt, fmtMs, fmtNumber, fmtPercent, fmtRate } from '../format.ts';

export function renderCapacitySection(capacity: unknown): string {
  if (capacity === undefined || capacity === null) return '';
  if (!isCapacityReport(capacity)) return renderAsData(capacity);
  const report = capacity;
  const spec = capacityChart(report);
  const shown = report.lastGood ?? report.steps[report.steps.length - 1];
  const chart = spec
    ? `<p class="caption">${escapeHtml(spec.caption)}</p>
<div class="chart-box"><canvas id="${escapeHtml(spec.id)}" role="img" aria-label="${escapeHtml(spec.title)}"></canvas></div>`
    : '<p class="muted">No step ran to its end.</p>';
  const statement = report.statement
    .map((line, i) => `<li>${i === 0 && report.lastGood ? `<strong>${escapeHtml(line)}</strong>` : escapeHtml(line)}</li>`)
    .join('');
  return `<section id="capacity" data-testid="capacity"><h2>Capacity</h2>
<ul class="capacity-statement" data-testid="capacity-statement">${statement}</ul>
${chart}
${renderRecommendations(report.recommendations)}
${renderSteps(report)}
<p class="muted">Search: vary ${escapeHtml(report.spec.vary)}, factor ${fmtFraction(report.spec.start)} + ${fmtFraction(report.spec.step)} per step, up to ${report.spec.maxSteps} steps, each held ${fmtMs(report.spec.holdMs)}; knee at elasticity ≥ ${fmtNumber(report.spec.knee)}${report.spec.defaults ? ' (defaults: the scenario has no capacity section)' : ''}.${shown ? ` The rest of this report shows step ${shown.k + 1} (factor ${fmtFraction(shown.factor)})${report.lastGood ? ', the last good step' : ''}.` : ''}</p>
</section>`;
}

function renderRecommendations(rec: Recommendations | null): string {
  if (!rec) return '';
  const row = (what: string, warn: string, page: string, basis: string) =>
    `<tr><th>${escapeHtml(what)}</th><td class="num">${escapeHtml(warn)}</td><td class="num">${escapeHtml(page)}</td><td>${escapeHtml(basis)}</td></tr>`;
  const share = `${fmtNumber(rec.warnAt * 100)} % / ${fmtNumber(rec.pageAt * 100)} % of capacity`;
  const rows = [
    row('connections', fmtInt(rec.connections.warn), fmtInt(rec.connections.page), share),
    row('msg/s published', fmtRate(rec.publishedPerSec.warn), fmtRate(rec.publishedPerSec.page), share),
    row('msg/s received', fmtRate(rec.receivedPerSec.warn), fmtRate(rec.receivedPerSec.page), share),
  ];
  if (rec.p99) {
    const p = rec.p99;
    const basis = `latency measured at load factor ${fmtFraction(p.warnAtFactor)} / ${fmtFraction(p.pageAtFactor)} (${p.warnMethod}${p.pageMethod !== p.warnMethod ? ` / ${p.pageMethod}` : ''})`;
    rows.push(row(p.metric === 'endToEnd.p99' ? 'e2e p99' : 'connect p99', fmtMs(p.warnMs), fmtMs(p.pageMs), basis));
  }
  return `<h3>Recommended monitoring thresholds</h3>
<div class="table-scroll"><table class="compact" data-testid="capacity-recommendations"><thead><tr><th>metric</th><th class="num">warn at</th><th class="num">page at</th><th>basis</th></tr></thead>
<tbody>${rows.join('')}</tbody></table></div>`;
}

function stepStatus(s: CapacityStep, report: CapacityReport): string {
  if (s.interrupted) return 'interrupted';
  const tags = [s.ok ? 'good' : 'BAD'];
  if (report.lastGood?.k === s.k) tags.push('last good');
  if (report.knee?.k === s.k) tags.push('knee');
  return tags.join(' · ');
}

function problems(s: CapacityStep): string {
  const failed = s.thresholds.filter((t) => !t.ok).map((t) => t.expr);
  const errors = Object.entries(s.errors)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${fmtInt(n)} × ${reason}`);
  return [...failed, ...errors].join('; ');
}

function renderSteps(report: CapacityReport): string {
  const rows = report.steps.map((s) => {
    const cls = s.interrupted ? '' : s.ok ? ' class="row-pass"' : ' class="row-fail"';
    return `<tr${cls}><td class="num">${s.k + 1}</td><td class="num">×${fmtFraction(s.factor)}</td><td class="num">${fmtInt(s.clients)}</td><td class="num">${fmtInt(s.connections)}</td>
<td class="num">${fmtRate(s.publishedPerSec)}</td><td class="num">${fmtRate(s.receivedPerSec)}</td><td class="num">${s.connectSamples ? fmtMs(s.connectP99Ms) : '–'}</td>
<td class="num">${s.endToEndSamples ? fmtMs(s.endToEndP99Ms) : '–'}</td><td class="num">${fmtPercent(s.lossRate)}</td><td class="status">${escapeHtml(stepStatus(s, report))}</td><td>${escapeHtml(problems(s))}</td></tr>`;
  });
  return `<h3>Steps</h3>
<div class="table-scroll"><table data-testid="capacity-steps"><thead><tr><th class="num">step</th><th class="num">factor</th><th class="num">clients</th><th class="num">connected</th><th class="num">published</th><th class="num">received</th><th class="num">connect p99</th><th class="num">e2e p99</th><th class="num">loss</th><th>verdict</th><th>what failed</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
}

function renderAsData(value: unknown): string {
  return `<section id="capacity" data-testid="capacity"><h2>Capacity</h2>
<pre class="scenario">${escapeHtml(stringify(value, { lineWidth: 0 }))}</pre></section>`;
}
