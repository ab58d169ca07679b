import { describe, expect, it } from 'vitest';
import {
  counterIncrease,
  counterRate,
  cumulative,
  gaugeAt,
  medianSpacing,
  pairwiseRates,
  peakOfSum,
  sumOfSteps,
} from '../../../src/monitor/derive.ts';
import type { Point } from '../../../src/result/broker-side.ts';

describe('counter arithmetic', () => {
  it('counts a reset (broker restart) as the value after it, like increase()', () => {
    const pts: Point[] = [
      [-1, 100],
      [1, 150],
      [2, 160],
      [3, 5],
      [4, 25],
    ];
    expect(cumulative(pts)).toEqual([
      [-1, 0],
      [1, 50],
      [2, 60],
      [3, 65],
      [4, 85],
    ]);
    expect(counterIncrease(pts, 0)).toBe(85);
    expect(counterIncrease(pts, 1.5, 3.5)).toBe(15);
  });

  it('takes the last value known at `from` as the baseline, the first when the series starts later', () => {
    const pts: Point[] = [
      [-0.4, 10],
      [0.6, 30],
      [1.6, 70],
    ];
    expect(counterIncrease(pts, 0)).toBe(60);
    expect(counterIncrease(pts, -5)).toBe(60);
    expect(counterIncrease(pts, 0.6)).toBe(40);
    expect(counterIncrease(pts, 2)).toBe(0);
    expect(counterIncrease([], 0)).toBe(0);
  });

  it('rates over a window from the step values at its edges', () => {
    const pts: Point[] = [
      [0, 0],
      [1, 100],
      [2, 200],
      [3, 300],
      [4, 400],
      [5, 450],
    ];
    expect(counterRate(pts, 1, 4)).toBe(100);
    expect(counterRate(pts, 1.5, 3.5)).toBe(100); // 300 - 100 over 2 s
    expect(counterRate(pts, 2, 2)).toBeUndefined();
    expect(counterRate([[0, 1]], 0, 1)).toBeUndefined();
  });

  it('gives the rate between consecutive reports at the later report', () => {
    expect(
      pairwiseRates([
        [0, 10],
        [0.5, 60],
        [2.5, 260],
        [3, 20],
      ]),
    ).toEqual([
      [0.5, 100],
      [2.5, 100],
      [3, 40],
    ]);
  });
});

describe('spacing', () => {
  it('takes the median step of an uptime series across a broker restart (uptime starts again from 0)', () => {
    const uptime: Point[] = [100, 111, 122, 133, 4, 15, 26].map((v): Point => [v, v]);
    expect(medianSpacing(uptime)).toBe(11);
    expect(medianSpacing([[5, 5]])).toBeUndefined();
  });
});

describe('gauges', () => {
  it('reads a gauge as a step function', () => {
    const pts: Point[] = [
      [1, 5],
      [3, 7],
    ];
    expect(gaugeAt(pts, 0.9)).toBeUndefined();
    expect(gaugeAt(pts, 1)).toBe(5);
    expect(gaugeAt(pts, 2.9)).toBe(5);
    expect(gaugeAt(pts, 10)).toBe(7);
  });

  it('peaks the sum of a pool at the moments they overlap, not the sum of their peaks', () => {
    const a: Point[] = [
      [0, 10],
      [2, 1],
    ];
    const b: Point[] = [
      [1, 3],
      [3, 10],
    ];
    expect(peakOfSum([a, b])).toBe(13); // t=1: 10+3; t=3: 1+10 = 11
    expect(peakOfSum([a, b], 1.5)).toBe(11);
    expect(peakOfSum([])).toBeUndefined();
    expect(sumOfSteps([a, b])).toEqual([
      [0, 10],
      [1, 13],
      [2, 4],
      [3, 11],
    ]);
  });
});
