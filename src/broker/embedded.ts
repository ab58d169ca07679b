// The embedded broker: aedes (MQTT 3.1.1 and 3.1) over a plain `net` server on loopback, and on
// request over WebSocket too (an HTTP server whose upgrades, subprotocol `mqtt`, go to aedes as
// streams through ws's createWebSocketStream).
// `fleetstorm run` starts it when no broker is named, and `fleetstorm broker` runs it alone.
//
// MQTT 5 clients: aedes 1.2 answers a protocol-level-5 CONNECT with a 3.1.1 CONNACK carrying
// return code 1 (unacceptable protocol version) and closes the socket within milliseconds
// (test/integration/broker/embedded.test.ts pins this), so no interception is needed here.
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { Aedes, type AedesOptions } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';

export interface EmbeddedBrokerOptions {
  /** 0 (default) lets the OS choose a free port. */
  port?: number;
  /** Loopback by default: the embedded broker is for local load tests only. */
  host?: string;
  /** Who may connect (aedes' hook); default: anyone. */
  authenticate?: AedesOptions['authenticate'];
  /** Serve mqtts:// with this PEM certificate and key instead of plain TCP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Also serve MQTT over WebSocket (ws://host:wsPort/mqtt, any path) on this port; 0 = a free one. */
  wsPort?: number;
}

export interface EmbeddedBroker {
  url: string;
  port: number;
  host: string;
  aedes: Aedes;
  /** ws://host:port/mqtt when `wsPort` was given. */
  wsUrl?: string;
  wsPort?: number;
  /** Disconnects every client and stops listening. Safe to call twice. */
  close(): Promise<void>;
}

// Tuned for load tests rather than production: in-memory persistence (aedes' default), more
// messages in flight through the emitter, a longer pre-CONNACK queue so clients that pipeline
// SUBSCRIBE/PUBLISH right behind CONNECT are not cut off, and a quiet cluster heartbeat.
const LOAD_TEST_OPTIONS: AedesOptions = {
  concurrency: 1000,
  queueLimit: 1000,
  heartbeatInterval: 600_000,
  drainTimeout: 30_000,
};

// The listen backlog matters for connect storms; the kernel caps it at net.core.somaxconn.
const LISTEN_BACKLOG = 4096;

function listen(server: net.Server | tls.Server | http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(new Error(`embedded broker cannot listen on ${host}:${port}: ${err.code ?? err.message}`));
    };
    server.once('error', onError);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Starts aedes on a `net` server; resolves once the port accepts connections. */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = opts.host ?? '127.0.0.1';
  const aedes = await Aedes.createBroker({ ...LOAD_TEST_OPTIONS, ...(opts.authenticate ? { authenticate: opts.authenticate } : {}) });
  // Without a listener, a client's protocol error would surface as an unhandled 'error' event.
  aedes.on('clientError', () => {});
  aedes.on('connectionError', () => {});

  const server = opts.tls
    ? tls.createServer({ cert: opts.tls.cert, key: opts.tls.key, noDelay: true }, aedes.handle)
    : net.createServer({ noDelay: true }, aedes.handle);
  try {
    await listen(server, opts.port ?? 0, host);
  } catch (err) {
    await new Promise<void>((r) => aedes.close(() => r()));
    throw err;
  }
  const port = (server.address() as net.AddressInfo).port;
  const ws =
    opts.wsPort !== undefined
      ? await serveWebSocket(aedes, opts.wsPort, host).catch(async (err: unknown) => {
          await new Promise<void>((r) => aedes.close(() => r()));
          await new Promise<void>((r) => server.close(() => r()));
          throw err;
        })
      : null;

  let closing: Promise<void> | null = null;
  const close = () => {
    // aedes.close() ends every client socket, after which server.close() can complete.
    closing ??= new Promise<void>((r) => aedes.close(() => r()))
      .then(() => ws?.close())
      .then(() => new Promise<void>((r) => server.close(() => r())));
    return closing;
  };

  return {
    url: `${opts.tls ? 'mqtts' : 'mqtt'}://${host}:${port}`,
    port,
    host,
    aedes,
    ...(ws ? { wsUrl: `ws://${host}:${ws.port}/mqtt`, wsPort: ws.port } : {}),
    close,
  };
}

/** An HTTP server on `port` whose WebSocket upgrades become aedes connections. */
async function serveWebSocket(aedes: Aedes, port: number, host: string): Promise<{ port: number; close(): Promise<void> }> {
  const httpServer = http.createServer();
  const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false });
  wss.on('connection', (socket, req) => {
    const stream = createWebSocketStream(socket);
    // A client cut mid-message surfaces as a stream error; aedes sees the close.
    stream.on('error', () => {});
    aedes.handle(stream as unknown as net.Socket, req);
  });
  await listen(httpServer, port, host);
  const close = async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
    await new Promise<void>((r) => httpServer.close(() => r()));
  };
  return { port: (httpServer.address() as net.AddressInfo).port, close };
}
