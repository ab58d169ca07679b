// A Comparison as the report and step summary show it.

import type { CompareRowsLike } from '../result/compare-like.ts';
import type { Comparison } from './compare.ts';

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
