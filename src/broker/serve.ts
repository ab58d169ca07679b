// `fleetstorm broker [--port N]`: the embedded broker on its own, for trying things out.
import { startEmbeddedBroker } from './embedded.ts';

export interface ServeBrokerOptions {
  port?: number;
  host?: string;
  /** Also serve MQTT over WebSocket on this port (0 = a free one). */
  wsPort?: number;
  /** Where status lines go; stderr by default so stdout stays clean for scripts. */
  log?: (line: string) => void;
  /** How often the connection count is checked (printed only when it changed). */
  statsIntervalMs?: number;
  /** Stops the broker when aborted (the CLI aborts it on Ctrl-C, through cli/run-support.ts). */
  signal?: AbortSignal;
}

/** Runs the embedded broker until `signal` aborts, then closes it cleanly. */
export async function serveBroker(opts: ServeBrokerOptions = {}): Promise<void> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const broker = await startEmbeddedBroker({ port: opts.port ?? 0, host: opts.host, wsPort: opts.wsPort });
  const also = broker.wsUrl ? ` and ${broker.wsUrl}` : '';
  log(`fleetstorm broker listening on ${broker.url}${also} (aedes, MQTT 3.1.1); Ctrl-C stops it`);

  let lastCount = 0;
  const stats = setInterval(() => {
    const count = broker.aedes.connectedClients;
    if (count !== lastCount) log(`connections: ${count}`);
    lastCount = count;
  }, opts.statsIntervalMs ?? 10_000);

  await new Promise<void>((resolve) => {
    const stop = () => {
      opts.signal?.removeEventListener('abort', stop);
      resolve();
    };
    if (opts.signal?.aborted) stop();
    else opts.signal?.addEventListener('abort', stop);
  });

  clearInterval(stats);
  await broker.close();
  log('fleetstorm broker stopped');
}
