// Time is injectable so schedulers can be tested on fake time without sleeping. One time base
// everywhere: milliseconds on the wall-clock scale (performance.timeOrigin + performance.now()),
// which is monotonic within a process and comparable across processes on synchronised hosts —
// the tracking header carries it, so end-to-end latency works across hosts.

export interface Clock {
  now(): number;
  setTimer(fn: () => void, delayMs: number): unknown;
  clearTimer(handle: unknown): void;
}

const origin = performance.timeOrigin;

export const realClock: Clock = {
  now: () => origin + performance.now(),
  setTimer: (fn, delayMs) => setTimeout(fn, Math.max(0, delayMs)),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A clock that moves only when told to; timers fire in time order as it advances. */
export class FakeClock implements Clock {
  private timers: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;

  constructor(private t = 1_700_000_000_000) {}

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, delayMs: number): unknown {
    const timer = { at: this.t + Math.max(0, delayMs), fn, seq: this.seq++ };
    this.timers.push(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }

  /** Advances to `t + ms`, firing every timer due on the way (bounded, so a runaway loop stops). */
  advance(ms: number, maxFires = 10_000_000): void {
    const end = this.t + ms;
    for (let fired = 0; fired < maxFires; fired++) {
      let next: (typeof this.timers)[number] | undefined;
      for (const timer of this.timers) {
        if (timer.at <= end && (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))) next = timer;
      }
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = Math.max(this.t, end);
  }
}
