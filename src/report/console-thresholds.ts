// The threshold table of the console summary with a unit on every value, limit and measurement
// alike: `latency.endToEnd.p99 < 50 ms`, `throughput.publishedPerSec ≥ 990 msg/s`,
// `messages.lost == 0 msgs`. The gate re-reads each expression the way it parsed it before the
// run, so the unit shown is the one the comparison used.

import { textTable } from '../gate/format.ts';
import type { MetricKind } from '../gate/metric-path.ts';
import { parseThreshold } from '../gate/threshold.ts';
import type { ThresholdResult } from '../result/types.ts';
import { fmtNumber, splitThresholdExpr } from './html/format.ts';

const OPERATORS: Record<string, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '==', '!=': '≠' };

/** The unit a count is counted in, from its path (`messages.lost` → msgs). */
function countUnit(path: string, n: number): string {
  const one = n === 1;
  if (path.startsWith('messages.')) return one ? 'msg' : 'msgs';
  if (path.startsWith('connections.')) return one ? 'connection' : 'connections';
  if (path.startsWith('errors.')) return one ? 'error' : 'errors';
  return '';
}

/** A value in the metric's own unit, with that unit: ms, msg/s, % or a counted noun. */
export function withUnit(kind: MetricKind, path: string, value: number): string {
  switch (kind) {
    case 'latency':
      return `${fmtNumber(value)} ms`;
    case 'rate':
      return `${fmtNumber(value)} msg/s`;
    case 'ratio':
      return `${fmtNumber(value * 100)} %`;
    case 'count': {
      const unit = countUnit(path, value);
      return unit ? `${fmtNumber(value)} ${unit}` : fmtNumber(value);
    }
  }
}

/** `key op limit unit` and the measured value with its unit; the expression as written when it cannot be re-read. */
export function thresholdWithUnits(r: ThresholdResult, groupNames: readonly string[]): { expr: string; value: string } {
  const { metric, condition } = splitThresholdExpr(r.expr);
  const parsed = parseThreshold(metric, condition, groupNames);
  if ('message' in parsed) return { expr: r.expr, value: r.value === null ? 'no data' : fmtNumber(r.value) };
  const { kind, path } = parsed.ref;
  return {
    expr: `${metric} ${OPERATORS[parsed.op]} ${withUnit(kind, path, parsed.limit)}`,
    value: r.value === null ? 'no data' : withUnit(kind, path, r.value),
  };
}

export function formatThresholdsWithUnits(results: readonly ThresholdResult[], groupNames: readonly string[]): string {
  if (results.length === 0) return 'no thresholds';
  const rows = results.map((r) => {
    const shown = thresholdWithUnits(r, groupNames);
    return [r.ok ? 'PASS' : 'FAIL', shown.expr + (r.implicit ? ' (implicit)' : ''), shown.value];
  });
  return textTable([['', 'threshold', 'measured'], ...rows]);
}
