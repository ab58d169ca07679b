// What a reader needs first: did the run pass, and if not, what broke first. Shared by the HTML
// report and the step summary so both say the same thing.

import type { Result } from '../../result/types.ts';
import type { CompareRowsLike } from '../../result/compare-like.ts';
import { fmtInt, fmtMetricValue, splitThresholdExpr } from './format.ts';

export type VerdictKind = 'pass' | 'fail' | 'no-gates';

export interface Verdict {
  kind: VerdictKind;
  /** "PASSED", "FAILED" or "NO GATES" */
  label: string;
  failedThresholds: number;
  baselineFailed: boolean;
  interrupted: boolean;
  incompleteHosts: string[];
  /** Clients that never connected (a pass with some is stated, never "every gate passed"). */
  connectFailed: number;
  /** The abortOnFail gate that stopped the run. */
  abortedBy?: string;
}

export function computeVerdict(result: Result, baseline?: CompareRowsLike): Verdict {
  const failedThresholds = result.thresholds.filter((t) => !t.ok).length;
  const baselineFailed = baseline ? !baseline.ok : false;
  const gated = result.thresholds.length > 0 || baseline !== undefined;
  const incompleteHosts = result.run.hosts.filter((h) => !h.complete).map((h) => h.id);
  // A missing shard or an abort is a failed run whatever its gates say.
  const failed = failedThresholds > 0 || baselineFailed || incompleteHosts.length > 0 || result.aborted !== undefined;
  const kind: VerdictKind = failed ? 'fail' : gated ? 'pass' : 'no-gates';
  return {
    kind,
    label: kind === 'pass' ? 'PASSED' : kind === 'fail' ? 'FAILED' : 'NO GATES',
    failedThresholds,
    baselineFailed,
    interrupted: result.interrupted,
    incompleteHosts,
    connectFailed: result.summary.connections.failed,
    ...(result.aborted ? { abortedBy: result.aborted.threshold } : {}),
  };
}

/** Why the badge says what it says, e.g. "1 threshold(s) failed, 2 shard(s) missing". */
export function verdictReason(v: Verdict): string {
  const notes = [
    v.abortedBy ? `aborted by ${v.abortedBy}` : '',
    v.failedThresholds > 0 ? `${v.failedThresholds} threshold(s) failed` : '',
    v.baselineFailed ? 'baseline comparison failed' : '',
    v.incompleteHosts.length > 0 ? `${v.incompleteHosts.length} shard(s) missing` : '',
  ].filter(Boolean);
  if (v.kind === 'fail') return notes.join(', ');
  const unconnected = v.connectFailed > 0 ? `${fmtInt(v.connectFailed)} client(s) never connected` : '';
  if (v.kind === 'no-gates') return ['no thresholds or baseline were set', unconnected].filter(Boolean).join('; ');
  return unconnected ? `gates passed, but ${unconnected}` : 'every gate passed';
}

export interface BrokeFirst {
  /** The first threshold (in the scenario's order) that failed, with its measured value. */
  threshold?: { expr: string; actual: string };
  /** The first second with any error, and its reasons by count. */
  errors?: { t: number; reasons: Array<[string, number]> };
  /** The first second where messages were counted lost. */
  loss?: { t: number; lost: number };
}

export function whatBrokeFirst(result: Result): BrokeFirst {
  const out: BrokeFirst = {};
  const failed = result.thresholds.find((t) => !t.ok);
  if (failed) {
    out.threshold = { expr: failed.expr, actual: fmtMetricValue(splitThresholdExpr(failed.expr).metric, failed.value) };
  }
  const firstErr = result.timeline.find((p) => Object.values(p.errors).some((n) => n > 0));
  if (firstErr) {
    const reasons = Object.entries(firstErr.errors)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    out.errors = { t: firstErr.t, reasons };
  }
  const firstLoss = result.timeline.find((p) => p.lost > 0);
  if (firstLoss) out.loss = { t: firstLoss.t, lost: firstLoss.lost };
  return out;
}

/** One plain-text sentence per finding, in the order a capacity planner asks about them. */
export function describeBrokeFirst(b: BrokeFirst): string[] {
  const lines: string[] = [];
  if (b.threshold) lines.push(`Threshold ${b.threshold.expr} failed (measured ${b.threshold.actual}).`);
  if (b.errors) {
    const reasons = b.errors.reasons.map(([r, n]) => `${r} ×${fmtInt(n)}`).join(', ');
    lines.push(`First errors at ${b.errors.t} s: ${reasons}.`);
  }
  if (b.loss) lines.push(`Loss first appeared at ${b.loss.t} s (${fmtInt(b.loss.lost)} messages lost in that second).`);
  if (lines.length === 0) lines.push('Nothing broke: no failed threshold, no errors, no lost messages.');
  return lines;
}
