// A TCP server on 127.0.0.1 that plays broker by writing raw bytes the test chooses, and a
// listener that records what a Connection reports. Lets the connection's framing, ack and close
// paths run over a real socket without a broker.
import net from 'node:net';
import type { Connection, ConnectionListener } from '../../../src/client/connection.ts';

export interface RawBroker {
  port: number;
  /** Resolves with the server side of the first accepted socket. */
  accepted: Promise<net.Socket>;
  /** Every byte the client sent, in order. */
  received(): Buffer;
  /** Resolves when the server side of the connection has closed. */
  closed: Promise<void>;
  stop(): Promise<void>;
}

export async function startRawBroker(onConnection: (socket: net.Socket) => void = () => {}): Promise<RawBroker> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  let accept!: (s: net.Socket) => void;
  let markClosed!: () => void;
  const accepted = new Promise<net.Socket>((r) => (accept = r));
  const closed = new Promise<void>((r) => (markClosed = r));
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      markClosed();
    });
    accept(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    accepted,
    closed,
    received: () => Buffer.concat(chunks),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export type Recorded =
  | { kind: 'connack'; reason: string | null }
  | { kind: 'suback'; index: number; reason: string | null; grantedQos: number }
  | { kind: 'ack'; intendedMs: number }
  | { kind: 'refused'; reason: string; intendedMs: number }
  | { kind: 'message'; payload: Buffer }
  | { kind: 'close'; reason: string | null };

export class RecordingListener implements ConnectionListener {
  readonly events: Recorded[] = [];
  onConnack(_c: Connection, reason: string | null): void {
    this.events.push({ kind: 'connack', reason });
  }
  onSuback(_c: Connection, index: number, reason: string | null, grantedQos: number): void {
    this.events.push({ kind: 'suback', index, reason, grantedQos });
  }
  onPublishAck(_c: Connection, intendedMs: number): void {
    this.events.push({ kind: 'ack', intendedMs });
  }
  onPublishRefused(_c: Connection, reason: string, intendedMs: number): void {
    this.events.push({ kind: 'refused', reason, intendedMs });
  }
  onMessage(_c: Connection, buf: Buffer, start: number, end: number): void {
    // Copy: the buffer belongs to the connection and may be reused once this returns.
    this.events.push({ kind: 'message', payload: Buffer.from(buf.subarray(start, end)) });
  }
  onClose(_c: Connection, reason: string | null): void {
    this.events.push({ kind: 'close', reason });
  }
  of<K extends Recorded['kind']>(kind: K): Extract<Recorded, { kind: K }>[] {
    return this.events.filter((e): e is Extract<Recorded, { kind: K }> => e.kind === kind);
  }
}

/** Polls `check` every 2 ms until it is true; fails after `timeoutMs`. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Lets pending socket events run, so a test can assert that something did *not* happen. */
export function settle(ms = 30): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
