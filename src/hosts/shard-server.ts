// The shard side of the protocol: executes HostCommands on a ShardRunner and emits HostEvents.
// Worker threads, agent processes and remote agents all run this; only the transport differs.

import type { ShardRunner } from '../engine/shard-runner.ts';
import type { HostCommand, HostEvent } from './protocol.ts';

// The engine loads at the first `prepare`, not with the server: an agent waiting for its first
// run (or a thread pool that has not been given work) holds no engine code (issue 14).
let engine: Promise<
  [typeof import('../engine/shard-runner.ts'), typeof import('../engine/identities.ts'), typeof import('../client/connection.ts')]
> | null = null;
const loadEngine = () =>
  (engine ??= Promise.all([import('../engine/shard-runner.ts'), import('../engine/identities.ts'), import('../client/connection.ts')]));

export class ShardServer {
  private runner: ShardRunner | null = null;
  /** Set while `prepare` loads the engine; later commands wait for it. */
  private preparing: Promise<unknown> | null = null;

  constructor(private readonly emit: (event: HostEvent) => void) {}

  /** Handles one command; errors become an `error` event rather than a crash. */
  async handle(cmd: HostCommand): Promise<void> {
    try {
      if (cmd.type !== 'prepare' && this.preparing) await this.preparing;
      await this.dispatch(cmd);
    } catch (err) {
      this.emit({ type: 'error', message: (err as Error).message ?? String(err) });
    }
  }

  private async dispatch(cmd: HostCommand): Promise<void> {
    switch (cmd.type) {
      case 'prepare': {
        this.preparing = loadEngine();
        const [{ ShardRunner }, { loadShardIdentities }, { loadWebSocketTransport, needsWebSocket }] = await loadEngine();
        if (needsWebSocket(cmd.plan.scenario.broker.urls)) await loadWebSocketTransport();
        this.runner = new ShardRunner({
          scenario: cmd.plan.scenario,
          slices: cmd.plan.slices,
          hostId: cmd.plan.hostId,
          baseDir: cmd.plan.baseDir,
          runStartMs: cmd.plan.runStartMs,
          onSample: (sample) => this.emit({ type: 'sample', sample }),
          // Each host reads its own rows, after checking the file is the coordinator's.
          identities: await loadShardIdentities(cmd.plan.scenario, cmd.plan.slices, cmd.plan.baseDir),
        });
        this.emit({ type: 'prepared' });
        return;
      }
      case 'connect': {
        const runner = this.need();
        await runner.connect();
        // The connect storm leaves megabytes of short-lived garbage behind; agent processes run
        // with --expose-gc so it is collected once here, before steady state is measured.
        (globalThis as { gc?: () => void }).gc?.();
        let connected = 0;
        for (const c of runner.metrics.counters) connected += c.succeeded;
        this.emit({
          type: 'connected',
          report: {
            missingSubscriptions: runner.missingSubscriptions,
            missingClients: runner.missingClients,
            connected,
            ...(runner.ctx.fatal !== null ? { fatal: runner.ctx.fatal } : {}),
          },
        });
        return;
      }
      case 'steady':
        this.need().steady(cmd.startAtMs, cmd.missing);
        this.emit({ type: 'steadied' });
        return;
      case 'drain':
        await this.need().drain();
        this.emit({ type: 'drained' });
        return;
      case 'finish': {
        const result = await this.need().finish(cmd.interrupted);
        this.emit({ type: 'finished', result });
        return;
      }
    }
  }

  /** Stops the load at once (coordinator gone): used by transports that lose their peer. */
  async abort(): Promise<void> {
    if (this.runner) await this.runner.finish(true);
  }

  private need(): ShardRunner {
    if (!this.runner) throw new Error('shard not prepared');
    return this.runner;
  }
}
