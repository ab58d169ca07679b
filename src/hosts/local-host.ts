// A shard run in the coordinator's own thread: the simplest host, and what a plain `run` uses
// when one process is enough. The same ShardServer and RemoteHost as every other host, over a
// channel that is a function call.

import os from 'node:os';
import { inlineChannel } from './inline-channel.ts';
import { RemoteHost } from './remote-host.ts';

export class LocalHost extends RemoteHost {
  constructor(id = 'local') {
    super({ id, kind: 'local', hostname: os.hostname(), clients: {}, complete: true }, inlineChannel());
  }
}
