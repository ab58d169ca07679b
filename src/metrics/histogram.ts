// Latency histograms: HdrHistogram (pure JS build), values in integer microseconds.
// Histograms travel between hosts as the standard compressed base64 encoding and are merged by
// adding counts, so merged percentiles are exact to the histogram's resolution — never averaged.

import { inflateSync } from 'node:zlib';
import * as hdr from 'hdr-histogram-js';
import type { JsHistogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../result/types.ts';

/** Always the pure-JS implementation (we never ask for WebAssembly), which exposes bucket maths. */
export type Histogram = JsHistogram;

/** Lowest value told apart from zero: 1 µs. */
export const LOWEST_MICROS = 1;
/** One hour in microseconds: anything slower is recorded as one hour. */
export const HIGHEST_MICROS = 3_600_000_000;
const SIGNIFICANT_DIGITS = 3;

/**
 * A histogram sized for the whole 1 µs .. 1 h range up front, so recording never resizes.
 * 64-bit counts (Float64 buckets, exact to 2^53) because merged run-long histograms can hold
 * more than 2^31 samples in one bucket.
 */
export function createLatencyHistogram(): Histogram {
  return <Histogram>hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: LOWEST_MICROS,
    highestTrackableValue: HIGHEST_MICROS,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
}

/**
 * Hot path: clamp to [1 µs, 1 h], round to an integer, record. Never throws, never allocates.
 * NaN and negatives (clock steps) count as 1 µs rather than being dropped, so counts stay exact.
 */
export function recordMicros(h: Histogram, us: number): void {
  if (!(us >= LOWEST_MICROS)) us = LOWEST_MICROS;
  else if (us > HIGHEST_MICROS) us = HIGHEST_MICROS;
  else us = Math.round(us);
  h.recordValue(us);
}

/** The standard HdrHistogram V2 compressed encoding, base64. */
export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Decodes into a histogram that can take further records and merges. Throws on garbage. */
export function decodeHistogram(encoded: string): Histogram {
  const h = <Histogram>hdr.decodeFromCompressedBase64(encoded, 64, false, HIGHEST_MICROS);
  h.autoResize = true;
  return h;
}

const V2_COMPRESSED_COOKIE = 0x1c849304;
const V2_COOKIE = 0x1c849303;
const V2_HEADER_BYTES = 40;

/**
 * Adds an encoded histogram's counts straight into `target`, bucket by bucket, without building
 * a histogram for it: decoding makes a full-range counts array (~190 KB) per call, and the
 * per-second merges of a run left ~1 MB/s of such garbage in memory until a full GC (issue 14).
 * Falls back to decode-and-add when the layouts differ. Throws on garbage.
 */
export function addEncoded(target: Histogram, encoded: string): void {
  const packed = Buffer.from(encoded, 'base64');
  if (packed.length < 8 || (packed.readInt32BE(0) & ~0xf0) !== V2_COMPRESSED_COOKIE) throw new Error('not a compressed HdrHistogram (V2)');
  const data = inflateSync(packed.subarray(8, 8 + packed.readInt32BE(4)));
  if ((data.readInt32BE(0) & ~0xf0) !== V2_COOKIE) throw new Error('not an HdrHistogram (V2)');
  const lowest = data.readInt32BE(16) * 2 ** 32 + data.readUInt32BE(20);
  if (data.readInt32BE(12) !== target.numberOfSignificantValueDigits || lowest !== target.lowestDiscernibleValue) {
    target.add(decodeHistogram(encoded));
    return;
  }
  const end = V2_HEADER_BYTES + data.readInt32BE(4);
  let pos = V2_HEADER_BYTES;
  let index = 0;
  while (pos < end) {
    // ZigZag LEB128, at most 9 bytes: a count, or a run of -n empty buckets.
    let byte = data[pos++];
    let word = byte & 0x7f;
    for (let scale = 128, k = 1; byte & 0x80 && k < 9; k++, scale *= 128) {
      byte = data[pos++];
      word += (byte & 0x7f) * scale;
    }
    const n = word % 2 === 0 ? word / 2 : -(word + 1) / 2;
    if (n < 0) index -= n;
    else {
      if (n > 0) target.recordValueWithCount(target.valueFromIndex(index), n);
      index++;
    }
  }
}

/** Adds every encoded histogram into one (exact: counts are added bucket by bucket). */
export function mergeEncoded(list: readonly string[]): string {
  return encodeHistogram(mergeEncodedInto(createLatencyHistogram(), list));
}

/** Adds encoded histograms into `target` and returns it; empty strings are skipped. */
export function mergeEncodedInto(target: Histogram, list: readonly string[]): Histogram {
  for (const encoded of list) {
    if (encoded) addEncoded(target, encoded);
  }
  return target;
}

export function emptyLatencySummary(): LatencySummary {
  return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
}

/** Microseconds → milliseconds with 3 decimals (i.e. whole microseconds). */
function toMs(us: number): number {
  return Math.round(us) / 1000;
}

/**
 * Milliseconds, 3 decimals. Figures are HdrHistogram's usual ones: percentiles and max are the
 * highest value equivalent to their bucket, min the lowest (each within 0.1 % of what was
 * recorded). Taking them from the buckets rather than the exact recorded extremes means a
 * histogram summarises the same before and after an encode/decode round trip.
 */
export function summarize(h: Histogram): LatencySummary {
  const count = h.totalCount;
  if (count === 0) return emptyLatencySummary();
  return {
    count,
    min: toMs(h.lowestEquivalentValue(h.minNonZeroValue)),
    mean: toMs(h.mean),
    p50: toMs(h.getValueAtPercentile(50)),
    p90: toMs(h.getValueAtPercentile(90)),
    p99: toMs(h.getValueAtPercentile(99)),
    p999: toMs(h.getValueAtPercentile(99.9)),
    max: toMs(h.highestEquivalentValue(h.maxValue)),
  };
}

/** Summary of an encoded histogram ('' counts as empty). */
export function summarizeEncoded(encoded: string): LatencySummary {
  return encoded ? summarize(decodeHistogram(encoded)) : emptyLatencySummary();
}
