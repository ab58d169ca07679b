// The socket's event handlers: module-level functions shared by every connection (no closure per
// client). `onData` cuts each chunk into frames, hands them to the listener, and writes the acks
// it owes in one batch per chunk.
import type net from 'node:net';
import tls from 'node:tls';
import { flushAcks, queueAck, resetAcks } from './ack-batch.ts';
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
  frameLength,
  readVarInt,
} from './fast-codec.ts';
import { connackReason, disconnectReason, subackReason } from './mqtt5-reasons.ts';
import { onFinalAck, onPubrec } from './publish-acks.ts';
import { STATE_CLOSING, STATE_CONNECTED, STATE_IDLE, type Receiver, type Wire } from './receiver.ts';

/** The socket property that leads back to its connection. */
export const kConn = Symbol('fleetstorm.connection');
const frameHeader = new Int32Array(1);
const cursor = new Int32Array(1);
const wallOrigin = performance.timeOrigin;

export function wallNowMs(): number {
  return wallOrigin + performance.now();
}

export function connOf(socket: object): Receiver {
  return (socket as Record<symbol, Receiver>)[kConn];
}

/** The TCP connection is up (for mqtts:// and wss:// too, before the TLS handshake). */
export function onTcpConnect(this: net.Socket): void {
  connOf(this).tcpAt = wallNowMs();
}

/** The TLS handshake is done. */
export function onSecureConnect(this: tls.TLSSocket): void {
  connOf(this).tlsAt = wallNowMs();
}

export function onError(this: net.Socket, err: NodeJS.ErrnoException): void {
  const conn = connOf(this);
  if (conn.state === STATE_CLOSING) return;
  conn.closeReason ??= errorReason(err, this instanceof tls.TLSSocket);
}

export function onClose(this: Wire): void {
  const conn = connOf(this);
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

export function onData(this: Wire, chunk: Buffer): void {
  const conn = connOf(this);
  let buf = chunk;
  if (conn.partial !== null) {
    buf = Buffer.concat([conn.partial, chunk]);
    conn.partial = null;
  }
  const end = buf.length;
  const now = wallNowMs();
  let off = 0;
  resetAcks();
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
  if (flushAcks(this)) conn.lastWriteMs = now;
}

function handleFrame(conn: Receiver, buf: Buffer, start: number, body: number, end: number, now: number): void {
  const type = buf[start] >> 4;
  switch (type) {
    case PT_PUBLISH:
      return onPublish(conn, buf, start, body, end, now);
    case PT_PUBACK:
    case PT_PUBCOMP:
      return onFinalAck(conn, type, buf, body, end);
    case PT_PUBREC:
      return onPubrec(conn, buf, body, end);
    case PT_PUBREL:
      return queueAck(conn.socket!, PT_PUBCOMP, buf.readUInt16BE(body));
    case PT_CONNACK:
      return onConnack(conn, buf, body, end);
    case PT_SUBACK:
      return onSuback(conn, buf, body, end);
    case PT_PINGRESP:
      return;
    case PT_DISCONNECT: {
      // MQTT 5 server-initiated DISCONNECT carries a reason code.
      return conn.destroy(disconnectReason(end > body ? buf[body] : 0));
    }
    default:
      conn.destroy(`mqtt:unexpected-packet-${type}`);
  }
}

function onPublish(conn: Receiver, buf: Buffer, start: number, body: number, end: number, now: number): void {
  const first = buf[start];
  const qos = (first >> 1) & 3;
  let off = body + 2 + buf.readUInt16BE(body);
  let pid = 0;
  if (qos > 0) {
    pid = buf.readUInt16BE(off);
    off += 2;
  }
  if (conn.protocol === 5) {
    conn.deliveryPropsAt = off; // a command's Response Topic is read from here
    const propLen = readVarInt(buf, off, cursor);
    off = cursor[0] + propLen;
  }
  conn.listener.onMessage(conn, buf, off, end, now, (first & 1) === 1);
  if (qos === 1) queueAck(conn.socket!, PT_PUBACK, pid);
  else if (qos === 2) queueAck(conn.socket!, PT_PUBREC, pid);
}

function onConnack(conn: Receiver, buf: Buffer, body: number, end: number): void {
  const code = buf[body + 1];
  // MQTT 5: the broker's limits (mqtt5-limits.ts); a need it cannot meet ends the attempt like a refusal.
  const unmet = conn.protocol === 5 ? connackLimits(conn, buf, body + 2, end) : null;
  if (code === 0 && unmet === null) {
    conn.state = STATE_CONNECTED;
    conn.sessionPresent = (buf[body] & 1) === 1;
    conn.listener.onConnack(conn, null);
    return;
  }
  const reason = code !== 0 ? connackReason(code, conn.protocol) : unmet!;
  conn.closeReason = reason;
  conn.listener.onConnack(conn, reason);
  conn.destroy(reason);
}

function connackLimits(conn: Receiver, buf: Buffer, off: number, end: number): string | null {
  if (!conn.readConnackProperties(buf, off, end)) return 'mqtt:malformed-connack-properties';
  return conn.unmetNeed();
}

function onSuback(conn: Receiver, buf: Buffer, body: number, end: number): void {
  let off = body + 2;
  if (conn.protocol === 5) {
    const propLen = readVarInt(buf, off, cursor);
    off = cursor[0] + propLen;
  }
  for (let i = 0; off < end; i++, off++) {
    const code = buf[off];
    if (code < 0x80) conn.listener.onSuback(conn, i, null, code);
    else conn.listener.onSuback(conn, i, subackReason(code, conn.protocol), -1);
  }
}
