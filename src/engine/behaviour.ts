// The arithmetic of fleet behaviour, kept pure so it is testable without sockets: reconnect
// backoff with seeded jitter, which devices flap in a churn round, which move in a migration
// cohort. Every choice derives from the scenario seed, so any host computes the same answer.

import { mixSeed, mulberry32 } from '../scenario/random.ts';
import type { ReconnectSpec } from '../scenario/types.ts';

/** Delay before reconnect attempt `attempt` (0 = first retry), ms. */
export function backoffDelay(spec: ReconnectSpec, attempt: number, seed: number, clientKey: number): number {
  const base = Math.min(spec.maxDelayMs, spec.initialDelayMs * spec.multiplier ** attempt);
  if (spec.jitter === 0) return base;
  const r = mulberry32(mixSeed(seed, clientKey, attempt, 0x5eed))();
  return Math.max(0, base * (1 + spec.jitter * (2 * r - 1)));
}

/**
 * Clients of a group (global indices) that flap in churn round `round`: a seeded permutation of
 * the group walked in blocks, so every device flaps in turn and no one twice before the rest.
 */
export function churnRound(count: number, share: number, round: number, seed: number, group: number): number[] {
  const perRound = Math.round(count * share);
  if (perRound === 0) return [];
  const order = permutation(count, mixSeed(seed, group, 0xc4));
  const out: number[] = [];
  const start = (round * perRound) % count;
  for (let k = 0; k < perRound; k++) out.push(order[(start + k) % count]);
  return out;
}

function permutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const next = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Global indices [from, to) of the devices in migration cohort `k` (fixed, repeatable blocks). */
export function cohortRange(count: number, cohort: number, k: number): [number, number] {
  const from = Math.min(count, Math.round(k * cohort * count));
  const to = Math.min(count, Math.round((k + 1) * cohort * count));
  return [from, to];
}
