// One sample a second, on whole seconds after the run's start, so every host's sample t means
// the same second; and a final one when the shard finishes.

import type { ShardContext } from './context.ts';
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
    const next = start + (Math.floor((clock.now() - start) / 1000) + 1) * 1000;
    this.timer = clock.setTimer(this.tick, next - clock.now());
  }

  private readonly tick = (): void => {
    this.emit(false);
    this.schedule();
  };

  private emit(final: boolean): void {
    const now = this.ctx.clock.now();
    const sample = this.ctx.metrics.sample(now, this.plannedConnected(now), final);
    this.onSample?.(sample);
  }
}
