import { describe, expect, it } from 'vitest';
import {
  ARRIVAL_DUPLICATE,
  ARRIVAL_NEW,
  ARRIVAL_NOT_OWED,
  ARRIVAL_OUT_OF_ORDER,
  ReceiveTracker,
} from '../../../src/engine/receive-tracker.ts';

/** A tracker that owes every pair. */
function owing(): ReceiveTracker {
  const t = new ReceiveTracker();
  t.owes = () => true;
  return t;
}

describe('ReceiveTracker', () => {
  it('classifies new, duplicate and out-of-order arrivals', () => {
    const t = owing();
    expect(t.record(1, 5, 0)).toBe(ARRIVAL_NEW);
    expect(t.record(1, 5, 1)).toBe(ARRIVAL_NEW);
    expect(t.record(1, 5, 1)).toBe(ARRIVAL_DUPLICATE);
    expect(t.record(1, 5, 4)).toBe(ARRIVAL_NEW); // a gap is not an error here (loss is counted elsewhere)
    expect(t.record(1, 5, 3)).toBe(ARRIVAL_OUT_OF_ORDER);
    expect(t.record(1, 5, 2)).toBe(ARRIVAL_OUT_OF_ORDER);
    expect(t.record(1, 5, 3)).toBe(ARRIVAL_DUPLICATE);
    expect(t.record(1, 5, 4)).toBe(ARRIVAL_DUPLICATE);
    expect(t.record(1, 5, 0)).toBe(ARRIVAL_DUPLICATE);
    expect(t.record(1, 5, 5)).toBe(ARRIVAL_NEW);
    expect(t.pairs).toBe(1);
  });

  it('first arrival at a large sequence, then growth far beyond it', () => {
    const t = owing();
    expect(t.record(0, 0, 1_000_000)).toBe(ARRIVAL_NEW);
    expect(t.record(0, 0, 1_000_000)).toBe(ARRIVAL_DUPLICATE);
    expect(t.record(0, 0, 7)).toBe(ARRIVAL_OUT_OF_ORDER);
    expect(t.record(0, 0, 50_000_000)).toBe(ARRIVAL_NEW);
    expect(t.record(0, 0, 1_000_000)).toBe(ARRIVAL_DUPLICATE); // survived the copy on growth
    expect(t.record(0, 0, 7)).toBe(ARRIVAL_DUPLICATE);
    expect(t.record(0, 0, 49_999_999)).toBe(ARRIVAL_OUT_OF_ORDER);
    expect(t.record(0, 0, 50_000_000)).toBe(ARRIVAL_DUPLICATE);
  });

  it('counts exactly over a long in-order stream with every byte boundary crossed', () => {
    const t = owing();
    const counts = [0, 0, 0];
    for (let seq = 0; seq < 10_000; seq++) counts[t.record(3, 9, seq)]++;
    for (let seq = 0; seq < 10_000; seq += 7) counts[t.record(3, 9, seq)]++;
    expect(counts).toEqual([10_000, 0, Math.ceil(10_000 / 7)]);
  });

  it('keeps receivers and streams apart', () => {
    const t = owing();
    expect(t.record(1, 1, 0)).toBe(ARRIVAL_NEW);
    expect(t.record(2, 1, 0)).toBe(ARRIVAL_NEW); // another receiver of the same stream
    expect(t.record(1, 2, 0)).toBe(ARRIVAL_NEW); // another stream to the same receiver
    expect(t.record(1, 1, 0)).toBe(ARRIVAL_DUPLICATE);
    // Keys near the documented limits (receiver < 2^29, stream < 2^24) do not collide.
    expect(t.record(2 ** 29 - 1, 2 ** 24 - 1, 0)).toBe(ARRIVAL_NEW);
    expect(t.record(2 ** 29 - 2, 2 ** 24 - 1, 0)).toBe(ARRIVAL_NEW);
    expect(t.record(2 ** 29 - 1, 2 ** 24 - 2, 0)).toBe(ARRIVAL_NEW);
    expect(t.record(0, 2 ** 24 - 1, 0)).toBe(ARRIVAL_NEW);
    expect(t.record(1, 0, 0)).toBe(ARRIVAL_NEW); // 1·2^24 + 0 must differ from 0·2^24 + (2^24 - 1)
    expect(t.pairs).toBe(8);
  });

  it('asks once per pair whether it is owed, and never counts a pair that is not', () => {
    const t = new ReceiveTracker();
    const asked: [number, number, number][] = [];
    t.owes = (group, i, stream) => {
      asked.push([group, i, stream]);
      return stream === 7;
    };
    expect(t.record(10, 7, 0, 1, 3)).toBe(ARRIVAL_NEW);
    expect(t.record(10, 7, 0, 1, 3)).toBe(ARRIVAL_DUPLICATE);
    expect(t.record(10, 8, 0, 1, 3)).toBe(ARRIVAL_NOT_OWED);
    expect(t.record(10, 8, 0, 1, 3)).toBe(ARRIVAL_NOT_OWED); // not a duplicate: not counted at all
    expect(t.record(10, 8, 5, 1, 3)).toBe(ARRIVAL_NOT_OWED);
    expect(asked).toEqual([
      [1, 3, 7],
      [1, 3, 8],
    ]);
  });

  it('owes nothing before it is told what is owed (before steady state)', () => {
    expect(new ReceiveTracker().record(1, 1, 0)).toBe(ARRIVAL_NOT_OWED);
  });
});
