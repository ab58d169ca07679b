// `fleetstorm broker [--port N] [--host ADDR]`: the embedded broker on its own until Ctrl-C.
import { serveBroker } from '../broker/serve.ts';
import { EXIT_OK } from './exit-codes.ts';

export async function brokerCommand(_file: string, flags: { port: number; host: string }): Promise<number> {
  await serveBroker({ port: flags.port, host: flags.host });
  return EXIT_OK;
}
