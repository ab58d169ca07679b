// What the frame readers need of a connection. `Connection` implements it; the readers take this
// interface so that they, and the connection that installs them on its socket, form no cycle.
import type { InFlightRing } from './in-flight.ts';
import type { Listener } from './listener.ts';

export const STATE_IDLE = 0;
export const STATE_CONNECTING = 1;
export const STATE_CONNECTED = 2;
export const STATE_CLOSING = 3;

/**
 * What a connection writes to and closes: a `net.Socket` / `tls.TLSSocket` for mqtt:// and
 * mqtts://, an `MqttWebSocket` (websocket.ts) for ws:// and wss://.
 */
export interface Wire {
  write(buf: Buffer): unknown;
  /** Polite close (TCP FIN, or a WebSocket close frame). */
  end(): unknown;
  /** Abrupt close. */
  destroy(): unknown;
  /** Close once written data is flushed (a no-op where `end` already does that). */
  destroySoon(): void;
  once(event: 'close', listener: () => void): unknown;
  /** Gather several writes into one send (tests' bursts). */
  cork(): void;
  uncork(): void;
}

export interface Receiver extends InFlightRing {
  readonly listener: Listener<Receiver>;
  readonly protocol: number;
  socket: Wire | null;
  state: number;
  /** Bytes of an incomplete frame carried over to the next chunk. */
  partial: Buffer | null;
  lastWriteMs: number;
  closeReason: string | null;
  sessionPresent: boolean;
  /** Wall-clock ms of this attempt's TCP connect, TLS handshake and WebSocket upgrade (0 = not reached / not used). */
  tcpAt: number;
  tlsAt: number;
  wsAt: number;
  destroy(reason: string | null): void;
}
