// The one timer that serves every connection: a binary min-heap of (due time, event) held in
// typed arrays, so scheduling a send or a keepalive allocates nothing. Only the earliest entry
// has a real timer armed. Events are plain numbers the owner decodes (kind + index).

import type { Clock } from './clock.ts';

export type HeapHandler = (event: number, dueMs: number, nowMs: number) => void;

/**
 * The longest one turn runs due events before it yields to I/O. After a stall, thousands of sends
 * fall due at once; run in one turn they would hold acks and deliveries in the socket buffers
 * for as long (measured: a 1 s loop block at 16,000 msg/s), and the latency of every message
 * behind them would be the generator's, not the broker's. The clock is read every SLICE_CHECK events.
 */
const SLICE_MS = 10;
const SLICE_CHECK = 64;

export class TimerHeap {
  private times: Float64Array;
  private events: Float64Array;
  private size = 0;
  private timer: unknown = null;
  private armedAt = Infinity;
  private running = false;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly handler: HeapHandler,
    capacity = 1024,
  ) {
    this.times = new Float64Array(capacity);
    this.events = new Float64Array(capacity);
  }

  get length(): number {
    return this.size;
  }

  push(dueMs: number, event: number): void {
    if (this.size === this.times.length) this.grow();
    let i = this.size++;
    const times = this.times;
    const events = this.events;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent] <= dueMs) break;
      times[i] = times[parent];
      events[i] = events[parent];
      i = parent;
    }
    times[i] = dueMs;
    events[i] = event;
    if (!this.running && dueMs < this.armedAt) this.arm();
  }

  /** Drops every pending event and the armed timer. */
  stop(): void {
    this.stopped = true;
    this.size = 0;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.armedAt = Infinity;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    const events = new Float64Array(this.events.length * 2);
    times.set(this.times);
    events.set(this.events);
    this.times = times;
    this.events = events;
  }

  private pop(): void {
    const times = this.times;
    const events = this.events;
    const last = --this.size;
    const t = times[last];
    const e = events[last];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && times[child + 1] < times[child]) child++;
      if (times[child] >= t) break;
      times[i] = times[child];
      events[i] = events[child];
      i = child;
    }
    times[i] = t;
    events[i] = e;
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    if (this.size === 0) {
      this.timer = null;
      this.armedAt = Infinity;
      return;
    }
    this.armedAt = this.times[0];
    this.timer = this.clock.setTimer(this.fire, this.armedAt - this.clock.now());
  }

  private fire = (): void => {
    this.timer = null;
    this.armedAt = Infinity;
    this.running = true;
    const batchEnd = this.clock.now();
    // Everything due by the time this turn began runs now; handlers may push new events (next
    // sends). The clock is read per event, so a slow handler shows up as lag on the ones after it.
    let budget = this.size + 100_000;
    let check = SLICE_CHECK;
    while (this.size > 0 && this.times[0] <= batchEnd && budget-- > 0 && !this.stopped) {
      const due = this.times[0];
      const event = this.events[0];
      this.pop();
      this.handler(event, due, this.clock.now());
      if (--check === 0) {
        check = SLICE_CHECK;
        if (this.clock.now() - batchEnd > SLICE_MS) break; // the rest runs after the next I/O poll
      }
    }
    this.running = false;
    this.arm();
  };
}
