// The coordinator's side of the control plane: open the control broker (the embedded one,
// closed to all but token holders, or the user's), announce the run (a retained beat, refreshed
// every second, with a signed last will `gone`), gather the first `count` agents that say hello
// (gathering.ts), and hand back one RemoteHost per agent.

import { randomBytes } from 'node:crypto';
import { UsageError } from '../../errors.ts';
import type { Host } from '../host.ts';
import { RemoteHost } from '../remote-host.ts';
import { openControl, redact, type ControlClient } from './control-client.ts';
import { parseControlListen, startControlBroker, type ControlTlsFiles } from './control-broker.ts';
import type { RejectReason } from './envelope.ts';
import { Gathering, type Gathered } from './gathering.ts';
import type { AgentHello, CoordinatorBody } from './messages.ts';
import type { RunNeeds } from './run-policy.ts';
import { controlTopics, DEFAULT_PREFIX, type ControlTopics } from './topics.ts';

export interface ConnectAgentsOptions {
  /** Control broker URL; when absent the embedded control broker is started on `listen`. */
  controlUrl?: string;
  /** Where the embedded control broker listens: `host:port` or `mqtts://host:port`. Default 127.0.0.1:1884. */
  listen?: string;
  /** Certificate and key for an mqtts:// `listen`; default: a self-signed one made for the run, pinned by agents. */
  tlsFiles?: ControlTlsFiles;
  count: number;
  token: string;
  /** What the run needs of each agent, sent with the claim (see run-policy.ts). */
  needs?: RunNeeds;
  /** The scenario as written (`loaded.redacted`): its `${env:…}` fields are left for agents to resolve. */
  source?: unknown;
  /** How long to wait for `count` agents, ms. Default 60 s. */
  timeoutMs?: number;
  prefix?: string;
  /** An agent silent this long is lost, ms. Default 3500. */
  silenceMs?: number;
  /** Lead time of the connect barrier, ms. Default 300. */
  connectLeadMs?: number;
  /** Status lines (agents joining, clock skew, rejected messages). Default: stderr. */
  log?: (line: string) => void;
}

export interface AgentFleet {
  hosts: Host[];
  /** What each agent said about itself, in the same order as `hosts`. */
  agents: AgentHello[];
  runId: string;
  controlUrl: string;
  /** Control messages refused so far (bad MAC, stale, replayed, malformed). */
  rejected(): Record<RejectReason, number>;
  /** Releases the agents, clears the run's retained announcement, disconnects. Safe to call twice. */
  close(): Promise<void>;
}

const BEAT_MS = 1000;
const WATCH_MS = 500;
const STALL_MS = 1500;
const NO_NEEDS: RunNeeds = { env: [], brokers: [], files: [] };

interface OpenBroker {
  url: string;
  close(): Promise<void>;
}

/** The user's control broker, or the embedded one with the line that tells how to start agents. */
async function controlBroker(opts: ConnectAgentsOptions, log: (line: string) => void): Promise<OpenBroker> {
  if (opts.controlUrl) return { url: opts.controlUrl, close: async () => {} };
  const listen = parseControlListen(opts.listen);
  const broker = await startControlBroker(listen, opts.token, opts.tlsFiles);
  const reach =
    listen.host === '127.0.0.1' || listen.host === '::1'
      ? 'loopback only; --control-listen <host:port> to open it'
      : 'token login required';
  log(
    `control broker (embedded) listening on ${listen.host}:${listen.port} (${reach}); start agents with: fleetstorm agent --control '${broker.agentUrl}'`,
  );
  return broker;
}

/** The run's announcement every second, and the watch over agents every half second. */
function heartbeat(control: ControlClient, topics: ControlTopics, run: string, want: number, gathering: Gathering) {
  const beat = () =>
    control.publish(topics.coordinator(run), { kind: 'beat', run, want } satisfies CoordinatorBody, { retain: true }).catch(() => {});
  const beatTimer = setInterval(() => void beat(), BEAT_MS);
  let lastWatch = Date.now();
  const watchTimer = setInterval(() => {
    // After a stall of our own, timers run before the queued messages are read: blame no agent.
    const stalled = Date.now() - lastWatch > STALL_MS;
    lastWatch = Date.now();
    gathering.watch(stalled);
  }, WATCH_MS);
  return {
    first: beat(),
    stop() {
      clearInterval(beatTimer);
      clearInterval(watchTimer);
    },
  };
}

function gatherFailure(outcome: Exclude<Gathered, { kind: 'enough' }>, opts: ConnectAgentsOptions, url: string, joined: string[]): Error {
  if (outcome.kind === 'refused')
    return new UsageError(`agent ${outcome.agent.id} (${outcome.agent.hostname}) refused the run: ${outcome.reason}`);
  const timeoutS = Math.round((opts.timeoutMs ?? 60_000) / 1000);
  return new Error(
    `waited ${timeoutS} s for ${opts.count} agent(s) on ${redact(url)}; ${joined.length} joined` +
      (joined.length ? ` (${joined.join(', ')})` : '') +
      ': check that agents run with the same --control URL and token',
  );
}

export async function connectAgents(opts: ConnectAgentsOptions): Promise<AgentFleet> {
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new Error(`agent count must be a whole number ≥ 1, got ${opts.count}`);
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const topics = controlTopics(opts.prefix ?? DEFAULT_PREFIX);
  const run = randomBytes(6).toString('hex');
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const broker = await controlBroker(opts, log);
  const gathering = new Gathering({
    count: opts.count,
    run,
    topics,
    needs: opts.needs ?? NO_NEEDS,
    source: opts.source,
    connectLeadMs: opts.connectLeadMs ?? 300,
    silenceMs: opts.silenceMs ?? 3500,
    log,
  });
  let rejectedLogged = 0;
  const control = await openControl({
    url: broker.url,
    token: opts.token,
    from: 'coordinator',
    clientId: `fleetstorm-coordinator-${run}`,
    will: { topic: topics.coordinator(run), body: { kind: 'gone', run } satisfies CoordinatorBody, retain: true },
    subscribe: [topics.anyStatus, topics.anyOut],
    onMessage: gathering.onMessage,
    onRejected: (topic, reason) => {
      if (rejectedLogged++ < 5) log(`control: rejected a message on ${topic} (${reason})`);
    },
    connectTimeoutMs: Math.min(timeoutMs, 10_000),
  }).catch(async (err) => {
    await broker.close();
    throw err;
  });
  gathering.attach(control);
  const beats = heartbeat(control, topics, run, opts.count, gathering);
  await beats.first;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    beats.stop();
    await gathering.closeAll();
    await control.clearRetained(topics.coordinator(run)).catch(() => {});
    await control.close();
    await broker.close();
  };

  const outcome = await gathering.wait(timeoutMs);
  if (outcome.kind !== 'enough') {
    const joined = gathering.joinedIds();
    await close();
    throw gatherFailure(outcome, opts, broker.url, joined);
  }
  const chosen = gathering.choose();
  const hosts = chosen.map(
    (c) => new RemoteHost({ id: c.hello.id, kind: 'agent', hostname: c.hello.hostname, clients: {}, complete: true }, c.channel),
  );
  const rejected = () => ({ ...control.verifier.rejected });
  return { hosts, agents: chosen.map((c) => c.hello), runId: run, controlUrl: broker.url, rejected, close };
}
