// The lean MQTT connection. One object per simulated device with a handful of fields; the
// socket's event handlers are module-level functions shared by every connection (no closure per
// client), and timing (keepalive, connect timeouts, publish schedules) lives in the engine's one
// timer, not here. The engine receives everything through one shared `ConnectionListener`.

import net from 'node:net';
import tls from 'node:tls';
import {
  PT_CONNACK,
  PT_PUBLISH,
  PT_PUBACK,
  PT_PUBREC,
  PT_PUBREL,
  PT_PUBCOMP,
  PT_SUBACK,
  PT_PINGRESP,
  PT_DISCONNECT,
  PINGREQ,
  DISCONNECT,
  frameLength,
  readVarInt,
  writeAck,
  encodeAck,
  connackReason,
  subackReason,
} from './fast-codec.ts';

export interface ConnectionListener {
  /** CONNACK arrived: `reason` is null when accepted, else e.g. `connack:not-authorized`. */
  onConnack(conn: Connection, reason: string | null): void;
  /** One SUBACK return code; `reason` null when granted. */
  onSuback(conn: Connection, index: number, reason: string | null): void;
  /** The broker acknowledged (PUBACK, or PUBCOMP for QoS 2) a publish whose intended send time was `intendedMs`. */
  onPublishAck(conn: Connection, intendedMs: number): void;
  /**
   * A PUBLISH arrived; payload is `buf[start, end)`. `nowMs` is the wall clock at receipt.
   * `retained` is set for a stored message replayed on subscribe (not a live delivery).
   */
  onMessage(conn: Connection, buf: Buffer, start: number, end: number, nowMs: number, retained: boolean): void;
  /** The socket closed. `reason` is null for a close we asked for. */
  onClose(conn: Connection, reason: string | null): void;
}

export interface Endpoint {
  host: string;
  port: number;
  tls?: tls.ConnectionOptions;
  localAddress?: string;
}

const STATE_IDLE = 0;
const STATE_CONNECTING = 1;
const STATE_CONNECTED = 2;
const STATE_CLOSING = 3;

const kConn = Symbol('fleetstorm.connection');
const frameHeader = new Int32Array(1);
const cursor = new Int32Array(1);
// Acknowledgements produced while parsing one chunk are gathered here and written once.
const ackScratch = Buffer.allocUnsafe(64 * 1024);
let ackLen = 0;
const wallOrigin = performance.timeOrigin;

export function wallNowMs(): number {
  return wallOrigin + performance.now();
}

export class Connection {
  socket: net.Socket | null = null;
  state = STATE_IDLE;
  /** Bytes of an incomplete frame carried over to the next chunk. */
  partial: Buffer | null = null;
  nextPid = 0;
  /**
   * Outgoing QoS>0 publishes awaiting their final ack, oldest first: pairs of (packet id,
   * intended send time). Brokers acknowledge in order (MQTT 3.1.1 §4.6, 5.0 §4.6), so a ring
   * replaces a map.
   */
  ring: Float64Array | null = null;
  ringHead = 0;
  ringCount = 0;
  lastWriteMs = 0;
  closeReason: string | null = null;
  /**
   * Persistent sessions keep each unacknowledged publish (beside the ring) so it can be sent
   * again, with DUP set, after a reconnect — as MQTT requires of a client with a session.
   */
  ringBufs: (Buffer | null)[] | null = null;
  /** Index into broker.urls of the endpoint this connection uses. */
  endpoint = 0;
  /** The broker kept our session (CONNACK session present). */
  sessionPresent = false;

  constructor(
    readonly listener: ConnectionListener,
    /** Index of this client in the engine's tables. */
    readonly id: number,
    readonly protocol: number,
    /** Keep unacknowledged publishes across reconnects (clean = false). */
    readonly persistent = false,
  ) {}

  get connected(): boolean {
    return this.state === STATE_CONNECTED;
  }

  get inFlight(): number {
    return this.ringCount;
  }

  /** Opens the socket and sends CONNECT right away (Node queues it until the socket is up). */
  open(endpoint: Endpoint, connectPacket: Buffer, nowMs: number): void {
    const opts: net.NetConnectOpts = { host: endpoint.host, port: endpoint.port, noDelay: true };
    if (endpoint.localAddress) opts.localAddress = endpoint.localAddress;
    const socket = endpoint.tls ? tls.connect({ ...endpoint.tls, ...opts } as tls.ConnectionOptions) : net.connect(opts);
    (socket as unknown as Record<symbol, Connection>)[kConn] = this;
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    this.socket = socket;
    this.state = STATE_CONNECTING;
    this.closeReason = null;
    this.partial = null;
    if (!this.persistent) {
      this.ringHead = 0;
      this.ringCount = 0;
    }
    socket.write(connectPacket);
    this.lastWriteMs = nowMs;
  }

  write(buf: Buffer, nowMs: number): void {
    this.socket!.write(buf);
    this.lastWriteMs = nowMs;
  }

  /** Next packet id (1..65535). */
  allocPid(): number {
    this.nextPid = this.nextPid === 65535 ? 1 : this.nextPid + 1;
    return this.nextPid;
  }

  /** Remember a QoS>0 publish until its final ack (and, for persistent sessions, its bytes). */
  track(pid: number, intendedMs: number, packet?: Buffer): void {
    let ring = this.ring;
    if (ring === null) {
      ring = this.ring = new Float64Array(8);
      if (this.persistent) this.ringBufs = new Array(4).fill(null);
    }
    const cap = ring.length >> 1;
    if (this.ringCount === cap) ring = this.growRing();
    const index = (this.ringHead + this.ringCount) % (ring.length >> 1);
    ring[index << 1] = pid;
    ring[(index << 1) + 1] = intendedMs;
    if (this.ringBufs !== null) this.ringBufs[index] = packet ?? null;
    this.ringCount++;
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

  private growRing(): Float64Array {
    const old = this.ring!;
    const cap = old.length >> 1;
    const ring = new Float64Array(old.length * 2);
    const oldBufs = this.ringBufs;
    const bufs = oldBufs !== null ? new Array<Buffer | null>(cap * 2).fill(null) : null;
    for (let i = 0; i < this.ringCount; i++) {
      const from = ((this.ringHead + i) % cap) << 1;
      ring[i << 1] = old[from];
      ring[(i << 1) + 1] = old[from + 1];
      if (bufs !== null) bufs[i] = oldBufs![(this.ringHead + i) % cap];
    }
    this.ring = ring;
    this.ringBufs = bufs;
    this.ringHead = 0;
    return ring;
  }

  /** Removes `pid` from the ring and returns its intended send time, or -1 if unknown. */
  untrack(pid: number): number {
    const ring = this.ring;
    if (ring === null || this.ringCount === 0) return -1;
    const cap = ring.length >> 1;
    let slot = this.ringHead << 1;
    const bufs = this.ringBufs;
    if (ring[slot] === pid) {
      if (bufs !== null) bufs[this.ringHead] = null;
      this.ringHead = (this.ringHead + 1) % cap;
      this.ringCount--;
      return ring[slot + 1];
    }
    // Out of order (a broker that does not follow §4.6): find it and close the gap.
    for (let i = 1; i < this.ringCount; i++) {
      slot = ((this.ringHead + i) % cap) << 1;
      if (ring[slot] !== pid) continue;
      const t = ring[slot + 1];
      for (let j = i; j < this.ringCount - 1; j++) {
        const a = ((this.ringHead + j) % cap) << 1;
        const b = ((this.ringHead + j + 1) % cap) << 1;
        ring[a] = ring[b];
        ring[a + 1] = ring[b + 1];
        if (bufs !== null) bufs[a >> 1] = bufs[b >> 1];
      }
      if (bufs !== null) bufs[(this.ringHead + this.ringCount - 1) % cap] = null;
      this.ringCount--;
      return t;
    }
    return -1;
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

function onError(this: net.Socket, err: NodeJS.ErrnoException): void {
  const conn = (this as unknown as Record<symbol, Connection>)[kConn];
  if (conn.state === STATE_CLOSING) return;
  conn.closeReason ??= errorReason(err, this instanceof tls.TLSSocket);
}

function onClose(this: net.Socket): void {
  const conn = (this as unknown as Record<symbol, Connection>)[kConn];
  const wasClosing = conn.state === STATE_CLOSING;
  const reason = wasClosing ? conn.closeReason : (conn.closeReason ?? 'conn:closed-by-broker');
  conn.state = STATE_IDLE;
  conn.socket = null;
  conn.partial = null;
  conn.listener.onClose(conn, reason);
}

export function errorReason(err: NodeJS.ErrnoException, isTls: boolean): string {
  const code = err.code ?? 'ERROR';
  if (isTls && !code.startsWith('E')) return `tls:${code}`;
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) return `tls:${code}`;
  return `tcp:${code}`;
}

function onData(this: net.Socket, chunk: Buffer): void {
  const conn = (this as unknown as Record<symbol, Connection>)[kConn];
  let buf = chunk;
  if (conn.partial !== null) {
    buf = Buffer.concat([conn.partial, chunk]);
    conn.partial = null;
  }
  const end = buf.length;
  const now = wallNowMs();
  let off = 0;
  ackLen = 0;
  while (off < end) {
    const len = frameLength(buf, off, end, frameHeader);
    if (len === -2) {
      conn.destroy('mqtt:malformed-packet');
      return;
    }
    if (len === -1 || off + len > end) {
      conn.partial = buf.subarray(off);
      break;
    }
    handleFrame(conn, buf, off, off + frameHeader[0], off + len, now);
    if (conn.socket === null || conn.state === STATE_CLOSING) return;
    off += len;
  }
  if (ackLen > 0) {
    this.write(Buffer.from(ackScratch.subarray(0, ackLen)));
    conn.lastWriteMs = now;
  }
}

function queueAck(type: number, pid: number, conn: Connection): void {
  if (ackLen + 4 > ackScratch.length) {
    conn.socket!.write(Buffer.from(ackScratch.subarray(0, ackLen)));
    ackLen = 0;
  }
  ackLen = writeAck(ackScratch, ackLen, type, pid);
}

function handleFrame(conn: Connection, buf: Buffer, start: number, body: number, end: number, now: number): void {
  const first = buf[start];
  const type = first >> 4;
  switch (type) {
    case PT_PUBLISH: {
      const qos = (first >> 1) & 3;
      let off = body + 2 + buf.readUInt16BE(body);
      let pid = 0;
      if (qos > 0) {
        pid = buf.readUInt16BE(off);
        off += 2;
      }
      if (conn.protocol === 5) {
        const propLen = readVarInt(buf, off, cursor);
        off = cursor[0] + propLen;
      }
      conn.listener.onMessage(conn, buf, off, end, now, (first & 1) === 1);
      if (qos === 1) queueAck(PT_PUBACK, pid, conn);
      else if (qos === 2) queueAck(PT_PUBREC, pid, conn);
      return;
    }
    case PT_PUBACK:
    case PT_PUBCOMP: {
      const t = conn.untrack(buf.readUInt16BE(body));
      if (t >= 0) conn.listener.onPublishAck(conn, t);
      return;
    }
    case PT_PUBREC:
      queueAck(PT_PUBREL, buf.readUInt16BE(body), conn);
      return;
    case PT_PUBREL:
      queueAck(PT_PUBCOMP, buf.readUInt16BE(body), conn);
      return;
    case PT_CONNACK: {
      const code = buf[body + 1];
      if (code === 0) {
        conn.state = STATE_CONNECTED;
        conn.sessionPresent = (buf[body] & 1) === 1;
        conn.listener.onConnack(conn, null);
      } else {
        const reason = connackReason(code, conn.protocol);
        conn.closeReason = reason;
        conn.listener.onConnack(conn, reason);
        conn.destroy(reason);
      }
      return;
    }
    case PT_SUBACK: {
      let off = body + 2;
      if (conn.protocol === 5) {
        const propLen = readVarInt(buf, off, cursor);
        off = cursor[0] + propLen;
      }
      for (let i = 0; off < end; i++, off++) {
        const code = buf[off];
        conn.listener.onSuback(conn, i, code < 0x80 ? null : subackReason(code, conn.protocol));
      }
      return;
    }
    case PT_PINGRESP:
      return;
    case PT_DISCONNECT: {
      // MQTT 5 server-initiated DISCONNECT carries a reason code.
      const code = end > body ? buf[body] : 0;
      conn.destroy(code === 0 ? 'conn:server-disconnect' : `disconnect:${connackReason(code, 5).slice(8)}`);
      return;
    }
    default:
      conn.destroy(`mqtt:unexpected-packet-${type}`);
  }
}

// Exposed for tests that want one ack without a socket.
export { encodeAck };
