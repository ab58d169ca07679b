// A load agent: the shard side of a distributed run, on any machine that can reach the control
// broker. It connects, announces itself, runs whatever shard a coordinator assigns (as data:
// a plan and HostCommands, never code) and reports samples and results. When the control
// connection drops it stops its load and reconnects with a new session; with `once` it exits
// after its first run (what a Kubernetes Job wants).

import os from 'node:os';
import { VERSION } from '../version.ts';
import { advertisedFileLimit } from './fd-limit.ts';
import { openControl, redact } from './control/control-client.ts';
import type { AgentBody, AgentHello } from './control/messages.ts';
import { AgentSession, type RunEnd } from './control/agent-session.ts';
import { checkId, controlTopics, DEFAULT_PREFIX } from './control/topics.ts';

export interface AgentOptions {
  control: string;
  token: string;
  /** Unique among the agents on this control broker; default `<hostname>-<pid>`. */
  id?: string;
  /** Preferred shard index; null/undefined lets the coordinator assign one. */
  index?: number | null;
  prefix?: string;
  /** Exit after the first run instead of waiting for the next. */
  once?: boolean;
  /** No coordinator heartbeat for this long stops the load, ms. Default 5000. */
  coordinatorTimeoutMs?: number;
  /** Give up when the control broker cannot be reached for this long, ms. Default 120 s. */
  connectTimeoutMs?: number;
  baseDir?: string;
  log?: (line: string) => void;
}

export interface AgentExit {
  runs: number;
  /** How the last run ended; null when no run happened. */
  last: RunEnd | null;
}

export interface AgentHandle {
  readonly id: string;
  /** Settles when the agent stops: after stop(), after its run with `once`, or when the control broker stays unreachable. */
  done: Promise<AgentExit>;
  stop(): Promise<void>;
}

const RECONNECT_MS = 1000;

export function defaultAgentId(): string {
  return `${os.hostname()}-${process.pid}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
}

export function startAgent(opts: AgentOptions): AgentHandle {
  const id = checkId(opts.id ?? defaultAgentId(), 'agent id');
  const topics = controlTopics(opts.prefix ?? DEFAULT_PREFIX);
  const log = opts.log ?? ((line: string) => process.stderr.write(`agent ${id}: ${line}\n`));
  const hello: AgentHello = {
    id,
    hostname: os.hostname(),
    pid: process.pid,
    fdLimit: advertisedFileLimit(),
    cores: os.availableParallelism(),
    index: opts.index ?? null,
    version: VERSION,
  };
  let stopping = false;
  const abort = new AbortController();
  let wake: (() => void) | null = null;
  const exit: AgentExit = { runs: 0, last: null };
  let rejectedLogged = 0;

  const serveOnce = async (): Promise<void> => {
    // eslint-disable-next-line prefer-const -- assigned once openControl returns; its onMessage callback reads it
    let session!: AgentSession;
    const control = await openControl({
      url: opts.control,
      token: opts.token,
      from: id,
      clientId: `fleetstorm-agent-${id}`,
      will: { topic: topics.status(id), body: { kind: 'offline' } satisfies AgentBody },
      subscribe: [topics.anyCoordinator, topics.in(id)],
      onMessage: (topic, env) => session?.onMessage(topic, env),
      onRejected: (topic, reason) => {
        if (rejectedLogged++ < 5) log(`rejected a control message on ${topic} (${reason})`);
      },
      connectTimeoutMs: opts.connectTimeoutMs ?? 120_000,
      signal: abort.signal,
    });
    const closed = new Promise<string>((resolve) => {
      control.onClose = resolve;
      wake = () => resolve('stopping');
    });
    session = new AgentSession(control, {
      hello,
      topics,
      log,
      baseDir: opts.baseDir,
      coordinatorTimeoutMs: opts.coordinatorTimeoutMs ?? 5000,
      onRunEnd: (end) => {
        exit.runs++;
        exit.last = end;
        if (opts.once) {
          stopping = true;
          wake?.();
        }
      },
    });
    log(`connected to ${redact(opts.control)}; waiting for a run`);
    await session.hello();
    const reason = await closed;
    await session.stop(reason === 'stopping' ? 'agent stopping' : reason);
    await control.close();
    if (reason !== 'stopping') log(`${reason}; reconnecting`);
  };

  const done = (async () => {
    while (!stopping) {
      try {
        await serveOnce();
      } catch (err) {
        if (stopping) break; // stop() while the broker was unreachable
        throw err;
      }
      if (!stopping) await new Promise((r) => setTimeout(r, RECONNECT_MS));
    }
    return exit;
  })();

  return {
    id,
    done,
    async stop() {
      stopping = true;
      abort.abort();
      wake?.();
      await done.catch(() => {});
    },
  };
}
