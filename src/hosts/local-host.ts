// A shard run in the coordinator's own thread: the simplest host, and what a plain `run` uses
// when one process is enough.

import os from 'node:os';
import { ShardRunner } from '../engine/shard-runner.ts';
import type { ShardResult } from '../engine/samples.ts';
import type { Sample } from '../metrics/sample.ts';
import type { HostInfo } from '../result/types.ts';
import type { ConnectReport, Host, Missing, ShardPlan } from './host.ts';

export class LocalHost implements Host {
  readonly info: HostInfo;
  onSample: ((sample: Sample) => void) | null = null;
  onLost: ((reason: string) => void) | null = null;
  private runner: ShardRunner | null = null;

  constructor(id = 'local') {
    this.info = { id, kind: 'local', hostname: os.hostname(), clients: {}, complete: true };
  }

  async prepare(plan: ShardPlan): Promise<void> {
    for (const s of plan.slices) {
      const name = plan.scenario.groups[s.group].name;
      this.info.clients[name] = (this.info.clients[name] ?? 0) + s.count;
    }
    this.runner = new ShardRunner({
      scenario: plan.scenario,
      slices: plan.slices,
      hostId: plan.hostId,
      baseDir: plan.baseDir,
      runStartMs: plan.runStartMs,
      onSample: (s) => this.onSample?.(s),
    });
  }

  async connect(): Promise<ConnectReport> {
    const runner = this.runner!;
    await runner.connect();
    let connected = 0;
    for (const c of runner.metrics.counters) connected += c.succeeded;
    return { missingSubscriptions: runner.missingSubscriptions, missingClients: runner.missingClients, connected };
  }

  async steady(startAtMs: number, missing: Missing): Promise<void> {
    this.runner!.steady(startAtMs, missing);
  }

  drain(): Promise<void> {
    return this.runner!.drain();
  }

  finish(interrupted: boolean): Promise<ShardResult> {
    return this.runner!.finish(interrupted);
  }
}
