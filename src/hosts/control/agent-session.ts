// One agent's life on one control connection: say hello to runs it sees, accept one claim at a
// time, execute that run's HostCommands on a ShardServer and publish its HostEvents. It watches
// the coordinator's heartbeat: when the beat stops (or its will says `gone`) the load stops too,
// so a dead coordinator never leaves agents hammering a broker. It refuses a run its operator
// does not allow, or one needing an environment variable it lacks (run-policy.ts), and fills
// the plan's `${env:…}` fields from its own environment (env-fields.ts).

import { existsSync } from 'node:fs';
import type { ShardPlan } from '../host.ts';
import { ShardServer } from '../shard-server.ts';
import type { HostCommand, HostEvent } from '../protocol.ts';
import type { ControlClient } from './control-client.ts';
import type { Envelope } from './envelope.ts';
import type { AgentBody, AgentHello, CoordinatorBody } from './messages.ts';
import type { ControlTopics } from './topics.ts';
import { resolveEnvFields, type EnvField } from './env-fields.ts';
import { refusal, runNeeds, type AgentPolicy } from './run-policy.ts';

export type RunEnd = { run: string; complete: boolean; reason: string };

export interface AgentSessionOptions {
  hello: AgentHello;
  topics: ControlTopics;
  /** No coordinator beat for this long stops the load, ms. */
  coordinatorTimeoutMs: number;
  /** Overrides the coordinator's scenario directory (where TLS files are looked up). */
  baseDir?: string;
  /** Brokers this agent may load (null: any). With a list, files are looked up in `baseDir` or the working directory only. */
  allowBrokers: string[] | null;
  /** Where `${env:…}` fields are resolved from. */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  onRunEnd: (end: RunEnd) => void;
}

interface Claim {
  run: string;
  coordinatorSession: string;
  server: ShardServer;
  lastBeat: number;
  ended: boolean;
}

const BEAT_MS = 1000;
const REHELLO_MS = 5000;
const MAX_BARRIER_WAIT_MS = 10_000;
const STALL_MS = 1500; // the tick runs every 250 ms
const wallNow = () => performance.timeOrigin + performance.now();

export class AgentSession {
  private claim: Claim | null = null;
  private readonly greeted = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private lastOwnBeat = 0;
  private lastTick = Date.now();

  constructor(
    private readonly control: ControlClient,
    private readonly opts: AgentSessionOptions,
  ) {
    this.timer = setInterval(() => this.tick(), 250);
  }

  get busy(): boolean {
    return this.claim !== null;
  }

  /** Announces this agent to whoever is listening (coordinators waiting for agents). */
  hello(): Promise<void> {
    return this.send(this.opts.topics.status(this.opts.hello.id), { kind: 'hello', agent: this.opts.hello, busy: this.busy });
  }

  onMessage(topic: string, env: Envelope): void {
    const body = env.body as CoordinatorBody;
    if (topic === this.opts.topics.in(this.opts.hello.id)) this.onDirect(body, env.session);
    else if (topic === this.opts.topics.coordinator(body.run)) this.onCoordinator(body, env.session);
  }

  /** Stops any load at once (control connection lost, agent shutting down). */
  async stop(reason: string): Promise<void> {
    clearInterval(this.timer);
    await this.abort(reason);
  }

  private onCoordinator(body: CoordinatorBody, session: string): void {
    const c = this.claim;
    if (c && c.run === body.run && c.coordinatorSession === session) {
      if (body.kind === 'beat') c.lastBeat = Date.now();
      if (body.kind === 'gone') void this.abort('the coordinator is gone (its control connection was lost)');
      return;
    }
    if (c || body.kind !== 'beat') return;
    const last = this.greeted.get(body.run) ?? 0;
    if (Date.now() - last < REHELLO_MS) return;
    this.greeted.set(body.run, Date.now());
    if (this.greeted.size > 64) this.greeted.delete(this.greeted.keys().next().value!);
    void this.hello();
  }

  private onDirect(body: CoordinatorBody, session: string): void {
    const out = this.opts.topics.out(this.opts.hello.id);
    const c = this.claim;
    if (body.kind === 'claim') {
      if (c && (c.run !== body.run || c.coordinatorSession !== session)) return void this.send(out, { kind: 'busy', run: body.run });
      const refused = c ? null : refusal(body.needs, this.policy, this.opts.env);
      if (refused !== null) return this.refuse(body.run, refused);
      if (!c) {
        const claim: Claim = { run: body.run, coordinatorSession: session, lastBeat: Date.now(), ended: false, server: null! };
        claim.server = new ShardServer((event) => this.emit(claim, event));
        this.claim = claim;
        this.opts.log(`claimed by run ${body.run}`);
      }
      return void this.send(out, { kind: 'claimed', run: body.run });
    }
    if (!c || c.run !== body.run || c.coordinatorSession !== session) return;
    if (body.kind === 'release') return void this.release(c, 'released by the coordinator');
    if (body.kind === 'cmd') void this.execute(c, body.cmd, body.notBefore, body.env ?? []);
  }

  private get policy(): AgentPolicy {
    return { allowBrokers: this.opts.allowBrokers, baseDir: this.opts.baseDir ?? process.cwd() };
  }

  private refuse(run: string, reason: string): void {
    this.opts.log(`refused run ${run}: ${reason}`);
    void this.send(this.opts.topics.out(this.opts.hello.id), { kind: 'refused', run, reason });
    this.opts.onRunEnd({ run, complete: false, reason: `refused: ${reason}` });
  }

  /** The plan as this agent will run it, or one line why it will not. */
  private ownPlan(plan: ShardPlan, env: EnvField[]): ShardPlan | string {
    const resolved = resolveEnvFields(plan.scenario, env, this.opts.env);
    if (resolved.missing.length) return `environment variable ${resolved.missing.join(', ')} not set on this agent`;
    const refused = refusal(runNeeds(resolved.scenario, []), this.policy, this.opts.env);
    if (refused !== null) return refused;
    // With an allow-list the coordinator does not choose where files are read from.
    const coordinatorDir = this.opts.allowBrokers === null && existsSync(plan.baseDir) ? plan.baseDir : process.cwd();
    return { ...plan, scenario: resolved.scenario, baseDir: this.opts.baseDir ?? coordinatorDir };
  }

  private async execute(c: Claim, cmd: HostCommand, notBefore: number | undefined, env: EnvField[]): Promise<void> {
    if (cmd.type === 'prepare') {
      const plan = this.ownPlan(cmd.plan, env);
      if (typeof plan === 'string') return this.emit(c, { type: 'error', message: `refused the plan: ${plan}` });
      cmd = { ...cmd, plan };
    }
    const wait = notBefore === undefined ? 0 : Math.min(MAX_BARRIER_WAIT_MS, notBefore - wallNow());
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (this.claim !== c) return;
    await c.server.handle(cmd);
  }

  private emit(c: Claim, event: HostEvent): void {
    if (this.claim !== c) return; // an aborted run's stragglers
    void this.send(this.opts.topics.out(this.opts.hello.id), { kind: 'event', run: c.run, event });
    if (event.type === 'finished') this.release(c, 'finished');
  }

  private release(c: Claim, reason: string): void {
    if (this.claim !== c || c.ended) return;
    c.ended = true;
    this.claim = null;
    const complete = reason === 'finished';
    // A release before `finished` means the coordinator gave up on this run: stop its load.
    if (!complete) void c.server.abort();
    this.opts.log(`run ${c.run} ${reason}`);
    this.opts.onRunEnd({ run: c.run, complete, reason });
    void this.hello();
  }

  private async abort(reason: string): Promise<void> {
    const c = this.claim;
    if (!c || c.ended) return;
    c.ended = true;
    this.claim = null;
    this.opts.log(`run ${c.run}: ${reason}; stopping the load`);
    await c.server.abort().catch(() => {});
    this.opts.onRunEnd({ run: c.run, complete: false, reason });
  }

  private tick(): void {
    const c = this.claim;
    // After a stall of our own, timers run before the queued beats are read: count afresh.
    const stalled = Date.now() - this.lastTick > STALL_MS;
    this.lastTick = Date.now();
    if (!c) return;
    if (stalled) c.lastBeat = Date.now();
    const quiet = Date.now() - c.lastBeat;
    if (quiet > this.opts.coordinatorTimeoutMs) {
      void this.abort(`no heartbeat from the coordinator for ${(quiet / 1000).toFixed(1)} s`);
      return;
    }
    if (Date.now() - this.lastOwnBeat >= BEAT_MS) {
      this.lastOwnBeat = Date.now();
      void this.send(this.opts.topics.out(this.opts.hello.id), { kind: 'beat', run: c.run });
    }
  }

  private send(topic: string, body: AgentBody): Promise<void> {
    return this.control.publish(topic, body).catch(() => {}); // a lost connection is handled by the owner
  }
}
