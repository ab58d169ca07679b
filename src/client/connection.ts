// The lean MQTT connection. One object per simulated device with a handful of fields, over TCP,
// TLS or WebSocket (websocket.ts); the wire's event handlers are module-level functions shared by
// every connection (read-frames.ts, no closure per client), and timing (keepalive, connect
// timeouts, publish schedules) lives in the engine's one timer, not here. The engine receives
// everything through one shared `ConnectionListener`.

import net from 'node:net';
import tls from 'node:tls';
import { PINGREQ, DISCONNECT, PT_PUBLISH, frameLength, encodeAck } from './fast-codec.ts';
import { InFlightRing } from './in-flight.ts';
import type { Listener } from './listener.ts';
import { kConn, onClose, onData, onError, onSecureConnect, onTcpConnect } from './read-frames.ts';
import { STATE_CLOSING, STATE_CONNECTED, STATE_CONNECTING, STATE_IDLE, type Receiver, type Wire } from './receiver.ts';
import type { WebSocketEndpoint } from './websocket.ts';

export type ConnectionListener = Listener<Connection>;
export { errorReason, wallNowMs } from './read-frames.ts';
// Exposed for tests that want one ack without a socket.
export { encodeAck };

export interface Endpoint {
  host: string;
  port: number;
  tls?: tls.ConnectionOptions;
  localAddress?: string;
  /** ws:// or wss:// URL (path included) when the endpoint speaks MQTT over WebSocket. */
  wsUrl?: string;
}

let openWebSocket: typeof import('./websocket.ts').openWebSocket | null = null;

/**
 * Loads the WebSocket transport (the `ws` package) once. Whoever opens ws:// or wss:// endpoints
 * calls it first (the shard server does at prepare), so a run over plain MQTT never holds `ws`.
 */
export async function loadWebSocketTransport(): Promise<void> {
  openWebSocket ??= (await import('./websocket.ts')).openWebSocket;
}

/** Any of these broker URLs needs the WebSocket transport. */
export const needsWebSocket = (urls: readonly string[]): boolean => urls.some((u) => /^wss?:\/\//i.test(u));

const frameHeader = new Int32Array(1);

export class Connection extends InFlightRing implements Receiver {
  socket: Wire | null = null;
  state = STATE_IDLE;
  /** Bytes of an incomplete frame carried over to the next chunk. */
  partial: Buffer | null = null;
  nextPid = 0;
  lastWriteMs = 0;
  closeReason: string | null = null;
  /** Index into broker.urls of the endpoint this connection uses. */
  endpoint = 0;
  /** The broker kept our session (CONNACK session present). */
  sessionPresent = false;
  /** Wall-clock ms of this attempt's TCP connect, TLS handshake, WebSocket upgrade; 0 = not (yet) reached. */
  tcpAt = 0;
  tlsAt = 0;
  wsAt = 0;

  constructor(
    readonly listener: ConnectionListener,
    /** Index of this client in the engine's tables. */
    readonly id: number,
    readonly protocol: number,
    /** Keep unacknowledged publishes across reconnects (clean = false). */
    persistent = false,
  ) {
    super(persistent);
  }

  get connected(): boolean {
    return this.state === STATE_CONNECTED;
  }

  /**
   * Opens the socket and sends CONNECT right away (Node queues it until the socket is up; a
   * WebSocket sends it once the upgrade completes). `tlsExtra`: this device's own TLS options
   * (client certificate and key), over the endpoint's.
   */
  open(endpoint: Endpoint, connectPacket: Buffer, nowMs: number, tlsExtra?: tls.ConnectionOptions): void {
    this.state = STATE_CONNECTING;
    this.closeReason = null;
    this.partial = null;
    this.tcpAt = this.tlsAt = this.wsAt = 0;
    if (!this.persistent) {
      this.ringHead = 0;
      this.ringCount = 0;
    }
    this.lastWriteMs = nowMs;
    if (endpoint.wsUrl !== undefined) {
      const wsEndpoint = tlsExtra && endpoint.tls ? { ...endpoint, tls: { ...endpoint.tls, ...tlsExtra } } : endpoint;
      if (openWebSocket === null) throw new Error('the WebSocket transport is not loaded (loadWebSocketTransport)');
      this.socket = openWebSocket(this, wsEndpoint as WebSocketEndpoint, connectPacket);
      return;
    }
    const opts: net.NetConnectOpts = { host: endpoint.host, port: endpoint.port, noDelay: true };
    if (endpoint.localAddress) opts.localAddress = endpoint.localAddress;
    const socket = endpoint.tls ? tls.connect({ ...endpoint.tls, ...tlsExtra, ...opts } as tls.ConnectionOptions) : net.connect(opts);
    (socket as unknown as Record<symbol, Connection>)[kConn] = this;
    socket.on('connect', onTcpConnect);
    if (endpoint.tls) socket.on('secureConnect', onSecureConnect);
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    this.socket = socket;
    socket.write(connectPacket);
  }

  /**
   * Writes one packet. A QoS 1/2 PUBLISH tells the in-flight ring its QoS here (so an ack that
   * does not fit it is caught): `track` its packet id before writing it.
   */
  write(buf: Buffer, nowMs: number): void {
    const first = buf[0];
    if (first >> 4 === PT_PUBLISH && (first & 6) !== 0) this.noteQosOf(buf);
    this.socket!.write(buf);
    this.lastWriteMs = nowMs;
  }

  private noteQosOf(publish: Buffer): void {
    if (frameLength(publish, 0, publish.length, frameHeader) < 0) return;
    const topicAt = frameHeader[0];
    const pidAt = topicAt + 2 + publish.readUInt16BE(topicAt);
    this.noteQos(publish.readUInt16BE(pidAt), (publish[0] >> 1) & 3);
  }

  /** Next packet id (1..65535). */
  allocPid(): number {
    this.nextPid = this.nextPid === 65535 ? 1 : this.nextPid + 1;
    return this.nextPid;
  }

  /** After reconnecting with a session: send every unacknowledged publish again, DUP set. */
  resendUnacked(nowMs: number): number {
    const ring = this.ring;
    const bufs = this.ringBufs;
    if (ring === null || bufs === null || this.socket === null) return 0;
    const cap = ring.length >> 1;
    let sent = 0;
    for (let i = 0; i < this.ringCount; i++) {
      const buf = bufs[(this.ringHead + i) % cap];
      if (buf === null) continue;
      buf[0] |= 0x08;
      this.socket.write(buf);
      sent++;
    }
    if (sent > 0) this.lastWriteMs = nowMs;
    return sent;
  }

  sendPing(nowMs: number): void {
    if (this.state === STATE_CONNECTED) this.write(PINGREQ, nowMs);
  }

  /** Polite close: DISCONNECT, then end the socket. */
  disconnect(): void {
    const socket = this.socket;
    if (socket === null) return;
    if (this.state === STATE_CONNECTED) socket.write(DISCONNECT);
    this.state = STATE_CLOSING;
    socket.end();
    socket.destroySoon();
  }

  /** Abrupt close without DISCONNECT (the broker publishes the will). */
  destroy(reason: string | null): void {
    const socket = this.socket;
    if (socket === null) return;
    if (this.state !== STATE_CLOSING) this.closeReason = reason;
    this.state = STATE_CLOSING;
    socket.destroy();
  }
}
