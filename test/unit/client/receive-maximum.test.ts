// The per-connection queue of publishes held back by the broker's Receive Maximum: first in,
// first out, released only while the window has room, and intact across its compaction.
import { describe, expect, it } from 'vitest';
import { InFlightRing } from '../../../src/client/in-flight.ts';

describe('Receive Maximum queue', () => {
  it('holds sends once the window is full and releases them in order as acks free places', () => {
    const ring = new InFlightRing();
    ring.receiveMaximum = 2;
    const out = new Float64Array(2);
    let pid = 0;
    const sent: number[] = [];
    const send = (t: number) => {
      if (ring.mustDelay()) ring.delay(Buffer.from([t]), 7, t);
      else {
        ring.track(++pid, t);
        sent.push(t);
      }
    };
    for (let t = 0; t < 3000; t++) send(t);
    expect(sent).toEqual([0, 1]);
    expect(ring.delayedCount).toBe(2998);
    expect(ring.takeDelayed(out)).toBeNull(); // no room until an ack
    let next = 1;
    while (ring.inFlight > 0) {
      ring.untrack(next++);
      let buf: Buffer | null;
      while ((buf = ring.takeDelayed(out)) !== null) {
        expect(out[0]).toBe(7);
        expect(buf[0]).toBe(out[1] & 0xff);
        ring.track(++pid, out[1]);
        sent.push(out[1]);
      }
      expect(ring.inFlight).toBeLessThanOrEqual(2);
    }
    expect(sent).toEqual(Array.from({ length: 3000 }, (_, t) => t));
    expect(ring.delayedCount).toBe(0);
  });

  it('a later send waits behind earlier delayed ones even when a place is free', () => {
    const ring = new InFlightRing();
    ring.receiveMaximum = 1;
    ring.track(1, 0);
    ring.delay(Buffer.alloc(1), 0, 1);
    ring.untrack(1);
    expect(ring.mustDelay()).toBe(true); // order is kept: the queue goes first
    expect(ring.dropDelayed()).toBe(1);
    expect(ring.mustDelay()).toBe(false);
  });
});
