// Capacity steps built from a few figures, for the pure-function tests.

import type { CapacityStep } from '../../../src/result/capacity.ts';

export function step(k: number, factor: number, figures: Partial<CapacityStep> = {}): CapacityStep {
  return {
    k,
    factor,
    clients: Math.round(1000 * factor),
    connections: Math.round(1000 * factor),
    publishedPerSec: 100 * factor,
    receivedPerSec: 100 * factor,
    connectP99Ms: 20,
    endToEndP99Ms: 10,
    connectSamples: Math.round(1000 * factor),
    endToEndSamples: Math.round(1000 * factor),
    lossRate: 0,
    errors: {},
    thresholds: [{ expr: 'endToEnd.p99 < 100ms', value: 10, ok: true }],
    ok: true,
    interrupted: false,
    ...figures,
  };
}
