// Plain-text tables for the console: threshold gates, and the table helpers compare-view.ts uses.

import type { ThresholdResult } from '../result/types.ts';

/** Left-aligned columns separated by two spaces; first row is the header. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** Up to 3 decimals, no trailing zeros, thousands kept plain for copy-paste. */
export function formatNumber(x: number | null): string {
  if (x === null) return '-';
  return String(Math.round(x * 1000) / 1000);
}

export function formatThresholdTable(results: readonly ThresholdResult[]): string {
  if (results.length === 0) return 'no thresholds';
  const rows = results.map((r) => [r.ok ? 'PASS' : 'FAIL', r.expr + implicitNote(r), r.value === null ? 'no data' : formatNumber(r.value)]);
  return textTable([['', 'threshold', 'value'], ...rows]);
}

/** " (implicit)" for a gate the scenario did not write (connections.failed == 0), else "". */
export function implicitNote(r: Pick<ThresholdResult, 'implicit'>): string {
  return r.implicit ? ' (implicit)' : '';
}
