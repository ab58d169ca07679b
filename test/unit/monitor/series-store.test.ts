import { describe, expect, it } from 'vitest';
import { SeriesStore } from '../../../src/monitor/series-store.ts';
import { parseSysNumber } from '../../../src/monitor/sys-sampler.ts';

describe('SeriesStore', () => {
  it('keeps about one value a second, the latest, besides the first (the baseline)', () => {
    const s = new SeriesStore({ maxSeries: 10, maxPoints: 100 });
    s.add('a', 10_000, 1); // baseline, kept
    s.add('a', 10_300, 2); // first point after the baseline
    s.add('a', 10_900, 3); // 0.6 s after it: replaces it
    s.add('a', 11_250, 4); // 0.95 s: a new point
    s.add('a', 12_010, 5); // 0.76 s: replaces it
    s.add('a', 12_100, 6); // 0.85 s after 11_250: a new point
    s.add('a', 12_500, NaN); // not a number: ignored
    expect(s.toSeries(9_000)).toEqual({
      a: [
        [1, 1],
        [1.9, 3],
        [3.01, 5],
        [3.1, 6],
      ],
    });
  });

  it('keeps every tick of a broker whose ticks jitter around the second', () => {
    const s = new SeriesStore({ maxSeries: 10, maxPoints: 100 });
    for (const [at, v] of [
      [9_500, 0],
      [10_001, 1],
      [10_999, 2],
      [12_000, 3],
      [12_998, 4],
    ] as const)
      s.add('a', at, v);
    expect(s.toSeries(0)).toEqual({
      a: [
        [9.5, 0],
        [10.001, 1],
        [10.999, 2],
        [12, 3],
        [12.998, 4],
      ],
    });
  });

  it('refuses names beyond the limit and counts them', () => {
    const s = new SeriesStore({ maxSeries: 2, maxPoints: 100 });
    for (const n of ['a', 'b', 'c', 'd', 'c']) s.add(n, 0, 1);
    expect(Object.keys(s.toSeries(0))).toEqual(['a', 'b']);
    expect(s.droppedSeries).toBe(2);
  });

  it('thins a long series by doubling its spacing instead of growing', () => {
    const s = new SeriesStore({ maxSeries: 1, maxPoints: 4 });
    for (let i = 0; i < 9; i++) s.add('a', i * 1000, i);
    // Spacing 2 s at the 5th point, 4 s at the 8th; the baseline at 0 stays.
    expect(s.toSeries(0)).toEqual({
      a: [
        [0, 0],
        [4, 4],
        [8, 8],
      ],
    });
  });
});

describe('parseSysNumber', () => {
  it('reads what Mosquitto and EMQX publish', () => {
    expect(parseSysNumber('12345')).toBe(12345);
    expect(parseSysNumber('0.50')).toBe(0.5);
    expect(parseSysNumber(' 17 seconds')).toBe(17);
    expect(parseSysNumber('1.5e3')).toBe(1500);
    expect(parseSysNumber('mosquitto version 2.0.11')).toBeNull();
    expect(parseSysNumber('{"clientid":"x"}')).toBeNull();
    expect(parseSysNumber('')).toBeNull();
  });
});
