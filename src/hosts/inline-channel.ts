// A ShardServer in this very thread behind the Channel shape: the in-process shard. A plain
// `run` (LocalHost) and a single-shard agent process both use it, so every host, near or far,
// runs the same ShardServer through the same RemoteHost.

import type { Channel } from './remote-host.ts';
import { ShardServer } from './shard-server.ts';

export function inlineChannel(): Channel & { abort(): Promise<void> } {
  const channel = {
    onEvent: null as Channel['onEvent'],
    onClose: null as Channel['onClose'],
    server: null as unknown as ShardServer,
    send(cmd: Parameters<Channel['send']>[0]) {
      void channel.server.handle(cmd);
    },
    async close() {},
    abort: () => channel.server.abort(),
  };
  channel.server = new ShardServer((e) => channel.onEvent?.(e));
  return channel;
}
