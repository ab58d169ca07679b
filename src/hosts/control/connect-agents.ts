// The coordinator's side of the control plane: announce the run (a retained beat, refreshed
// every second, with a signed last will `gone`), claim the first `count` agents that say hello,
// and hand back one RemoteHost per agent. Shard order follows the agents' preferred indexes
// (JOB_COMPLETION_INDEX / --index), then the order they joined.

import { randomBytes } from 'node:crypto';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../broker/embedded.ts';
import type { Host } from '../host.ts';
import { RemoteHost } from '../remote-host.ts';
import { AgentChannel } from './agent-channel.ts';
import { openControl, redact, type ControlClient } from './control-client.ts';
import type { Envelope, RejectReason } from './envelope.ts';
import type { AgentBody, AgentHello, CoordinatorBody } from './messages.ts';
import { controlTopics, DEFAULT_PREFIX } from './topics.ts';

export interface ConnectAgentsOptions {
  /** Control broker URL; when absent the embedded broker is started on `listen`. */
  controlUrl?: string;
  /** Where the embedded control broker listens. Default 0.0.0.0:1884 (agents on other machines must reach it). */
  listen?: { host?: string; port?: number };
  count: number;
  token: string;
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
const CLAIM_TIMEOUT_MS = 3000;
const SKEW_WARN_MS = 1000;
const STALL_MS = 1500; // the watch runs every 500 ms

interface Candidate {
  hello: AgentHello;
  session: string;
  order: number;
  channel: AgentChannel;
  claimedAt: number | null;
  sentAt: number;
}

export async function connectAgents(opts: ConnectAgentsOptions): Promise<AgentFleet> {
  if (!Number.isInteger(opts.count) || opts.count < 1) throw new Error(`agent count must be a whole number ≥ 1, got ${opts.count}`);
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const topics = controlTopics(opts.prefix ?? DEFAULT_PREFIX);
  const run = randomBytes(6).toString('hex');
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let embedded: EmbeddedBroker | null = null;
  let controlUrl = opts.controlUrl;
  if (!controlUrl) {
    embedded = await startEmbeddedBroker({ host: opts.listen?.host ?? '0.0.0.0', port: opts.listen?.port ?? 1884 });
    controlUrl = `mqtt://${embedded.host}:${embedded.port}`;
    log(
      `control broker (embedded) listening on ${controlUrl}; start agents with: fleetstorm agent --control mqtt://<this-machine>:${embedded.port}`,
    );
  }

  const candidates = new Map<string, Candidate>();
  let joined = 0;
  let gathering = true;
  let settle: (() => void) | null = null;
  let control: ControlClient | null = null;
  const early: [string, Envelope][] = []; // arrived before openControl returned

  const claimedCount = () => [...candidates.values()].filter((c) => c.claimedAt !== null && c.channel.isOpen).length;
  const drop = (id: string, why: string | null) => {
    const c = candidates.get(id);
    if (!c) return;
    candidates.delete(id);
    if (why) log(`agent ${id}: ${why}`);
    void c.channel.close();
  };

  const onMessage = (topic: string, env: Envelope) => {
    if (control === null) return void early.push([topic, env]);
    const agentId = topics.agentOf(topic);
    if (agentId === null || env.from !== agentId) return;
    const body = env.body as AgentBody;
    const c = candidates.get(agentId);
    if (topic === topics.status(agentId)) {
      if (body.kind === 'offline') {
        if (c && c.session === env.session)
          c.channel.lost(`agent ${agentId} (${c.hello.hostname}) went offline: its control connection was lost`);
        return;
      }
      if (body.kind !== 'hello' || body.busy || c || !gathering) return;
      if (candidates.size >= opts.count) return; // enough claims in flight; a later hello can fill a gap
      const skew = Date.now() - env.ts;
      if (Math.abs(skew) > SKEW_WARN_MS)
        log(
          `agent ${agentId}: its clock is ${skew > 0 ? 'behind' : 'ahead'} by about ${Math.abs(skew)} ms; synchronise clocks (NTP) for a common start and cross-host latencies`,
        );
      const channel = new AgentChannel({
        control,
        topics,
        run,
        agent: body.agent,
        session: env.session,
        connectLeadMs: opts.connectLeadMs ?? 300,
        silenceMs: opts.silenceMs ?? 3500,
      });
      candidates.set(agentId, { hello: body.agent, session: env.session, order: joined++, channel, claimedAt: null, sentAt: Date.now() });
      const claim: CoordinatorBody = { kind: 'claim', run };
      control.publish(topics.in(agentId), claim).catch(() => drop(agentId, 'claim could not be sent'));
      return;
    }
    if (!c || c.session !== env.session || topic !== topics.out(agentId)) return;
    if ('run' in body && body.run !== run) return;
    if (body.kind === 'busy') return drop(agentId, 'busy with another run');
    if (body.kind === 'claimed' && c.claimedAt === null) {
      c.claimedAt = Date.now();
      log(
        `agent ${agentId} joined (${c.hello.hostname}, ${c.hello.cores} cores, fd limit ${c.hello.fdLimit}); ${claimedCount()}/${opts.count}`,
      );
      if (claimedCount() >= opts.count) settle?.();
    }
    c.channel.receive(body);
  };

  let rejectedLogged = 0;
  const opened = await openControl({
    url: controlUrl,
    token: opts.token,
    from: 'coordinator',
    clientId: `fleetstorm-coordinator-${run}`,
    will: { topic: topics.coordinator(run), body: { kind: 'gone', run } satisfies CoordinatorBody, retain: true },
    subscribe: [topics.anyStatus, topics.anyOut],
    onMessage,
    onRejected: (topic, reason) => {
      if (rejectedLogged++ < 5) log(`control: rejected a message on ${topic} (${reason})`);
    },
    connectTimeoutMs: Math.min(timeoutMs, 10_000),
  }).catch(async (err) => {
    await embedded?.close();
    throw err;
  });
  control = opened;
  for (const [topic, env] of early.splice(0)) onMessage(topic, env);
  control.onClose = (reason) => {
    for (const c of candidates.values()) c.channel.lost(`coordinator ${reason}`);
  };

  const beat = () =>
    control
      .publish(topics.coordinator(run), { kind: 'beat', run, want: opts.count } satisfies CoordinatorBody, { retain: true })
      .catch(() => {});
  await beat();
  const beatTimer = setInterval(() => void beat(), BEAT_MS);
  let lastWatch = Date.now();
  const watchTimer = setInterval(() => {
    // After a stall of our own, timers run before the queued messages are read: blame no agent.
    const stalled = Date.now() - lastWatch > STALL_MS;
    lastWatch = Date.now();
    for (const [id, c] of candidates) {
      if (stalled) c.channel.forgive();
      if (c.claimedAt === null) {
        if (Date.now() - c.sentAt > CLAIM_TIMEOUT_MS) drop(id, 'did not answer its claim');
      } else c.channel.checkSilence();
      // Before the run starts, a lost agent just leaves a gap that a later hello can fill.
      if (gathering && !c.channel.isOpen) drop(id, 'lost before the run started');
    }
  }, 500);

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    clearInterval(beatTimer);
    clearInterval(watchTimer);
    await Promise.all([...candidates.values()].map((c) => c.channel.close()));
    await control.clearRetained(topics.coordinator(run)).catch(() => {});
    await control.close();
    await embedded?.close();
  };

  const enough = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    settle = () => {
      clearTimeout(timer);
      resolve(true);
    };
    if (claimedCount() >= opts.count) settle();
  });
  settle = null;
  gathering = false;
  if (!enough) {
    const have = [...candidates.values()].filter((c) => c.claimedAt !== null).map((c) => c.hello.id);
    await close();
    throw new Error(
      `waited ${Math.round(timeoutMs / 1000)} s for ${opts.count} agent(s) on ${redact(controlUrl)}; ${have.length} joined` +
        (have.length ? ` (${have.join(', ')})` : '') +
        ': check that agents run with the same --control URL and token',
    );
  }

  const chosen = [...candidates.values()]
    .filter((c) => c.claimedAt !== null && c.channel.isOpen)
    .sort((a, b) => (a.hello.index ?? Infinity) - (b.hello.index ?? Infinity) || a.order - b.order)
    .slice(0, opts.count);
  for (const [id] of candidates) if (!chosen.some((c) => c.hello.id === id)) drop(id, null);
  const hosts = chosen.map(
    (c) => new RemoteHost({ id: c.hello.id, kind: 'agent', hostname: c.hello.hostname, clients: {}, complete: true }, c.channel),
  );
  return { hosts, agents: chosen.map((c) => c.hello), runId: run, controlUrl, rejected: () => ({ ...control.verifier.rejected }), close };
}
