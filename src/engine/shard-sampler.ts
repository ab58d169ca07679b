// One sample a second, on whole seconds after the run's start, so every host's sample t means
// the same second; and a final one when the shard finishes.

import type { ShardContext } from './context.ts';
import { closedSecond } from './shard-metrics.ts';
import type { ShardSample } from './samples.ts';

export class ShardSampler {
  private timer: unknown = null;

  constructor(
    private readonly ctx: ShardContext,
    private readonly plannedConnected: (nowMs: number) => number,
    private readonly onSample?: (sample: ShardSample) => void,
  ) {}

  start(): void {
    this.schedule();
  }

  /** Stops the ticks and takes the final sample (the partial second after the last tick). */
  stop(): void {
    if (this.timer !== null) this.ctx.clock.clearTimer(this.timer);
    this.timer = null;
    this.emit(true);
  }

  private schedule(): void {
    const { clock, metrics } = this.ctx;
    const start = metrics.runStartMs;
    // The end of the next second not closed yet (an early tick must not set one for its own second).
    const next = start + (Math.max(0, closedSecond(clock.now() - start)) + 1) * 1000;
    this.timer = clock.setTimer(this.tick, next - clock.now());
  }

  private readonly tick = (): void => {
    this.emit(false);
    this.schedule();
  };

  private emit(final: boolean): void {
    const now = this.ctx.clock.now();
    const sample = this.ctx.metrics.sample(now, this.plannedConnected(now), final);
    if (sample !== null) this.onSample?.(sample);
  }
}
