// Markdown for a CI job page (GitHub's $GITHUB_STEP_SUMMARY): the verdict, the gates and the
// key figures in tables, what broke first, and links to the charts.

import { appendFileSync } from 'node:fs';
import type { CompareRowsLike } from '../result/compare-like.ts';
import { fmtInt, fmtMetricValue, fmtMs, fmtPercent, fmtRate, splitThresholdExpr } from './html/format.ts';
import { generatorBound } from '../metrics/host-health-series.ts';
import { computeVerdict, describeBrokeFirst, whatBrokeFirst } from './html/verdict.ts';
import type { Result } from '../result/types.ts';
import { implicitNote } from '../gate/format.ts';

export interface StepSummaryOptions {
  /** URLs or relative paths of the PNG charts / HTML report, linked at the end. */
  chartLinks?: string[];
  compareRows?: CompareRowsLike;
}

/** Text safe inside a Markdown table cell: no pipes or newlines, no HTML or link syntax. */
export function mdCell(value: unknown): string {
  return String(value ?? '')
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]|<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));
}

/** Header labels starting with a space are right-aligned numeric columns. */
function table(header: string[], rows: string[][]): string {
  const lines = [
    `| ${header.map((h) => h.trim()).join(' | ')} |`,
    `| ${header.map((h) => (h.startsWith(' ') ? '---:' : '---')).join(' | ')} |`,
  ];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

export function renderStepSummary(result: Result, opts: StepSummaryOptions = {}): string {
  const verdict = computeVerdict(result, opts.compareRows);
  const icon = verdict.kind === 'pass' ? '✅' : verdict.kind === 'fail' ? '❌' : 'ℹ️';
  const s = result.summary;
  const out: string[] = [`## ${icon} fleetstorm: ${mdCell(result.scenario.name)} — ${verdict.label}`, ''];
  if (result.interrupted) out.push('> ⚠️ **Interrupted run**: the figures cover only what was measured before it was stopped.', '');
  if (verdict.incompleteHosts.length > 0) {
    out.push(
      `> ⚠️ **Incomplete**: load host(s) ${verdict.incompleteHosts.map(mdCell).join(', ')} were lost; their share of the figures is missing.`,
      '',
    );
  }

  if (result.thresholds.length > 0) {
    const rows = result.thresholds.map((t) => {
      const { metric, condition } = splitThresholdExpr(t.expr);
      return [
        `\`${mdCell(metric)}\`${implicitNote(t)}`,
        mdCell(condition),
        mdCell(fmtMetricValue(metric, t.value)),
        t.ok ? '✅ pass' : '❌ **FAIL**',
      ];
    });
    out.push('### Thresholds', '', table(['metric', 'expected', ' measured', 'result'], rows), '');
  } else {
    out.push('No thresholds were set.', '');
  }

  if (opts.compareRows) {
    const c = opts.compareRows;
    const rows = c.rows.map((r) => [
      `\`${mdCell(r.metric)}\``,
      mdCell(fmtMetricValue(r.metric, r.baseline)),
      mdCell(fmtMetricValue(r.metric, r.current)),
      r.change === undefined || r.change === null ? '–' : mdCell(`${r.change > 0 ? '+' : ''}${fmtPercent(r.change)}`),
      r.ok ? '✅' : '❌ **regression**',
    ]);
    out.push(`### Baseline${c.baseline ? ` (${mdCell(c.baseline)})` : ''}: ${c.ok ? 'no regression' : '**REGRESSION**'}`, '');
    out.push(table(['metric', ' baseline', ' this run', ' change', 'result'], rows), '');
  }

  const errors = Object.values(s.errors).reduce((a, b) => a + b, 0);
  out.push(
    '### Key figures',
    '',
    table(
      ['devices connected', 'peak concurrent', 'published', 'received', 'e2e p99', 'connect p99', 'lost', 'duplicated', 'errors'],
      [
        [
          `${fmtInt(s.connections.succeeded)} / ${fmtInt(s.connections.attempted)}`,
          fmtInt(s.connections.peakConcurrent),
          fmtRate(s.throughput.publishedPerSec),
          fmtRate(s.throughput.receivedPerSec),
          s.latencyMs.endToEnd.count > 0 ? fmtMs(s.latencyMs.endToEnd.p99) : '–',
          s.latencyMs.connect.count > 0 ? fmtMs(s.latencyMs.connect.p99) : '–',
          `${fmtInt(s.messages.lost)} (${fmtPercent(s.messages.lossRate)})`,
          fmtInt(s.messages.duplicated),
          fmtInt(errors),
        ],
      ],
    ),
    '',
  );

  out.push('### What broke first', '', ...brokeFirstLines(result), '');

  if (opts.chartLinks && opts.chartLinks.length > 0) {
    out.push(
      '### Charts',
      '',
      ...opts.chartLinks.map(
        (link) =>
          `- [${mdCell(link.split(/[\\/]/).pop() ?? link)}](${encodeURI(link).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)})`,
      ),
      '',
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * Appends to the file named by GITHUB_STEP_SUMMARY; returns false (and writes nothing) when the
 * variable is unset, i.e. outside GitHub Actions.
 */
export function appendStepSummary(md: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, md.endsWith('\n') ? md : `${md}\n`);
  return true;
}

/** What broke first, a bullet each, and the generator-bound line when a load host was the limit. */
function brokeFirstLines(result: Result): string[] {
  const bound = generatorBound(result.health);
  return [...describeBrokeFirst(whatBrokeFirst(result)), ...(bound ? [bound] : [])].map((l) => `- ${mdCell(l)}`);
}
