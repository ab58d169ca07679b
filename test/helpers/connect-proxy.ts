// A TCP proxy in front of a broker that watches connection attempts from outside fleetstorm:
// it timestamps every CONNECT, counts the attempts awaiting their CONNACK at each moment and
// keeps the most, and can hold the broker's first bytes (the CONNACK) back for a while so that
// attempts pile up. The broker going away closes the client side too, as a broker restart does.
import net from 'node:net';

export interface ConnectProxy {
  url: string;
  /** Wall time (Date.now()) of every CONNECT seen, in order. */
  connects: number[];
  /** Attempts that sent CONNECT and got neither CONNACK nor a close, now and at most. */
  pending(): number;
  maxPending(): number;
  resetMax(): void;
  close(): Promise<void>;
}

/** `only`: count just the CONNECTs that contain this text (a client id prefix), e.g. not a monitor's. */
export async function startConnectProxy(
  target: { host: string; port: number },
  opts: { connackDelayMs?: number; only?: string } = {},
): Promise<ConnectProxy> {
  const delay = opts.connackDelayMs ?? 0;
  const connects: number[] = [];
  const sockets = new Set<net.Socket>();
  let pending = 0;
  let most = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    let awaiting = false;
    let answered = false;
    const settle = () => {
      if (awaiting) pending--;
      awaiting = false;
    };
    client.on('data', (chunk) => {
      if (!awaiting && !answered && chunk[0] === 0x10 && (opts.only === undefined || chunk.includes(opts.only))) {
        awaiting = true;
        connects.push(Date.now());
        most = Math.max(most, ++pending);
      }
      upstream.write(chunk);
    });
    let held: Buffer[] | null = delay > 0 ? [] : null;
    upstream.on('data', (chunk) => {
      if (!answered && chunk[0] === 0x20) {
        answered = true;
        if (held !== null) {
          held.push(chunk);
          setTimeout(() => {
            settle();
            for (const c of held ?? []) client.write(c);
            held = null;
          }, delay);
          return;
        }
        settle();
      }
      if (held !== null && answered) held.push(chunk);
      else client.write(chunk);
    });
    const end = () => {
      settle();
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    connects,
    pending: () => pending,
    maxPending: () => most,
    resetMax: () => (most = pending),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
