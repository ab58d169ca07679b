import { describe, expect, it } from 'vitest';
import { analyseSteps, elasticity, findKnee, judgeSteps, latencyAt, recommend } from '../../../src/coordinator/capacity-analysis.ts';
import { brokeFirstAt, dominantError, isGoodStep } from '../../../src/coordinator/capacity-figures.ts';
import { capacityStatement } from '../../../src/coordinator/capacity-statement.ts';
import { step } from './step-fixtures.ts';

const spec = { knee: 2, warnAt: 0.7, pageAt: 0.85 };

describe('judging steps', () => {
  it('a step is good only with every threshold passed and no error at all', () => {
    const base = { errors: {}, thresholds: [{ expr: 'connect.p99 < 1s', value: 20, ok: true }], interrupted: false };
    expect(isGoodStep(base)).toBe(true);
    expect(isGoodStep({ ...base, errors: { 'suback:failure': 1 } })).toBe(false);
    expect(isGoodStep({ ...base, thresholds: [{ expr: 'connect.p99 < 1s', value: null, ok: false }] })).toBe(false);
    expect(isGoodStep({ ...base, interrupted: true })).toBe(false);
  });

  it('last good is the step before the first bad one; later and interrupted steps do not count', () => {
    const steps = [step(0, 1), step(1, 2), step(2, 3, { ok: false, errors: { 'tcp:ECONNRESET': 5 } }), step(3, 4)];
    const v = judgeSteps(steps);
    expect(v.lastGood?.k).toBe(1);
    expect(v.firstBad?.k).toBe(2);
    expect(v.judged.map((s) => s.k)).toEqual([0, 1, 2]);
    const cut = judgeSteps([step(0, 1), step(1, 2, { ok: false, interrupted: true })]);
    expect(cut.lastGood?.k).toBe(0);
    expect(cut.firstBad).toBeNull();
  });

  it('what broke first: the first failing threshold in scenario order, else the dominant error', () => {
    const thresholds = [
      { expr: 'connect.p99 < 500ms', value: 20, ok: true },
      { expr: 'endToEnd.p99 < 100ms', value: 140, ok: false },
      { expr: 'messages.lossRate == 0', value: 0.01, ok: false },
    ];
    expect(brokeFirstAt(step(2, 3, { ok: false, thresholds, errors: { 'tcp:ECONNRESET': 9 } }))).toEqual({
      kind: 'threshold',
      expr: 'endToEnd.p99 < 100ms',
      value: 140,
    });
    expect(
      brokeFirstAt(step(2, 3, { ok: false, errors: { 'conn:closed-before-connack': 40, 'tcp:ECONNRESET': 12, 'suback:failure': 0 } })),
    ).toEqual({
      kind: 'errors',
      reason: 'conn:closed-before-connack',
      count: 40,
      total: 52,
    });
    // The implicit connections.failed gate yields to the errors behind it, and stands only without them.
    const implicit = [{ expr: 'connections.failed == 0', value: 40, ok: false, implicit: true }];
    expect(brokeFirstAt(step(2, 3, { ok: false, thresholds: implicit, errors: { 'tcp:ECONNRESET': 40 } }))).toEqual({
      kind: 'errors',
      reason: 'tcp:ECONNRESET',
      count: 40,
      total: 40,
    });
    expect(brokeFirstAt(step(2, 3, { ok: false, thresholds: implicit, errors: {} }))).toEqual({
      kind: 'threshold',
      expr: 'connections.failed == 0',
      value: 40,
    });
    expect(dominantError({ b: 3, a: 3 })).toEqual({ reason: 'a', count: 3, total: 6 });
    expect(dominantError({})).toBeNull();
  });
});

describe('knee', () => {
  it('elasticity is the relative p99 rise over the relative load rise', () => {
    expect(elasticity(1, 2, 10, 20)).toBe(1); // latency doubles with load: proportional
    expect(elasticity(1, 1.25, 10, 15)).toBe(2); // +50 % latency for +25 % load
    expect(elasticity(2, 3, 10, 9)).toBeCloseTo(-0.2, 12);
    expect(elasticity(1, 1, 10, 20)).toBe(0); // no load change: no elasticity
  });

  it('is the first step whose elasticity reaches the knee setting', () => {
    const steps = [
      step(0, 0.5, { endToEndP99Ms: 10 }),
      step(1, 1, { endToEndP99Ms: 15 }), // e = 0.5 / 1 = 0.5
      step(2, 1.5, { endToEndP99Ms: 20 }), // e = 0.333 / 0.5 = 0.667
      step(3, 2, { endToEndP99Ms: 40 }), // e = 1 / 0.333 = 3
      step(4, 2.5, { endToEndP99Ms: 200 }),
    ];
    expect(findKnee(steps, 2)).toEqual({
      k: 3,
      factor: 2,
      fromFactor: 1.5,
      elasticity: 3,
      metric: 'endToEnd.p99',
      p99Ms: 40,
      fromP99Ms: 20,
    });
    expect(findKnee(steps, 5)?.k).toBe(4); // 4 / 0.25 = 16
    expect(findKnee(steps, 20)).toBeNull();
  });

  it('ignores rises below the noise floor and uses connect p99 when no e2e latency exists', () => {
    const noisy = [step(0, 1, { endToEndP99Ms: 0.4 }), step(1, 1.25, { endToEndP99Ms: 0.9 }), step(2, 1.5, { endToEndP99Ms: 1.2 })];
    expect(findKnee(noisy, 2)).toBeNull();
    expect(findKnee(noisy, 2, 0.1)?.k).toBe(1);
    const connectOnly = [
      step(0, 1, { endToEndSamples: 0, endToEndP99Ms: 0, connectP99Ms: 20 }),
      step(1, 2, { endToEndSamples: 0, endToEndP99Ms: 0, connectP99Ms: 90 }),
    ];
    expect(findKnee(connectOnly, 2)).toMatchObject({ k: 1, metric: 'connect.p99', elasticity: 3.5 });
  });
});

describe('recommendations', () => {
  it('latency at a load: measured, interpolated or nearest, and which', () => {
    const steps = [step(0, 1, { endToEndP99Ms: 10 }), step(1, 2, { endToEndP99Ms: 20 }), step(2, 4, { endToEndP99Ms: 60 })];
    expect(latencyAt(steps, 'endToEnd.p99', 2)).toEqual({ ms: 20, method: 'measured' });
    expect(latencyAt(steps, 'endToEnd.p99', 2.8)).toEqual({ ms: 36, method: 'interpolated' });
    expect(latencyAt(steps, 'endToEnd.p99', 0.7)).toEqual({ ms: 10, method: 'nearest' });
    expect(latencyAt([], 'endToEnd.p99', 1)).toBeNull();
  });

  it('warn and page at shares of the last good step', () => {
    const good = [
      step(0, 4, { connections: 4000, endToEndP99Ms: 12 }),
      step(1, 8, { connections: 8000, endToEndP99Ms: 20 }),
      step(2, 12, { connections: 12_000, publishedPerSec: 1450, receivedPerSec: 2900, endToEndP99Ms: 38 }),
    ];
    const rec = recommend(good, good[2]!, spec);
    expect(rec.connections).toEqual({ warn: 8400, page: 10_200 });
    expect(rec.publishedPerSec).toEqual({ warn: 1015, page: 1232.5 });
    expect(rec.receivedPerSec).toEqual({ warn: 2030, page: 2465 });
    // 70 % of factor 12 = 8.4: between 8 (20 ms) and 12 (38 ms); 85 % = 10.2
    expect(rec.p99).toEqual({
      metric: 'endToEnd.p99',
      warnAtFactor: 8.4,
      pageAtFactor: 10.2,
      warnMs: 21.8,
      pageMs: 29.9,
      warnMethod: 'interpolated',
      pageMethod: 'interpolated',
    });
  });

  it('a full analysis states capacity, what broke, the knee and the thresholds in words', () => {
    const steps = [
      step(0, 1, { connections: 1000, endToEndP99Ms: 10 }),
      step(1, 2, { connections: 2000, publishedPerSec: 200, receivedPerSec: 200, endToEndP99Ms: 12 }),
      step(2, 3, { connections: 2500, endToEndP99Ms: 60, ok: false, errors: { 'conn:closed-before-connack': 500 } }),
    ];
    const a = analyseSteps(steps, spec);
    expect(a.lastGood?.k).toBe(1);
    expect(a.brokeFirst).toEqual({ kind: 'errors', reason: 'conn:closed-before-connack', count: 500, total: 500 });
    expect(a.knee).toMatchObject({ k: 2, elasticity: 8 });
    expect(a.recommendations?.p99).toMatchObject({
      warnAtFactor: 1.4,
      warnMs: 10.8,
      warnMethod: 'interpolated',
      pageAtFactor: 1.7,
      pageMs: 11.4,
    });
    expect(capacityStatement(a, { interrupted: false, maxSteps: 4, steps: 3 })).toEqual([
      'capacity: 2,000 connections at 200 msg/s published, 200 msg/s received, with e2e p99 12 ms, connect p99 20 ms (factor 2, 2,000 clients).',
      'first bad step: factor 3, 3,000 clients, 2,500 connected; broke first: 500 × conn:closed-before-connack.',
      'knee at factor 3: e2e p99 rose from 12 ms to 60 ms for 50 % more load (elasticity 8).',
      'monitoring (warn at 70 % / page at 85 % of capacity): warn at 1,400 connections / page at 1,700; warn at 140 msg/s in / page at 170; ' +
        'warn at 140 msg/s out / page at 170; e2e p99 warn at 10.8 ms / page at 11.4 ms (latency at factor 1.4 / 1.7, interpolated).',
    ]);
  });

  it('no capacity when the first step fails', () => {
    const a = analyseSteps([step(0, 1, { ok: false, thresholds: [{ expr: 'connect.p99 < 10ms', value: 20, ok: false }] })], spec);
    expect(a.lastGood).toBeNull();
    expect(a.recommendations).toBeNull();
    expect(capacityStatement(a, { interrupted: false, maxSteps: 4, steps: 1 })).toEqual([
      'no capacity found: the first step (factor 1, 1,000 clients) already failed: threshold connect.p99 < 10ms failed (measured 20).',
    ]);
  });
});
