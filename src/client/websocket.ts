// MQTT over WebSocket (ws:// and wss://, subprotocol `mqtt`, RFC 6455 through the `ws` package,
// compression off). The lean client stays the same: an `MqttWebSocket` is the connection's wire,
// its binary messages go to the same frame reader as TCP chunks (a broker may put several MQTT
// packets in one message or split one across messages; onData handles both), and writes become
// one WebSocket message each. Every handler is a module-level function shared by all
// connections, found through the kConn property as on TCP sockets: no closure per client.
//
// Timestamps for the connect parts: the TCP connect and TLS handshake of the socket under the
// upgrade request (created here, in `createConnection`), and the end of the HTTP upgrade ('open').

import net from 'node:net';
import tls from 'node:tls';
import WebSocket from 'ws';
import { errorReason, kConn, onClose, onData, onSecureConnect, onTcpConnect, connOf, wallNowMs } from './read-frames.ts';
import { STATE_CLOSING, type Receiver } from './receiver.ts';

export class MqttWebSocket extends WebSocket {
  /** CONNECT, held until the upgrade completes (a WebSocket cannot send before 'open'). */
  connectPacket: Buffer | null = null;
  secure = false;

  write(buf: Buffer): void {
    this.send(buf);
  }

  end(): void {
    this.close(1000);
  }

  destroySoon(): void {
    // close() already waits for the close handshake, then ends the socket.
  }

  destroy(): void {
    this.terminate();
  }

  // Each write is its own WebSocket message already framed and written in one go.
  cork(): void {}
  uncork(): void {}
}

/** What of an `Endpoint` (connection.ts) a WebSocket needs; TLS options present = wss://. */
export interface WebSocketEndpoint {
  /** ws://host:port/path or wss://… */
  wsUrl: string;
  tls?: tls.ConnectionOptions;
  localAddress?: string;
}

/** Opens a WebSocket for `conn` and sends `connectPacket` as soon as the upgrade completes. */
export function openWebSocket(conn: Receiver, endpoint: WebSocketEndpoint, connectPacket: Buffer): MqttWebSocket {
  // The TLS options reach tls.connect in connectUnderlying; kConn rides along to it.
  const options: Record<string | symbol, unknown> = {
    ...endpoint.tls,
    perMessageDeflate: false,
    createConnection: connectUnderlying,
    [kConn]: conn,
  };
  if (endpoint.localAddress) options.localAddress = endpoint.localAddress;
  const ws = new MqttWebSocket(endpoint.wsUrl, 'mqtt', options as WebSocket.ClientOptions);
  (ws as unknown as Record<symbol, Receiver>)[kConn] = conn;
  ws.secure = endpoint.tls !== undefined;
  ws.connectPacket = connectPacket;
  // The handlers take `this` as the MqttWebSocket (or any Wire); ws types it as a plain WebSocket.
  ws.on('open', onOpen as () => void);
  ws.on('message', onData as unknown as (data: Buffer) => void);
  ws.on('error', onWsError as (err: Error) => void);
  ws.on('close', onClose as () => void);
  return ws;
}

type UnderlyingOptions = tls.ConnectionOptions & net.TcpNetConnectOpts & Record<symbol, Receiver> & { defaultPort?: number };

/**
 * The socket under the upgrade request, as ws's own netConnect/tlsConnect make it, but marked
 * with its connection and timed. Called synchronously from the WebSocket constructor.
 */
function connectUnderlying(options: UnderlyingOptions): net.Socket {
  const conn = options[kConn];
  let socket: net.Socket;
  // ws sets defaultPort 443 for wss:// and 80 for ws://.
  if (options.defaultPort === 443) {
    (options as { path?: string }).path = undefined;
    if (!options.servername && options.servername !== '') options.servername = net.isIP(options.host!) ? '' : options.host;
    socket = tls.connect(options);
    socket.on('secureConnect', onSecureConnect);
  } else {
    (options as { path?: string }).path = undefined;
    socket = net.connect(options);
  }
  (socket as unknown as Record<symbol, Receiver>)[kConn] = conn;
  socket.setNoDelay(true);
  socket.on('connect', onTcpConnect);
  return socket;
}

function onOpen(this: MqttWebSocket): void {
  const conn = connOf(this);
  conn.wsAt = wallNowMs();
  const packet = this.connectPacket;
  this.connectPacket = null;
  if (packet !== null) {
    this.send(packet);
    conn.lastWriteMs = conn.wsAt;
  }
}

/**
 * Errors before the upgrade carry the socket's code (tcp:ECONNREFUSED, tls:…); a refused upgrade
 * is `ws:http-<status>`; a WebSocket protocol error after it is `ws:<code>`.
 */
export function wsErrorReason(err: NodeJS.ErrnoException, secure: boolean): string {
  const status = /Unexpected server response: (\d+)/.exec(err.message);
  if (status) return `ws:http-${status[1]}`;
  if (err.code?.startsWith('WS_ERR_')) return `ws:${err.code.slice(7).toLowerCase().replaceAll('_', '-')}`;
  if (err.code === undefined) return 'ws:handshake-failed';
  return errorReason(err, secure);
}

function onWsError(this: MqttWebSocket, err: NodeJS.ErrnoException): void {
  const conn = connOf(this);
  if (conn.state === STATE_CLOSING) return;
  conn.closeReason ??= wsErrorReason(err, this.secure);
}
