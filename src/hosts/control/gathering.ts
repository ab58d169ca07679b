// The coordinator gathering its agents: every hello from a free agent becomes a candidate that
// is sent a claim (with what the run needs of it); a candidate that answers `claimed` has
// joined, one that answers `refused` stops the gathering with its one-line reason. Candidates
// that stay silent, or are lost before the run starts, are dropped so a later hello can take
// their place. Shard order follows the agents' preferred indexes, then the order they joined.

import type { ControlClient } from './control-client.ts';
import type { Envelope } from './envelope.ts';
import { AgentChannel } from './agent-channel.ts';
import type { AgentBody, AgentHello, CoordinatorBody } from './messages.ts';
import type { RunNeeds } from './run-policy.ts';
import type { ControlTopics } from './topics.ts';

export interface GatheringOptions {
  count: number;
  run: string;
  topics: ControlTopics;
  needs: RunNeeds;
  /** The scenario as written, for the fields each agent resolves itself (see env-fields.ts). */
  source?: unknown;
  connectLeadMs: number;
  silenceMs: number;
  log: (line: string) => void;
}

export interface Candidate {
  hello: AgentHello;
  session: string;
  order: number;
  channel: AgentChannel;
  claimedAt: number | null;
  sentAt: number;
}

/** How the gathering ended. */
export type Gathered = { kind: 'enough' } | { kind: 'timeout' } | { kind: 'refused'; agent: AgentHello; reason: string };

const CLAIM_TIMEOUT_MS = 3000;
const SKEW_WARN_MS = 1000;

export class Gathering {
  private readonly candidates = new Map<string, Candidate>();
  private joined = 0;
  private open = true;
  private control: ControlClient | null = null;
  private readonly early: [string, Envelope][] = []; // arrived before the control connection was handed over
  private settle: ((outcome: Gathered) => void) | null = null;

  constructor(private readonly opts: GatheringOptions) {}

  /** Starts acting on messages (those that came early first); a lost connection loses every agent. */
  attach(control: ControlClient): void {
    this.control = control;
    for (const [topic, env] of this.early.splice(0)) this.onMessage(topic, env);
    control.onClose = (reason) => {
      for (const c of this.candidates.values()) c.channel.lost(`coordinator ${reason}`);
    };
  }

  readonly onMessage = (topic: string, env: Envelope): void => {
    if (this.control === null) return void this.early.push([topic, env]);
    const { topics } = this.opts;
    const agentId = topics.agentOf(topic);
    if (agentId === null || env.from !== agentId) return;
    const body = env.body as AgentBody;
    const c = this.candidates.get(agentId);
    if (topic === topics.status(agentId)) return this.onStatus(agentId, env, body, c, this.control);
    if (!c || c.session !== env.session || topic !== topics.out(agentId)) return;
    if ('run' in body && body.run !== this.opts.run) return;
    this.onReply(agentId, body, c);
  };

  /** Resolves when `count` agents joined, one refused, or `timeoutMs` passed; gathering ends then. */
  async wait(timeoutMs: number): Promise<Gathered> {
    const outcome = await new Promise<Gathered>((resolve) => {
      const timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
      this.settle = (o) => {
        clearTimeout(timer);
        resolve(o);
      };
      if (this.claimedCount() >= this.opts.count) this.settle({ kind: 'enough' });
    });
    this.settle = null;
    this.open = false;
    return outcome;
  }

  /** Called every 500 ms: unanswered claims and silent or lost agents are dropped. */
  watch(stalled: boolean): void {
    for (const [id, c] of this.candidates) {
      if (stalled) c.channel.forgive();
      if (c.claimedAt === null) {
        if (Date.now() - c.sentAt > CLAIM_TIMEOUT_MS) this.drop(id, 'did not answer its claim');
      } else c.channel.checkSilence();
      // Before the run starts, a lost agent just leaves a gap that a later hello can fill.
      if (this.open && !c.channel.isOpen) this.drop(id, 'lost before the run started');
    }
  }

  /** Ids of the agents that joined so far. */
  joinedIds(): string[] {
    return [...this.candidates.values()].filter((c) => c.claimedAt !== null).map((c) => c.hello.id);
  }

  /** The first `count` joined agents in shard order; every other candidate is let go. */
  choose(): Candidate[] {
    const chosen = [...this.candidates.values()]
      .filter((c) => c.claimedAt !== null && c.channel.isOpen)
      .sort((a, b) => (a.hello.index ?? Infinity) - (b.hello.index ?? Infinity) || a.order - b.order)
      .slice(0, this.opts.count);
    for (const [id] of this.candidates) if (!chosen.some((c) => c.hello.id === id)) this.drop(id, null);
    return chosen;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.candidates.values()].map((c) => c.channel.close()));
  }

  private onStatus(agentId: string, env: Envelope, body: AgentBody, c: Candidate | undefined, control: ControlClient): void {
    if (body.kind === 'offline') {
      if (c && c.session === env.session)
        c.channel.lost(`agent ${agentId} (${c.hello.hostname}) went offline: its control connection was lost`);
      return;
    }
    if (body.kind !== 'hello' || body.busy || c || !this.open) return;
    if (this.candidates.size >= this.opts.count) return; // enough claims in flight; a later hello can fill a gap
    this.warnSkew(agentId, Date.now() - env.ts);
    const { run, topics, connectLeadMs, silenceMs, source } = this.opts;
    const channel = new AgentChannel({ control, topics, run, agent: body.agent, session: env.session, connectLeadMs, silenceMs, source });
    this.candidates.set(agentId, {
      hello: body.agent,
      session: env.session,
      order: this.joined++,
      channel,
      claimedAt: null,
      sentAt: Date.now(),
    });
    const claim: CoordinatorBody = { kind: 'claim', run, needs: this.opts.needs };
    control.publish(topics.in(agentId), claim).catch(() => this.drop(agentId, 'claim could not be sent'));
  }

  private onReply(agentId: string, body: AgentBody, c: Candidate): void {
    if (body.kind === 'busy') return this.drop(agentId, 'busy with another run');
    if (body.kind === 'refused') {
      this.drop(agentId, `refused the run: ${body.reason}`);
      return this.settle?.({ kind: 'refused', agent: c.hello, reason: body.reason });
    }
    if (body.kind === 'claimed' && c.claimedAt === null) {
      c.claimedAt = Date.now();
      const { hostname, cores, fdLimit } = c.hello;
      this.opts.log(
        `agent ${agentId} joined (${hostname}, ${cores} cores, fd limit ${fdLimit}); ${this.claimedCount()}/${this.opts.count}`,
      );
      if (this.claimedCount() >= this.opts.count) this.settle?.({ kind: 'enough' });
    }
    c.channel.receive(body);
  }

  private warnSkew(agentId: string, skew: number): void {
    if (Math.abs(skew) <= SKEW_WARN_MS) return;
    this.opts.log(
      `agent ${agentId}: its clock is ${skew > 0 ? 'behind' : 'ahead'} by about ${Math.abs(skew)} ms; synchronise clocks (NTP) for a common start and cross-host latencies`,
    );
  }

  private claimedCount(): number {
    return [...this.candidates.values()].filter((c) => c.claimedAt !== null && c.channel.isOpen).length;
  }

  private drop(id: string, why: string | null): void {
    const c = this.candidates.get(id);
    if (!c) return;
    this.candidates.delete(id);
    if (why) this.opts.log(`agent ${id}: ${why}`);
    void c.channel.close();
  }
}
