// Waits until something accepts TCP on host:port, with a hard deadline. Used to know when a
// spawned broker is ready: its log line can come before the socket is listening.
import net from 'node:net';

function tryConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface WaitForPortOptions {
  host?: string;
  /** Total time allowed. */
  timeoutMs?: number;
  /** Pause between attempts. */
  intervalMs?: number;
  /** Checked between attempts: a non-null string aborts the wait with that reason. */
  abortReason?: () => string | null;
}

/** Resolves once host:port accepts a TCP connection; rejects with one clear line otherwise. */
export async function waitForPort(port: number, opts: WaitForPortOptions = {}): Promise<void> {
  const host = opts.host ?? '127.0.0.1';
  const timeoutMs = opts.timeoutMs ?? 5000;
  const intervalMs = opts.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = opts.abortReason?.();
    if (reason) throw new Error(reason);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`nothing accepted TCP on ${host}:${port} within ${timeoutMs} ms`);
    if (await tryConnect(host, port, Math.min(left, 1000))) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
