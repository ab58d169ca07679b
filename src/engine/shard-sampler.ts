// One sample a second, on whole seconds after the run's start, so every host's sample t means
// the same second; and a final one when the shard finishes. Each sample carries the host's own
// health over that second (metrics/host-health.ts).

import { HostHealth } from '../metrics/host-health.ts';
import type { ShardContext } from './context.ts';
import { closedSecond } from './shard-metrics.ts';
import type { ShardResult, ShardSample } from './samples.ts';

export class ShardSampler {
  private timer: unknown = null;
  private readonly health = new HostHealth();

  constructor(
    private readonly ctx: ShardContext,
    private readonly plannedConnected: (nowMs: number) => number,
    private readonly onSample?: (sample: ShardSample) => void,
  ) {}

  start(): void {
    this.health.start();
    this.schedule();
  }

  /** Stops the ticks and takes the final sample (the partial second after the last tick). */
  stop(): void {
    if (this.timer !== null) this.ctx.clock.clearTimer(this.timer);
    this.timer = null;
    this.emit(true);
    this.health.stop();
  }

  /** The host's health over the run and its steady seconds, for the ShardResult. */
  healthResult(): Pick<ShardResult, 'health'> {
    return { health: { cpuSource: this.health.cpuSource, ...this.health.summary() } };
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
    if (sample === null) return;
    sample.health = this.health.sample(this.isSteady(sample.t), !final && this.isSteady(sample.t + 1));
    // The live copy carries the second's other latencies too; the kept one does not need them.
    this.onSample?.({ ...sample, latency: this.ctx.metrics.lastLatency });
  }

  /** Second t lies wholly inside the steady window (as metrics/steady.ts wholeSeconds counts it). */
  private isSteady(t: number): boolean {
    const m = this.ctx.metrics;
    if (!m.steadyStarted) return false;
    const from = m.runStartMs + (t - 1) * 1000;
    return from >= m.steadyStartMs && from + 1000 <= m.steadyEndMs;
  }
}
