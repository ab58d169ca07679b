// A Comparison as people read it: the console table (with units), the header saying what each
// side ran, and the rows the HTML report and step summary show.

import type { CompareRowsLike } from '../result/compare-like.ts';
import { brokerOf, type Comparable } from './baseline.ts';
import type { CompareRow, Comparison, Verdict } from './compare.ts';
import { formatNumber, textTable } from './format.ts';

export function comparisonForReport(c: Comparison, baselineFile: string): CompareRowsLike {
  return {
    ok: c.verdict === 'ok',
    baseline: baselineFile,
    rows: c.rows.map((r) => ({
      metric: r.metric,
      baseline: r.baseline,
      current: r.current,
      change: r.deltaPct === null ? null : r.deltaPct / 100,
      tolerance: `${r.tolerancePct}%`,
      ok: r.verdict !== 'regression',
      note: r.verdict,
    })),
  };
}

const VERDICT_LABEL: Record<Verdict, string> = { ok: 'ok', better: 'BETTER', regression: 'REGRESSION', 'no-data': 'no data' };

function formatDelta(pct: number | null): string {
  if (pct === null) return '-';
  const r = Math.round(pct * 10) / 10;
  return `${r > 0 ? '+' : ''}${r}%`;
}

export function formatCompareTable(rows: readonly CompareRow[]): string {
  const body = rows.map((r) => [
    r.metric,
    r.unit,
    formatNumber(r.baseline),
    formatNumber(r.current),
    formatDelta(r.deltaPct),
    `±${r.tolerancePct}%`,
    VERDICT_LABEL[r.verdict],
  ]);
  return textTable([['metric', 'unit', 'baseline', 'current', 'delta', 'tolerance', 'verdict'], ...body]);
}

/** Two lines: what each side is, which scenario it ran and against which broker. */
export function formatSides(baseline: Comparable, current: Comparable): string {
  const line = (label: string, side: Comparable) =>
    `${label} ${side.file} (${side.kind}): scenario ${side.scenario.name}, broker ${brokerOf(side)}`;
  return `${line('baseline:', baseline)}\n${line('current: ', current)}`;
}
