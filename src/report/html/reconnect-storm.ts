// Finds the reconnect storms in a result: the seconds in which open connections fell after the
// ramp and how long they took to come back, and the connection errors in those seconds. The
// timeline only has per-second totals, so a dip that healed within one second stays invisible;
// then the failed attempts are counted over the whole steady state instead.

import type { Result, TimelinePoint } from '../../result/types.ts';

export interface ConnectionDip {
  /** End of the first second in which connections were seen falling (s since start). */
  fromS: number;
  /** End of the second in which they were back (within 1 %); null: not back by the end. */
  toS: number | null;
  /** Connections open the second before the dip, and the fewest during it. */
  before: number;
  lowest: number;
  /** The biggest net rise in one second while recovering: a floor for the reconnect rate. */
  fastestRecoveryPerSec: number;
}

/**
 * Reasons that can only come from a connection attempt (never from losing an established one),
 * so after the ramp each of them is a failed reconnect. Ambiguous ones (tcp:ECONNRESET) are not.
 */
const ATTEMPT_FAILURE = /^(tcp:(ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL)|connack:|conn:closed-before-connack$)/;

export function isAttemptFailure(reason: string): boolean {
  return ATTEMPT_FAILURE.test(reason);
}

/** Dips deeper than 1 % of the connections open (at least 1), after the ramp and before the drain. */
export function connectionDips(result: Result): ConnectionDip[] {
  const { steadyStartMs, steadyEndMs } = result.run;
  const tl = result.timeline;
  const dips: ConnectionDip[] = [];
  let open: ConnectionDip | null = null;
  for (let i = 1; i < tl.length; i++) {
    const p = tl[i]!;
    const prev = tl[i - 1]!;
    if (open) {
      open.lowest = Math.min(open.lowest, p.connected);
      if (p.connected > prev.connected) open.fastestRecoveryPerSec = Math.max(open.fastestRecoveryPerSec, p.connected - prev.connected);
      if (p.connected >= open.before - tolerance(open.before)) {
        open.toS = p.t;
        dips.push(open);
        open = null;
      }
      continue;
    }
    const afterRamp = steadyStartMs === null || prev.t * 1000 >= steadyStartMs;
    const beforeDrain = steadyEndMs === null || p.t * 1000 <= steadyEndMs;
    if (!afterRamp || !beforeDrain || p.connected >= prev.connected) continue;
    if (prev.connected - p.connected < Math.max(1, tolerance(prev.connected))) continue;
    open = { fromS: p.t, toS: null, before: prev.connected, lowest: p.connected, fastestRecoveryPerSec: 0 };
  }
  if (open) dips.push(open);
  return dips;
}

function tolerance(connections: number): number {
  return Math.floor(connections * 0.01);
}

export interface FailedAttempts {
  total: number;
  /** Every error reason seen in the window, with whether it counts as a failed attempt. */
  byReason: Array<{ reason: string; count: number; attempt: boolean }>;
  /** Where they were counted: in the dips, over the steady state, or (no timeline or no steady
   * state) the whole run, first connects included. */
  window: 'dips' | 'steady' | 'run';
}

/** Connection errors during the storms, or after the ramp when no dip showed at 1 s resolution. */
export function failedReconnectAttempts(result: Result, dips: ConnectionDip[]): FailedAttempts {
  const counts = new Map<string, number>();
  const add = (errors: Record<string, number>) => {
    for (const [reason, n] of Object.entries(errors)) if (n > 0) counts.set(reason, (counts.get(reason) ?? 0) + n);
  };
  let window: FailedAttempts['window'];
  if (result.timeline.length === 0 || (dips.length === 0 && result.run.steadyStartMs === null)) {
    window = 'run';
    add(result.summary.errors);
  } else if (dips.length > 0) {
    window = 'dips';
    const end = result.timeline[result.timeline.length - 1]!.t;
    // The errors of the second in which the dip was first seen belong to it: the drop and the
    // first refused attempts land in the same second.
    const inDip = (p: TimelinePoint) => dips.some((d) => p.t >= d.fromS && p.t <= (d.toS ?? end));
    for (const p of result.timeline) if (inDip(p)) add(p.errors);
  } else {
    window = 'steady';
    const { steadyStartMs, steadyEndMs } = result.run;
    for (const p of result.timeline) {
      const afterRamp = (p.t - 1) * 1000 >= steadyStartMs!;
      const beforeDrain = steadyEndMs === null || p.t * 1000 <= steadyEndMs + 1000;
      if (afterRamp && beforeDrain) add(p.errors);
    }
  }
  const byReason = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, count]) => ({ reason, count, attempt: isAttemptFailure(reason) }));
  const total = byReason.filter((r) => r.attempt).reduce((sum, r) => sum + r.count, 0);
  return { total, byReason, window };
}
