// Local agent processes. A process holds only as many sockets as its open-file limit, so a large
// fleet is spread over several children (process-entry.ts), each running one shard in its main
// thread or several in worker threads. The parent keeps one IPC channel per child and
// multiplexes its shards over it by shard number; each shard is a RemoteHost on a ProcessChannel.
// A child that dies closes all its channels with the exit code or signal as the reason.

import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import type { HostInfo } from '../result/types.ts';
import type { FromChild, ToChild } from './process-entry.ts';
import type { HostCommand, HostEvent } from './protocol.ts';
import { RemoteHost, type Channel } from './remote-host.ts';
import { hostEntry } from './entry-path.ts';

const ENTRY = hostEntry('process-entry.mjs');

/** After the last channel closed: how long the child gets to exit before SIGKILL. */
const EXIT_WAIT_MS = 5000;

// Children still running when this process exits would keep the load going; kill them on the way out.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** One child process and the shard channels multiplexed over its IPC channel. */
export class AgentProcess {
  readonly child: ChildProcess;
  readonly channels: ProcessChannel[];
  private readonly exited: Promise<void>;
  private exitReason: string | null = null;
  private open: number;

  constructor(
    readonly name: string,
    shards: number,
  ) {
    this.child = fork(ENTRY, [String(shards)], {
      // A small young generation: an agent holds thousands of long-lived sockets and little
      // short-lived garbage, so 1 MB semi-spaces cut its resident memory by ~50 MB at no
      // measurable CPU cost (bench:headline, quick run, 2026-11-27).
      execArgv: [...process.execArgv, '--max-semi-space-size=1', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Structured clone keeps results and samples exact and is cheaper than JSON for big ones.
      serialization: 'advanced',
    });
    running.add(this.child);
    this.channels = Array.from({ length: shards }, (_, k) => new ProcessChannel(this, k));
    this.open = shards;
    this.child.on('message', (msg: FromChild) => this.channels[msg.shard]?.deliver(msg.event));
    this.exited = new Promise((resolve) => {
      const gone = (reason: string) => {
        if (this.exitReason !== null) return;
        this.exitReason = reason;
        running.delete(this.child);
        for (const ch of this.channels) ch.gone(reason);
        resolve();
      };
      this.child.once('exit', (code, signal) =>
        gone(`process ${this.name} (pid ${this.child.pid}) exited ${signal ? `on ${signal}` : `with code ${code}`}`),
      );
      // A send to a child that just died fails (EPIPE) a moment before its exit is seen: give the
      // exit a moment to name the real cause (a signal, an exit code) before settling for the error.
      this.child.once('error', (err) => setTimeout(() => gone(`process ${this.name} failed: ${err.message}`), 250).unref());
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  post(msg: ToChild): void {
    if (this.exitReason !== null || !this.child.connected) return;
    this.child.send(msg);
  }

  /** Called by each channel's close(); the last one waits for the child to exit. */
  async release(): Promise<void> {
    if (--this.open > 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), EXIT_WAIT_MS)));
    if ((await Promise.race([this.exited, timeout])) === 'timeout') this.child.kill('SIGKILL');
    clearTimeout(timer);
    await this.exited;
  }
}

export class ProcessChannel implements Channel {
  onEvent: ((event: HostEvent) => void) | null = null;
  onClose: ((reason: string) => void) | null = null;
  private closed = false;

  constructor(
    private readonly proc: AgentProcess,
    private readonly shard: number,
  ) {}

  deliver(event: HostEvent): void {
    this.onEvent?.(event);
  }

  gone(reason: string): void {
    if (!this.closed) this.onClose?.(reason);
  }

  send(cmd: HostCommand): void {
    this.proc.post({ shard: this.shard, cmd });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.proc.post({ shard: this.shard, close: true });
    await this.proc.release();
  }
}

/**
 * `processes` children with `threadsEach` shards each, as hosts `process-0`… (one shard per
 * process) or `process-0.thread-1`… (several). Hosts are listed process by process.
 */
export function processHosts(processes: number, threadsEach: number): { hosts: RemoteHost[]; processes: AgentProcess[] } {
  const procs: AgentProcess[] = [];
  const hosts: RemoteHost[] = [];
  for (let p = 0; p < processes; p++) {
    const proc = new AgentProcess(`process-${p}`, threadsEach);
    procs.push(proc);
    proc.channels.forEach((ch, t) => {
      const id = threadsEach === 1 ? proc.name : `${proc.name}.thread-${t}`;
      const info: HostInfo = { id, kind: 'process', hostname: os.hostname(), clients: {}, complete: true };
      hosts.push(new RemoteHost(info, ch));
    });
  }
  return { hosts, processes: procs };
}
