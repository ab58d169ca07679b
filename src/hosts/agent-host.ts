// A load agent: the shard side of a distributed run, on any machine that can reach the control
// broker. It connects, announces itself, runs whatever shard a coordinator assigns (as data:
// a plan and HostCommands, never code) and reports samples and results. When the control
// connection drops it stops its load and reconnects with a new session; with `once` it exits
// after its first run (what a Kubernetes Job wants). Secrets never reach it in clear: message
// bodies are sealed, and `${env:…}` fields are filled from this machine's own environment.

import os from 'node:os';
import { VERSION } from '../version.ts';
import { advertisedFileLimit } from './fd-limit.ts';
import { controlTarget, openControl, redact } from './control/control-client.ts';
import type { AgentBody, AgentHello } from './control/messages.ts';
import { AgentSession, type RunEnd } from './control/agent-session.ts';
import { checkId, controlTopics, DEFAULT_PREFIX, type ControlTopics } from './control/topics.ts';

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
  /** Where scenario files are looked up; default the coordinator's directory when it exists here, else the working directory. */
  baseDir?: string;
  /** `--allow-brokers`: the only brokers this agent loads (host:port or URL prefixes); absent: any. */
  allowBrokers?: string[];
  /** Where `${env:…}` fields are resolved from; default process.env. */
  env?: NodeJS.ProcessEnv;
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

/** What this agent tells coordinators about itself. */
function agentHello(id: string, index: number | null): AgentHello {
  return {
    id,
    hostname: os.hostname(),
    pid: process.pid,
    fdLimit: advertisedFileLimit(),
    cores: os.availableParallelism(),
    index,
    version: VERSION,
  };
}

/** What the connections of one agent share: who it is, and whether it is stopping. */
interface AgentLife {
  readonly opts: AgentOptions;
  readonly hello: AgentHello;
  readonly topics: ControlTopics;
  readonly log: (line: string) => void;
  readonly abort: AbortController;
  readonly exit: AgentExit;
  stopping: boolean;
  /** Ends the current connection's wait (stop, or the end of a `once` run). */
  wake: (() => void) | null;
  rejectedLogged: number;
}

/** One control connection, from connect to its loss (or the agent stopping): one session serves it. */
async function serveConnection(life: AgentLife): Promise<void> {
  const { opts, hello, topics, log } = life;
  // eslint-disable-next-line prefer-const -- assigned once openControl returns; its onMessage callback reads it
  let session!: AgentSession;
  const control = await openControl({
    url: opts.control,
    token: opts.token,
    from: hello.id,
    clientId: `fleetstorm-agent-${hello.id}`,
    will: { topic: topics.status(hello.id), body: { kind: 'offline' } satisfies AgentBody },
    subscribe: [topics.anyCoordinator, topics.in(hello.id)],
    onMessage: (topic, env) => session?.onMessage(topic, env),
    onRejected: (topic, reason) => {
      if (life.rejectedLogged++ < 5) log(`rejected a control message on ${topic} (${reason})`);
    },
    connectTimeoutMs: opts.connectTimeoutMs ?? 120_000,
    signal: life.abort.signal,
  });
  const closed = new Promise<string>((resolve) => {
    control.onClose = resolve;
    life.wake = () => resolve('stopping');
  });
  session = new AgentSession(control, {
    hello,
    topics,
    log,
    baseDir: opts.baseDir,
    allowBrokers: opts.allowBrokers ?? null,
    env: opts.env ?? process.env,
    coordinatorTimeoutMs: opts.coordinatorTimeoutMs ?? 5000,
    onRunEnd: (end) => {
      life.exit.runs++;
      life.exit.last = end;
      if (opts.once) {
        life.stopping = true;
        life.wake?.();
      }
    },
  });
  log(`connected to ${redact(opts.control)}; waiting for a run`);
  await session.hello();
  const reason = await closed;
  await session.stop(reason === 'stopping' ? 'agent stopping' : reason);
  await control.close();
  if (reason !== 'stopping') log(`${reason}; reconnecting`);
}

export function startAgent(opts: AgentOptions): AgentHandle {
  const id = checkId(opts.id ?? defaultAgentId(), 'agent id');
  const life: AgentLife = {
    opts,
    hello: agentHello(id, opts.index ?? null),
    topics: controlTopics(opts.prefix ?? DEFAULT_PREFIX),
    log: opts.log ?? ((line: string) => process.stderr.write(`agent ${id}: ${line}\n`)),
    abort: new AbortController(),
    exit: { runs: 0, last: null },
    stopping: false,
    wake: null,
    rejectedLogged: 0,
  };
  controlTarget(opts.control); // a malformed pin is a usage error now, not a retry loop later
  // A lost control connection means a new session after a pause, until the agent stops.
  const done = (async () => {
    while (!life.stopping) {
      try {
        await serveConnection(life);
      } catch (err) {
        if (life.stopping) break; // stop() while the broker was unreachable
        throw err;
      }
      if (!life.stopping) await new Promise((r) => setTimeout(r, RECONNECT_MS));
    }
    return life.exit;
  })();

  return {
    id,
    done,
    async stop() {
      life.stopping = true;
      life.abort.abort();
      life.wake?.();
      await done.catch(() => {});
    },
  };
}
