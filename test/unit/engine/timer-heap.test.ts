import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock.ts';
import { TimerHeap } from '../../../src/engine/timer-heap.ts';
import { mulberry32 as rng } from '../../../src/scenario/random.ts';

interface Fired {
  event: number;
  due: number;
  now: number;
}

describe('TimerHeap on a FakeClock', () => {
  it('fires 10,000 randomly pushed events once each, in due order, on time', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const fired: Fired[] = [];
    const heap = new TimerHeap(clock, (event, due, now) => fired.push({ event, due, now }), 16); // small: forces growth
    const random = rng(1);
    const dueOf = new Map<number, number>();
    for (let e = 0; e < 10_000; e++) {
      const due = t0 + Math.floor(random() * 5000) + (random() < 0.3 ? 0.5 : 0); // ties and fractions
      dueOf.set(e, due);
      heap.push(due, e);
    }
    expect(heap.length).toBe(10_000);
    for (let step = 0; step < 60 && heap.length > 0; step++) clock.advance(97);
    expect(fired).toHaveLength(10_000);
    expect(new Set(fired.map((f) => f.event)).size).toBe(10_000);
    const wrong: string[] = [];
    for (let k = 0; k < fired.length; k++) {
      const f = fired[k];
      if (f.due !== dueOf.get(f.event)) wrong.push(`event ${f.event}: due ${f.due}`);
      if (f.now !== f.due) wrong.push(`event ${f.event}: fired at ${f.now}, due ${f.due}`); // fake time is never late
      if (k > 0 && f.due < fired[k - 1].due) wrong.push(`event ${f.event} fired after a later one`);
    }
    expect(wrong).toEqual([]);
    expect(heap.length).toBe(0);
  });

  it('an earlier push re-arms the timer; nothing fires before its time', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const fired: number[] = [];
    const heap = new TimerHeap(clock, (e) => fired.push(e));
    heap.push(t0 + 100, 1);
    heap.push(t0 + 10, 2);
    clock.advance(9);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([2]);
    clock.advance(89);
    expect(fired).toEqual([2]);
    clock.advance(1);
    expect(fired).toEqual([2, 1]);
  });

  it('runs events pushed by handlers, including ones already due, in the same turn', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const fired: Fired[] = [];
    const heap = new TimerHeap(clock, (event, due, now) => {
      fired.push({ event, due, now });
      if (event < 1000) {
        // Follow-ups: some in the future, some already due (a late reschedule).
        heap.push(event % 3 === 0 ? due - 5 : due + (event % 7) + 1, event + 1000);
      }
    });
    for (let e = 0; e < 1000; e++) heap.push(t0 + (e % 50) * 10, e);
    for (let step = 0; step < 20; step++) clock.advance(50);
    expect(fired).toHaveLength(2000);
    expect(new Set(fired.map((f) => f.event)).size).toBe(2000);
    const byEvent = new Map(fired.map((f) => [f.event, f]));
    for (let e = 0; e < 1000; e += 3) {
      const parent = byEvent.get(e)!;
      const child = byEvent.get(e + 1000)!;
      expect(child.due).toBe(parent.due - 5);
      expect(child.now).toBe(parent.now); // ran in the parent's turn, visibly late
    }
  });

  it('stop() drops pending events and the armed timer, also from inside a handler', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const fired: number[] = [];
    const heap = new TimerHeap(clock, (e) => fired.push(e));
    for (let e = 1; e <= 100; e++) heap.push(t0 + e, e);
    clock.advance(50);
    expect(fired).toHaveLength(50);
    heap.stop();
    expect(heap.length).toBe(0);
    clock.advance(100);
    expect(fired).toHaveLength(50);

    const clock2 = new FakeClock();
    const fired2: number[] = [];
    const heap2: TimerHeap = new TimerHeap(clock2, (e) => {
      fired2.push(e);
      if (e === 3) heap2.stop();
    });
    for (let e = 0; e < 10; e++) heap2.push(clock2.now() + 5, e); // all due in one turn
    clock2.advance(10);
    // Equal due times fire in heap order; whatever order, nothing runs after the stopping one.
    expect(fired2.at(-1)).toBe(3);
    expect(fired2.length).toBeLessThan(10);
    expect(new Set(fired2).size).toBe(fired2.length);
    expect(heap2.length).toBe(0);
  });

  it('an open-model stream scheduled from its due time sends exactly rate x duration, and a stall shows as lag', () => {
    const clock = new FakeClock();
    const start = clock.now();
    const rate = 50; // per second
    const durationMs = 10_000;
    const interval = 1000 / rate;
    const endAt = start + durationMs;
    let sent = 0;
    let late = 0;
    let maxLag = 0;
    let lastDue = 0;
    const heap = new TimerHeap(clock, (_e, due, now) => {
      if (due >= endAt) return;
      sent++;
      lastDue = due;
      const lag = now - due;
      if (lag > 10) late++;
      maxLag = Math.max(maxLag, lag);
      // The handler for send #100 (due start + 2000) blocks the loop for 1.5 s.
      if (sent === 101) clock.advance(1500);
      heap.push(due + interval, 0); // from the due time, never from `now`
    });
    heap.push(start, 0);
    // Big steps; each stays past the stall's end so the fake clock is never wound back.
    for (let step = 0; step < 3; step++) clock.advance(4000);
    expect(sent).toBe((rate * durationMs) / 1000);
    expect(lastDue).toBe(start + durationMs - interval);
    // The 74 sends due in (start+2000, start+3490) went out at start+3500, late by 1480..20 ms.
    expect(maxLag).toBe(1480);
    expect(late).toBe(74);
  });
});

describe('TimerHeap time slices', () => {
  it('yields to I/O after ~10 ms of due events and runs the rest on the next turns', () => {
    // A clock that moves 1 ms per handled event (slow handlers) and keeps the timer armed for
    // the test to fire by hand, as the event loop would after polling I/O.
    let t = 1000;
    let armed: { fn: () => void; delay: number } | null = null;
    const clock = {
      now: () => t,
      setTimer: (fn: () => void, delay: number) => (armed = { fn, delay }),
      clearTimer: () => (armed = null),
    };
    const order: number[] = [];
    const heap = new TimerHeap(clock, (event) => {
      order.push(event);
      t += 1;
    });
    for (let i = 0; i < 200; i++) heap.push(1000, i);
    const turns: number[] = [];
    for (let turn = 0; turn < 10 && armed; turn++) {
      const before = order.length;
      const { fn, delay } = armed as { fn: () => void; delay: number };
      if (turn > 0) expect(delay).toBeLessThanOrEqual(0); // overdue: the next turn comes at once
      armed = null;
      fn();
      turns.push(order.length - before);
    }
    // The slice is checked every 64 events: 64 events = 64 ms > 10 ms, so each turn stops there.
    expect(turns).toEqual([64, 64, 64, 8]);
    // Every event ran exactly once.
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });
});

describe('FakeClock', () => {
  it('never goes backwards when a timer callback advances it past the outer step (a stalling handler)', () => {
    const clock = new FakeClock(0);
    clock.setTimer(() => clock.advance(500), 10);
    clock.advance(100);
    expect(clock.now()).toBeGreaterThanOrEqual(510);
  });
});
