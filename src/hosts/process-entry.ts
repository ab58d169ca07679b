// A local agent process: serves one or more shards to its parent over the IPC channel. Messages
// carry a shard number so one channel multiplexes them: parent → child `{ shard, cmd }` or
// `{ shard, close: true }`, child → parent `{ shard, event }`. One shard runs right here in the
// main thread; several run one per worker thread (the same ThreadChannel the coordinator uses).
// When the parent goes away (IPC disconnect) every shard stops its load and the process exits.

import type { HostCommand, HostEvent } from './protocol.ts';
import type { Channel } from './remote-host.ts';
import { inlineChannel } from './inline-channel.ts';
import type { ShardThreadPool } from './thread-host.ts';

export type ToChild = { shard: number; cmd: HostCommand } | { shard: number; close: true };
export type FromChild = { shard: number; event: HostEvent };

/** Bound on winding down after the parent is gone. */
const ABORT_EXIT_MS = 4000;

export function serveProcessShards(): void {
  const shards = Number(process.argv[2]);
  if (!Number.isInteger(shards) || shards < 1 || !process.send) {
    process.stderr.write('process-entry: run by fleetstorm (child_process.fork with a shard count)\n');
    process.exit(2);
  }
  const send = (msg: FromChild) => process.send!(msg);
  // piscina loads only in a process that runs several shards (one per worker thread); messages
  // that arrive while it loads wait in `queued`.
  let pool: ShardThreadPool | null = null;
  const inline = shards > 1 ? null : inlineChannel();
  let channels: Channel[] | null = null;
  const queued: ToChild[] = [];
  const openChannels = () => {
    channels = Array.from({ length: shards }, (_, shard) => {
      const ch = inline ?? pool!.channel();
      ch.onEvent = (event) => send({ shard, event });
      ch.onClose = (reason) => send({ shard, event: { type: 'error', message: reason } });
      return ch;
    });
    for (const msg of queued.splice(0)) onMessage(msg);
  };
  let open = shards;

  const onMessage = (msg: ToChild) => {
    if (!channels) return void queued.push(msg);
    const ch = channels[msg.shard];
    if (!ch) return;
    if ('close' in msg) {
      void ch.close().then(() => {
        if (--open > 0) return;
        process.disconnect();
        // Normally the event loop is empty by now; a straggling handle must not keep us alive.
        setTimeout(() => process.exit(0), ABORT_EXIT_MS).unref();
      });
    } else ch.send(msg.cmd);
  };
  process.on('message', onMessage);
  if (inline) openChannels();
  else
    void import('./thread-host.ts').then((m) => {
      pool = new m.ShardThreadPool(shards);
      openChannels();
    });

  process.once('disconnect', () => {
    if (open === 0) return; // normal end: the event loop drains and the process exits
    // The coordinator is gone: stop the load within a bounded time instead of running forever.
    setTimeout(() => process.exit(1), ABORT_EXIT_MS).unref();
    void (inline ? inline.abort() : (pool?.destroy() ?? Promise.resolve())).finally(() => process.exit(1));
  });
}
