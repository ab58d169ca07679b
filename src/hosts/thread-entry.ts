// The shard task a worker thread runs for the whole run: a ShardServer on the MessagePort it was
// handed. The task settles when the coordinator closes the port, which it does after `finished`
// arrived; so the port never closes under a result still in flight. A port that closes before
// `finish` means the coordinator is gone: the load stops at once.

import type { MessagePort } from 'node:worker_threads';
import type { HostCommand } from './protocol.ts';
import { ShardServer } from './shard-server.ts';

export function runShardTask({ port }: { port: MessagePort }): Promise<void> {
  return new Promise((resolve) => {
    const server = new ShardServer((event) => port.postMessage(event));
    let finished = false;
    port.on('message', (cmd: HostCommand) => {
      void server.handle(cmd).then(() => {
        if (cmd.type === 'finish') finished = true;
      });
    });
    port.once('close', () => {
      if (finished) resolve();
      else void server.abort().finally(resolve);
    });
  });
}
