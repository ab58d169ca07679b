// The shard's per-client state as typed arrays, one entry per local client (client c is the
// k-th of slice s: c = firstClient[s] + k). A few numbers per device, no object per device.

import type { Scenario } from '../scenario/types.ts';
import { initialEndpoint } from './endpoints.ts';
import type { Fleet, FleetGroup } from './fleet.ts';
import type { ShardGroupSlice } from './slices.ts';

// Client status.
export const ST_IDLE = 0;
export const ST_CONNECTING = 1;
export const ST_SUBSCRIBING = 2;
export const ST_READY = 3;
export const ST_FAILED = 4;
export const ST_CLOSED = 5;

// Why a client is offline on purpose (no error, reconnect already planned).
export const PLAN_NONE = 0;
export const PLAN_CHURN = 1;
export const PLAN_MOVE = 2;
/** Offline by the load profile: no comeback until a stage brings it back. */
export const PLAN_STAGE = 3;

export class ClientTable {
  readonly count: number;
  readonly group: Uint16Array;
  /** Index of the client within its group ({i}). */
  readonly index: Uint32Array;
  readonly slice: Uint16Array;
  readonly status: Uint8Array;
  readonly connectStart: Float64Array;
  readonly subStart: Float64Array;
  readonly subPending: Uint8Array;
  /** Receiver id for loss accounting: the client's global id, or its share group's. */
  readonly receiver: Int32Array;
  /** When the client's connection was lost (0 = not lost): start of its reconnect gap. */
  readonly lostAt: Float64Array;
  readonly attempts: Uint8Array;
  readonly plan: Uint8Array;
  /** Counted toward the connect phase (once per client). */
  readonly resolved: Uint8Array;
  /** Current endpoint (broker.urls index); moved by migrations. */
  readonly endpoint: Uint8Array;
  /** Latest keepalive / connect-timeout due time, so stale heap entries are ignored. */
  readonly keepaliveDue: Float64Array;
  readonly timeoutDue: Float64Array;
  /** First client of each slice. */
  readonly firstClient: Int32Array;

  constructor(
    scenario: Scenario,
    private readonly fleet: Fleet,
    readonly slices: readonly ShardGroupSlice[],
  ) {
    const n = (this.count = slices.reduce((sum, s) => sum + s.count, 0));
    this.group = new Uint16Array(n);
    this.index = new Uint32Array(n);
    this.slice = new Uint16Array(n);
    this.status = new Uint8Array(n);
    this.connectStart = new Float64Array(n);
    this.subStart = new Float64Array(n);
    this.subPending = new Uint8Array(n);
    this.receiver = new Int32Array(n);
    this.lostAt = new Float64Array(n);
    this.attempts = new Uint8Array(n);
    this.plan = new Uint8Array(n);
    this.resolved = new Uint8Array(n);
    this.endpoint = new Uint8Array(n);
    this.keepaliveDue = new Float64Array(n);
    this.timeoutDue = new Float64Array(n);
    this.firstClient = new Int32Array(slices.length);
    let c = 0;
    slices.forEach((slice, s) => {
      this.firstClient[s] = c;
      const g = fleet.groups[slice.group];
      for (let k = 0; k < slice.count; k++, c++) {
        const i = slice.start + k;
        this.group[c] = slice.group;
        this.index[c] = i;
        this.slice[c] = s;
        this.receiver[c] = g.sharedReceiver >= 0 ? g.sharedReceiver : g.clientBase + i;
        this.endpoint[c] = initialEndpoint(scenario, g, i);
      }
    });
  }

  groupOf(c: number): FleetGroup {
    return this.fleet.groups[this.group[c]];
  }

  /** Local client of group index i in slice s (the caller checks that slice s holds i). */
  clientAt(s: number, i: number): number {
    return this.firstClient[s] + (i - this.slices[s].start);
  }

  /** Global id of client c (unique over the fleet). */
  globalId(c: number): number {
    return this.groupOf(c).clientBase + this.index[c];
  }
}
