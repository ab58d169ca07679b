// What the frame readers need of a connection. `Connection` implements it; the readers take this
// interface so that they, and the connection that installs them on its socket, form no cycle.
import type net from 'node:net';
import type { InFlightRing } from './in-flight.ts';
import type { Listener } from './listener.ts';

export const STATE_IDLE = 0;
export const STATE_CONNECTING = 1;
export const STATE_CONNECTED = 2;
export const STATE_CLOSING = 3;

export interface Receiver extends InFlightRing {
  readonly listener: Listener<Receiver>;
  readonly protocol: number;
  socket: net.Socket | null;
  state: number;
  /** Bytes of an incomplete frame carried over to the next chunk. */
  partial: Buffer | null;
  lastWriteMs: number;
  closeReason: string | null;
  sessionPresent: boolean;
  destroy(reason: string | null): void;
}
