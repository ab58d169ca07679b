// The coordinator side of the protocol: a Host that forwards each step as a HostCommand over
// some channel and resolves when the matching event comes back. Thread, process and agent hosts
// are this plus a transport.

import type { ShardResult } from '../engine/samples.ts';
import type { Sample } from '../metrics/sample.ts';
import type { HostInfo } from '../result/types.ts';
import type { ConnectReport, Host, Missing, ShardPlan } from './host.ts';
import { REPLY, type HostCommand, type HostEvent } from './protocol.ts';

export interface Channel {
  send(cmd: HostCommand): void;
  /** Set by RemoteHost: every event from the shard. */
  onEvent: ((event: HostEvent) => void) | null;
  /** Set by RemoteHost: the channel is gone (peer died, connection lost). */
  onClose: ((reason: string) => void) | null;
  close(): Promise<void>;
}

export class RemoteHost implements Host {
  onSample: ((sample: Sample) => void) | null = null;
  onLost: ((reason: string) => void) | null = null;
  private waiting: { type: HostEvent['type']; resolve: (e: HostEvent) => void; reject: (err: Error) => void } | null = null;
  private lostReason: string | null = null;
  private lastPlan: ShardPlan | null = null;

  constructor(
    readonly info: HostInfo,
    private readonly channel: Channel,
  ) {
    channel.onEvent = (event) => this.onEvent(event);
    channel.onClose = (reason) => this.lost(reason);
  }

  private onEvent(event: HostEvent): void {
    if (event.type === 'sample') {
      this.onSample?.(event.sample);
      return;
    }
    const w = this.waiting;
    if (event.type === 'error') {
      this.waiting = null;
      w?.reject(new Error(`host ${this.info.id}: ${event.message}`));
      return;
    }
    if (w && w.type === event.type) {
      this.waiting = null;
      w.resolve(event);
    }
  }

  private lost(reason: string): void {
    if (this.lostReason !== null) return;
    this.lostReason = reason;
    this.info.complete = false;
    this.info.note = reason;
    this.onLost?.(reason);
    const w = this.waiting;
    this.waiting = null;
    w?.reject(new Error(`host ${this.info.id} lost: ${reason}`));
  }

  private request(cmd: HostCommand): Promise<HostEvent> {
    if (this.lostReason !== null) return Promise.reject(new Error(`host ${this.info.id} lost: ${this.lostReason}`));
    return new Promise((resolve, reject) => {
      this.waiting = { type: REPLY[cmd.type], resolve, reject };
      this.channel.send(cmd);
    });
  }

  async prepare(plan: ShardPlan): Promise<void> {
    this.lastPlan = plan;
    for (const s of plan.slices) {
      const name = plan.scenario.groups[s.group].name;
      this.info.clients[name] = (this.info.clients[name] ?? 0) + s.count;
    }
    // A host lost before it was even prepared (a child killed while starting) is marked missing
    // like one lost later, rather than failing the whole run.
    await this.request({ type: 'prepare', plan }).catch((err) => this.tolerateLoss(err));
  }

  /** A lost host reports nothing connected and nothing missing: its shard is marked missing instead. */
  async connect(): Promise<ConnectReport> {
    try {
      const e = await this.request({ type: 'connect' });
      return (e as Extract<HostEvent, { type: 'connected' }>).report;
    } catch (err) {
      if (this.lostReason === null) throw err;
      return { missingSubscriptions: [], missingClients: [], connected: 0 };
    }
  }

  async steady(startAtMs: number, missing: Missing): Promise<void> {
    await this.request({ type: 'steady', startAtMs, missing }).catch((err) => this.tolerateLoss(err));
  }

  async drain(): Promise<void> {
    await this.request({ type: 'drain' }).catch((err) => this.tolerateLoss(err));
  }

  async finish(interrupted: boolean): Promise<ShardResult> {
    try {
      const e = await this.request({ type: 'finish', interrupted });
      return (e as Extract<HostEvent, { type: 'finished' }>).result;
    } catch (err) {
      this.tolerateLoss(err);
      return emptyShardResult(this.info.id, this.lastPlan);
    } finally {
      await this.channel.close().catch(() => {});
    }
  }

  private tolerateLoss(err: unknown): void {
    if (this.lostReason === null) throw err;
  }
}

/** What a lost host contributes: nothing, flagged as interrupted. */
export function emptyShardResult(hostId: string, _plan: ShardPlan | null): ShardResult {
  return {
    hostId,
    groups: {},
    samples: [],
    steadyStartMs: null,
    steadyEndMs: null,
    schedule: { late: 0, maxLagMs: 0 },
    missingSubscriptions: [],
    missingClients: [],
    interrupted: true,
  };
}
