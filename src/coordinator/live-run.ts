// What the coordinator watches while a run goes: each second's samples from every live host,
// merged once all have sent it, shown as progress, added to the live figures, and checked
// against the abortOnFail gates. Ctrl-C and a failed abortOnFail gate both end the run through
// the one `stopped` promise.

import type { Host } from '../hosts/host.ts';
import { failingAbortGate, type ParsedThreshold } from '../gate/threshold.ts';
import { LiveFigures } from '../metrics/live.ts';
import { carriedSample, mergeSamples, type Sample } from '../metrics/sample.ts';
import { wholeSeconds } from '../metrics/steady.ts';
import type { Progress } from '../report/progress.ts';
import type { LiveFeed } from '../report/live/feed.ts';

export type StopReason = 'interrupted' | 'aborted';

export class LiveRun {
  phase = 'connect';
  /** Wall-scale ms the run counts seconds from. */
  readonly runStartMs = performance.timeOrigin + performance.now();
  /** Wall-scale ms of the steady window, once the start barrier is set. */
  private steadyFrom: number | null = null;
  private steadyTo = 0;
  reason: StopReason | null = null;
  aborted: { threshold: string; atMs: number } | undefined;
  /** Resolves with the first reason to stop early: Ctrl-C or a failed abortOnFail gate. */
  readonly stopped: Promise<StopReason>;
  private abort: () => void = () => {};
  private readonly pending = new Map<number, Sample[]>();
  private readonly live = new Set<string>();
  private readonly figures = new LiveFigures();

  constructor(
    hosts: Host[],
    interrupt: Promise<void>,
    private readonly gates: readonly ParsedThreshold[],
    private readonly progress: Progress,
    private readonly totalClients: number,
    private readonly feed?: LiveFeed,
  ) {
    const aborted = new Promise<StopReason>((resolve) => (this.abort = () => resolve('aborted')));
    this.stopped = Promise.race([interrupt.then(() => 'interrupted' as const), aborted]).then((reason) => (this.reason ??= reason));
    for (const host of hosts) this.watch(host);
  }

  /** The steady window begins at `fromMs` (wall-scale) and lasts `durationMs`. */
  steady(fromMs: number, durationMs: number): void {
    this.phase = 'steady';
    this.steadyFrom = fromMs;
    this.steadyTo = fromMs + durationMs;
    this.feed?.steadyAt(fromMs - this.runStartMs);
  }

  /** Merges whatever seconds are still pending (some host never sent them). */
  flushAll(): void {
    for (const t of [...this.pending.keys()].sort((a, b) => a - b)) this.flush(t);
  }

  private watch(host: Host): void {
    this.live.add(host.info.id);
    let last: Sample | null = null;
    host.onSample = (s) => {
      // A late tick skips seconds; this host's part of them is its gauges, carried (the counts
      // ride in this sample), so those seconds merge now instead of waiting for the end.
      if (last !== null) for (let t = last.t + 1; t < s.t; t++) this.collect(carriedSample(last, t));
      last = s;
      this.collect(s);
    };
    host.onLost = (reason) => {
      this.live.delete(host.info.id);
      host.info.complete = false;
      host.info.note = reason;
      this.progress.note(`host ${host.info.id} lost: ${reason}`);
      this.feed?.hostLost(host.info.id, reason);
    };
  }

  private collect(s: Sample): void {
    const list = this.pending.get(s.t) ?? [];
    list.push(s);
    this.pending.set(s.t, list);
    if (list.length >= this.live.size) this.flush(s.t);
  }

  private flush(t: number): void {
    const list = this.pending.get(t);
    if (!list) return;
    this.pending.delete(t);
    const point = mergeSamples(list);
    this.feed?.second(list, point);
    this.progress.point(point, this.totalClients, this.phase);
    const first = this.steadyFrom === null ? Infinity : wholeSeconds({ fromMs: this.steadyFrom - this.runStartMs, toMs: 0 }).first;
    this.figures.add(list, t >= first);
    this.checkAbort();
  }

  private checkAbort(): void {
    const now = performance.timeOrigin + performance.now();
    if (this.reason !== null || this.aborted || this.steadyFrom === null || now > this.steadyTo) return;
    const failed = failingAbortGate(this.gates, this.figures.view(), now - this.steadyFrom);
    if (!failed) return;
    this.aborted = { threshold: `${failed.key} ${failed.condition}`, atMs: Math.round(now - this.runStartMs) };
    this.progress.note(
      `abortOnFail: ${this.aborted.threshold} failed after ${((now - this.steadyFrom) / 1000).toFixed(1)}s of steady state; stopping`,
    );
    this.feed?.event('threshold-abort', { ...this.aborted });
    this.abort();
  }
}
