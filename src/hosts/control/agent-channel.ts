// The coordinator's end of one agent: a Channel (see remote-host.ts) whose commands go out on
// the agent's `in` topic and whose events come back on its `out` topic. It declares the agent
// lost when the broker publishes the agent's last will or when nothing (beats, samples,
// replies) has arrived for `silenceMs`. A plan leaves with its `${env:…}` fields unresolved
// (env-fields.ts): the agent fills them from its own environment.

import type { HostCommand, HostEvent } from '../protocol.ts';
import type { Channel } from '../remote-host.ts';
import type { ControlClient } from './control-client.ts';
import { findEnvFields, unresolveEnvFields } from './env-fields.ts';
import type { AgentBody, AgentHello, CoordinatorBody } from './messages.ts';
import type { ControlTopics } from './topics.ts';

export interface AgentChannelOptions {
  control: ControlClient;
  topics: ControlTopics;
  run: string;
  agent: AgentHello;
  /** The agent's control session: messages from any other session are not this agent's. */
  session: string;
  /** Delay between sending `connect` and every agent starting its storm, ms. */
  connectLeadMs: number;
  silenceMs: number;
  /** The scenario as written (`loaded.redacted`); absent: plans travel as resolved (still sealed). */
  source?: unknown;
  now?: () => number;
}

const wallNow = () => performance.timeOrigin + performance.now();

export class AgentChannel implements Channel {
  onEvent: ((event: HostEvent) => void) | null = null;
  onClose: ((reason: string) => void) | null = null;
  private lastHeard: number;
  private closedReason: string | null = null;
  private released = false;
  private readonly now: () => number;

  constructor(private readonly opts: AgentChannelOptions) {
    this.now = opts.now ?? Date.now;
    this.lastHeard = this.now();
  }

  get agentId(): string {
    return this.opts.agent.id;
  }

  get session(): string {
    return this.opts.session;
  }

  get isOpen(): boolean {
    return this.closedReason === null && !this.released;
  }

  send(cmd: HostCommand): void {
    const body: CoordinatorBody = { kind: 'cmd', run: this.opts.run, cmd };
    if (cmd.type === 'prepare' && this.opts.source !== undefined) {
      const env = findEnvFields(this.opts.source, cmd.plan.scenario);
      body.cmd = { ...cmd, plan: { ...cmd.plan, scenario: unresolveEnvFields(cmd.plan.scenario, env) } };
      body.env = env;
    }
    // Every agent begins its connect storm at the same instant, not as the commands arrive.
    if (cmd.type === 'connect') body.notBefore = wallNow() + this.opts.connectLeadMs;
    this.publish(body);
  }

  /** A verified message from this agent's session on its `out` topic. */
  receive(body: AgentBody): void {
    this.lastHeard = this.now();
    if (body.kind === 'event' && body.run === this.opts.run) this.onEvent?.(body.event);
  }

  /** Called about twice a second: a silent agent is a lost agent. */
  checkSilence(): void {
    const quiet = this.now() - this.lastHeard;
    if (this.isOpen && quiet > this.opts.silenceMs) {
      this.lost(`agent ${this.agentId} (${this.opts.agent.hostname}) silent for ${(quiet / 1000).toFixed(1)} s`);
    }
  }

  /** This process was stalled (its own event loop blocked): what arrived meanwhile is still queued, so start counting afresh. */
  forgive(): void {
    this.lastHeard = this.now();
  }

  /** The agent is gone: its shard is missing from here on. */
  lost(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    this.onClose?.(reason);
  }

  /** Hands the agent back (it returns to waiting for a run). */
  async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.closedReason === null)
      await this.opts.control.publish(this.opts.topics.in(this.agentId), { kind: 'release', run: this.opts.run }).catch(() => {});
  }

  private publish(body: CoordinatorBody): void {
    this.opts.control.publish(this.opts.topics.in(this.agentId), body).catch((err: Error) => {
      this.lost(`cannot reach agent ${this.agentId}: ${err.message}`);
    });
  }
}
