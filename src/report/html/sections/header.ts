// Top of the page: what ran, when, and the verdict — readable without scrolling.

import { generatorBound } from '../../../metrics/host-health-series.ts';
import type { Result } from '../../../result/types.ts';
import { escapeHtml } from '../escape.ts';
import { fmtDuration } from '../format.ts';
import type { BrokeFirst, Verdict } from '../verdict.ts';
import { describeBrokeFirst, verdictReason } from '../verdict.ts';

export function renderHeader(result: Result, verdict: Verdict, brokeFirst: BrokeFirst): string {
  const { run, scenario } = result;
  const meta: Array<[string, string]> = [
    ['started', run.startedAt],
    ['duration', fmtDuration(run.durationMs)],
    ['brokers', run.brokers.join(', ') || '–'],
    ...(run.brokerVersion ? [['broker version', run.brokerVersion] as [string, string]] : []),
    ['fleetstorm', `${run.version} on Node ${run.node}${run.generatorHost ? ` (${run.generatorHost})` : ''}`],
    ['scenario sha256', scenario.sha256.slice(0, 16)],
  ];
  const warnings: string[] = [];
  if (verdict.interrupted) {
    warnings.push(
      `<p class="banner warn" data-testid="interrupted">Interrupted run: the figures cover only the ${escapeHtml(fmtDuration(run.durationMs))} measured before it was stopped.</p>`,
    );
  }
  if (verdict.abortedBy) {
    warnings.push(
      `<p class="banner warn" data-testid="aborted">Aborted: <code>${escapeHtml(verdict.abortedBy)}</code> failed on the live figures (abortOnFail), so the run stopped early.</p>`,
    );
  }
  if (verdict.incompleteHosts.length > 0) {
    warnings.push(
      `<p class="banner warn">Incomplete: ${verdict.incompleteHosts.length} load host(s) were lost during the run (${escapeHtml(verdict.incompleteHosts.join(', '))}); their share of the figures is missing.</p>`,
    );
  }
  const bound = generatorBound(result.health);
  if (bound) warnings.push(`<p class="banner warn" data-testid="generator-bound">${escapeHtml(bound)}</p>`);
  const why = verdictReason(verdict);
  const broke = describeBrokeFirst(brokeFirst)
    .map((line) => `<li>${escapeHtml(line)}</li>`)
    .join('');
  return `<header class="page-header">
  <div class="title-row">
    <div>
      <p class="kicker">fleetstorm load test report</p>
      <h1>${escapeHtml(scenario.name)}</h1>
      ${scenario.description ? `<p class="description">${escapeHtml(scenario.description)}</p>` : ''}
    </div>
    <div class="verdict verdict-${verdict.kind}" data-testid="verdict"><span>${verdict.label}</span><small>${escapeHtml(why)}</small></div>
  </div>
  <dl class="meta">${meta.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>
  ${warnings.join('\n  ')}
  <div class="broke-first" data-testid="broke-first"><h2>What broke first</h2><ul>${broke}</ul></div>
</header>`;
}
