// One capacity step's figures, read from its merged result, and the rule that judges it:
// a step is good when every threshold passed and no error of any kind appeared (connection
// refusals, timeouts, subscription failures are all counted by reason in summary.errors).

import type { Result } from '../result/types.ts';
import type { BrokeFirst, CapacityStep } from '../result/capacity.ts';

export function stepFromResult(k: number, factor: number, clients: number, result: Result): CapacityStep {
  const s = result.summary;
  const errors = { ...s.errors };
  const thresholds = result.thresholds.map((t) => ({ ...t }));
  return {
    k,
    factor,
    clients,
    connections: s.connections.peakConcurrent,
    publishedPerSec: s.throughput.publishedPerSec,
    receivedPerSec: s.throughput.receivedPerSec,
    connectP99Ms: s.latencyMs.connect.p99,
    endToEndP99Ms: s.latencyMs.endToEnd.p99,
    connectSamples: s.latencyMs.connect.count,
    endToEndSamples: s.latencyMs.endToEnd.count,
    lossRate: s.messages.lossRate,
    errors,
    thresholds,
    ok: isGoodStep({ errors, thresholds, interrupted: result.interrupted }) && !result.aborted,
    interrupted: result.interrupted,
  };
}

export function isGoodStep(step: Pick<CapacityStep, 'errors' | 'thresholds' | 'interrupted'>): boolean {
  if (step.interrupted) return false;
  if (step.thresholds.some((t) => !t.ok)) return false;
  return Object.values(step.errors).every((n) => n === 0);
}

/** The reason with the most errors (ties: alphabetical, so the answer is stable); null if none. */
export function dominantError(errors: Record<string, number>): { reason: string; count: number; total: number } | null {
  let best: { reason: string; count: number } | null = null;
  let total = 0;
  for (const reason of Object.keys(errors).sort()) {
    const count = errors[reason]!;
    total += count;
    if (count > 0 && (!best || count > best.count)) best = { reason, count };
  }
  return best ? { ...best, total } : null;
}

/**
 * What broke a bad step: its first failing threshold in scenario order, else its dominant error.
 * The implicit connections.failed gate comes last: the errors behind it (refused, timed out) say more.
 */
export function brokeFirstAt(step: CapacityStep): BrokeFirst | null {
  const failed = step.thresholds.find((t) => !t.ok && !t.implicit);
  if (failed) return { kind: 'threshold', expr: failed.expr, value: failed.value };
  const dominant = dominantError(step.errors);
  if (dominant) return { kind: 'errors', ...dominant };
  const implicit = step.thresholds.find((t) => !t.ok);
  return implicit ? { kind: 'threshold', expr: implicit.expr, value: implicit.value } : null;
}
