// `fleetstorm broker [--port N] [--host ADDR] [--ws-port N]`: the embedded broker on its own until Ctrl-C.
import { serveBroker } from '../broker/serve.ts';
import { EXIT_OK } from './exit-codes.ts';
import { catchInterrupt } from './run-support.ts';

export async function brokerCommand(_file: string, flags: { port: number; host: string; wsPort?: number }): Promise<number> {
  // The one Ctrl-C handler every command shares: the first stops the broker cleanly, a second quits.
  const signals = catchInterrupt();
  const abort = new AbortController();
  void signals.promise.then(() => abort.abort());
  try {
    await serveBroker({ port: flags.port, host: flags.host, wsPort: flags.wsPort, signal: abort.signal });
  } finally {
    signals.dispose();
  }
  return EXIT_OK;
}
