// Shards in worker threads. Each shard is ONE long piscina task for the whole run: the task gets
// a MessagePort (transferred), runs a ShardServer on it, and resolves when the shard finished.
// Commands and events cross that port, so a thread host is a RemoteHost over a ThreadChannel.

import { MessageChannel, type MessagePort } from 'node:worker_threads';
import os from 'node:os';
import { Piscina } from 'piscina';
import type { HostInfo } from '../result/types.ts';
import type { HostCommand, HostEvent } from './protocol.ts';
import { RemoteHost, type Channel } from './remote-host.ts';
import { hostEntry } from './entry-path.ts';
import { pathToFileURL } from 'node:url';

/** The worker's entry module (compiled, or the .mjs that loads the TypeScript task through tsx). */
const ENTRY = pathToFileURL(hostEntry('thread-entry.mjs')).href;

/** How long close() waits for a shard task to wind down before the pool is torn down anyway. */
const CLOSE_WAIT_MS = 5000;

export interface ShardTask {
  port: MessagePort;
}

/** A pool with one thread per shard; destroyed once every channel it handed out is closed. */
export class ShardThreadPool {
  private readonly pool: Piscina;
  private open = 0;
  private destroyed: Promise<void> | null = null;

  constructor(readonly threads: number) {
    this.pool = new Piscina({
      filename: ENTRY,
      minThreads: threads,
      maxThreads: threads,
      // One task per thread for the whole run: never queue a shard behind another one.
      concurrentTasksPerWorker: 1,
      maxQueue: 0,
      idleTimeout: 60_000,
      // A shard's task is event-loop driven; a worker must never sit in Atomics.wait.
      atomics: 'disabled',
    });
  }

  channel(): ThreadChannel {
    if (this.destroyed) throw new Error('thread pool already closed');
    this.open++;
    return new ThreadChannel(this.pool, () => this.release());
  }

  private async release(): Promise<void> {
    if (--this.open > 0) return;
    this.destroyed ??= this.pool.destroy();
    await this.destroyed;
  }

  /** Tears the pool down now, whatever is still running (coordinator gone). */
  destroy(): Promise<void> {
    this.destroyed ??= this.pool.destroy();
    return this.destroyed;
  }
}

export class ThreadChannel implements Channel {
  onEvent: ((event: HostEvent) => void) | null = null;
  onClose: ((reason: string) => void) | null = null;
  private readonly port: MessagePort;
  private readonly task: Promise<void>;
  private closed = false;

  constructor(
    pool: Piscina,
    private readonly release: () => Promise<void>,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    port1.on('message', (event: HostEvent) => this.onEvent?.(event));
    const task: ShardTask = { port: port2 };
    // The task settles once close() has closed the port (see thread-entry.ts); failing before
    // that means the worker died under the shard.
    this.task = pool.run(task, { transferList: [port2] }).then(
      () => {},
      (err: Error) => {
        if (!this.closed) this.onClose?.(`worker thread failed: ${err.message}`);
      },
    );
  }

  send(cmd: HostCommand): void {
    this.port.postMessage(cmd);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.task, new Promise<void>((r) => (timer = setTimeout(r, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
    await this.release();
  }
}

/** `count` thread hosts in this process, ids `thread-0`…, sharing one pool. */
export function threadHosts(count: number, idPrefix = 'thread'): RemoteHost[] {
  const pool = new ShardThreadPool(count);
  return Array.from({ length: count }, (_, k) => {
    const info: HostInfo = { id: `${idPrefix}-${k}`, kind: 'thread', hostname: os.hostname(), clients: {}, complete: true };
    return new RemoteHost(info, pool.channel());
  });
}
