// The connect phase ends when every client of the shard has been settled once: connected and
// subscribed, failed, or offline by plan. What could not be held is listed, so `expected` counts
// only deliveries that can happen.

import type { MissingClient, MissingSubscription } from './fanout.ts';

export class ConnectPhase {
  readonly missingSubscriptions: MissingSubscription[] = [];
  readonly missingClients: MissingClient[] = [];
  private readonly settledFlag: Uint8Array;
  private settledCount = 0;
  private onAll: (() => void) | null = null;

  constructor(private readonly clientCount: number) {
    this.settledFlag = new Uint8Array(clientCount);
  }

  /** Resolves once every client has settled (at once for an empty shard). */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.onAll = resolve;
      if (this.settledCount === this.clientCount) this.finish();
    });
  }

  isSettled(c: number): boolean {
    return this.settledFlag[c] === 1;
  }

  /** Client c is settled for the connect phase (counted once). */
  settle(c: number): void {
    if (this.settledFlag[c] === 1) return;
    this.settledFlag[c] = 1;
    if (++this.settledCount === this.clientCount) this.finish();
  }

  /** Subscriptions [from, to) of client i of group g are not held. */
  missSubscriptions(group: number, i: number, from: number, to: number): void {
    for (let k = from; k < to; k++) this.missingSubscriptions.push({ group, i, sub: k });
  }

  /** Ends the wait now (the shard is stopping). */
  finish(): void {
    const done = this.onAll;
    this.onAll = null;
    done?.();
  }
}
