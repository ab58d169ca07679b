import { describe, expect, it } from 'vitest';
import {
  HIGHEST_MICROS,
  addEncoded,
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  recordMicros,
  summarize,
} from '../../../src/metrics/histogram.ts';
import { mulberry32 } from '../../../src/scenario/random.ts';

/** Every bucket's count, as [value, count] pairs, read through hdr-histogram-js itself. */
function buckets(h: ReturnType<typeof createLatencyHistogram>): [number, number][] {
  const out: [number, number][] = [];
  const limit = h.countsArrayIndex(h.maxValue) + 1;
  for (let i = 0; i < limit; i++) {
    const c = h.getCountAtIndex(i);
    if (c > 0) out.push([h.valueFromIndex(i), c]);
  }
  return out;
}

describe('addEncoded (merging without building a histogram per encoded one)', () => {
  it('adds exactly what hdr-histogram-js decode + add adds, bucket by bucket, over random shapes', () => {
    const next = mulberry32(14);
    for (let round = 0; round < 8; round++) {
      const viaDecode = createLatencyHistogram();
      const direct = createLatencyHistogram();
      const parts = 1 + Math.floor(next() * 5);
      for (let p = 0; p < parts; p++) {
        const h = createLatencyHistogram();
        const n = Math.floor(next() * 2000);
        // Spread over the whole range: µs to an hour, long empty runs between buckets, and big counts.
        for (let k = 0; k < n; k++) recordMicros(h, Math.exp(next() * Math.log(HIGHEST_MICROS)));
        if (next() < 0.3) h.recordValueWithCount(1 + Math.floor(next() * 5000), 3_000_000_000);
        const encoded = encodeHistogram(h);
        viaDecode.add(decodeHistogram(encoded));
        addEncoded(direct, encoded);
      }
      expect(direct.totalCount).toBe(viaDecode.totalCount);
      expect(buckets(direct)).toEqual(buckets(viaDecode));
      expect(summarize(direct)).toEqual(summarize(viaDecode));
    }
  });

  it('leaves the target unchanged for an empty histogram and throws on garbage', () => {
    const target = createLatencyHistogram();
    recordMicros(target, 1234);
    addEncoded(target, encodeHistogram(createLatencyHistogram()));
    expect(target.totalCount).toBe(1);
    expect(() => addEncoded(target, 'bm90IGEgaGlzdG9ncmFt')).toThrow();
  });
});
