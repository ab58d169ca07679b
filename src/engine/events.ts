// Every timed thing a shard does is one event on its one TimerHeap: a kind (what to do) and an
// index (whom to do it to: a client, a stream, a slice, a stage). Parts register a handler per
// kind; the heap's callback looks it up in a table instead of walking an if-chain.

import type { Clock } from './clock.ts';
import { TimerHeap } from './timer-heap.ts';

export const EV_PUBLISH = 0;
export const EV_KEEPALIVE = 1;
export const EV_TIMEOUT = 2;
export const EV_GATE = 3;
export const EV_RECONNECT = 4;
export const EV_CHURN = 5;
export const EV_MIGRATE = 6;
export const EV_COMMAND = 7;
export const EV_REPLY = 8;
export const EV_STAGE = 9;
export const EV_LEAVE = 10;
export const EV_JOIN = 11;

// Heap events are index * EV_KINDS + kind: exact integers in a Float64Array.
const EV_KINDS = 16;

export type EventHandler = (index: number, dueMs: number, nowMs: number) => void;

const unhandled: EventHandler = () => {};

export class Events {
  readonly heap: TimerHeap;
  private readonly handlers: EventHandler[] = new Array<EventHandler>(EV_KINDS).fill(unhandled);

  constructor(clock: Clock) {
    this.heap = new TimerHeap(clock, this.dispatch, 1024);
  }

  /** Registers what happens when an event of `kind` comes due. */
  on(kind: number, handler: EventHandler): void {
    this.handlers[kind] = handler;
  }

  push(kind: number, index: number, atMs: number): void {
    this.heap.push(atMs, index * EV_KINDS + kind);
  }

  stop(): void {
    this.heap.stop();
  }

  private readonly dispatch = (event: number, dueMs: number, nowMs: number): void => {
    const kind = event % EV_KINDS;
    this.handlers[kind]((event - kind) / EV_KINDS, dueMs, nowMs);
  };
}
