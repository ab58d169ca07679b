// Steady-state throughput from per-second counts. The window is only known at the end of a run
// (and is decided by the coordinator, not by any one host), so per-second published/received
// are kept per group and summed over the whole seconds that lie inside the window.

export interface SteadyTotals {
  seconds: number;
  published: number;
  received: number;
}

/** Keyed by group name; ALL is the whole run. */
export const ALL = '*';

export class SteadyWindowCounter {
  /** group → t → [published, received] in the interval (t-1, t] seconds. */
  private readonly perSecond = new Map<string, Map<number, [number, number]>>();

  add(group: string, t: number, published: number, received: number): void {
    for (const key of [group, ALL]) {
      let series = this.perSecond.get(key);
      if (!series) this.perSecond.set(key, (series = new Map()));
      const cell = series.get(t);
      if (cell) {
        cell[0] += published;
        cell[1] += received;
      } else series.set(t, [published, received]);
    }
  }

  /**
   * Sums the intervals (t-1, t] that lie wholly inside [startMs, endMs]. `seconds` is the number
   * of such whole seconds, so a rate is always count-in-window / length-of-window.
   */
  totals(group: string, startMs: number, endMs: number): SteadyTotals {
    const first = Math.ceil(startMs / 1000) + 1; // first t whose interval starts at/after startMs
    const last = Math.floor(endMs / 1000);
    const out: SteadyTotals = { seconds: Math.max(0, last - first + 1), published: 0, received: 0 };
    const series = this.perSecond.get(group);
    if (!series || out.seconds === 0) return out;
    for (const [t, [p, r]] of series) {
      if (t >= first && t <= last) {
        out.published += p;
        out.received += r;
      }
    }
    return out;
  }
}
