// What the commands need around a run: the embedded broker when none is named (run, capacity),
// and Ctrl-C turned into a promise (run, capacity, agent; a second Ctrl-C quits at once).

import type { EmbeddedBroker } from '../broker/embedded.ts';
import type { Scenario } from '../scenario/types.ts';
import { EXIT_RUN_FAILED } from './exit-codes.ts';

/** Starts the embedded broker when the scenario names none, and says so on stderr unless quiet. */
export async function embeddedBrokerIfNeeded(
  scenario: Scenario,
  opts: { quiet?: boolean; remark?: string } = {},
): Promise<EmbeddedBroker | null> {
  if (scenario.broker.urls.length > 0) return null;
  // aedes loads only when it is needed.
  const { startEmbeddedBroker } = await import('../broker/embedded.ts');
  const embedded = await startEmbeddedBroker({ port: 0 });
  scenario.broker.urls = [embedded.url];
  if (opts.quiet) return embedded;
  process.stderr.write(`no broker named: started the embedded broker (aedes, MQTT 3.1.1) on ${embedded.url}${opts.remark ?? ''}\n`);
  if (scenario.broker.protocol === 5) {
    process.stderr.write('note: the embedded broker speaks MQTT 3.1.1 only; protocol 5 clients will be refused (use --broker)\n');
  }
  return embedded;
}

export interface Interrupt {
  /** Resolves at the first Ctrl-C (or SIGTERM). */
  promise: Promise<void>;
  dispose(): void;
}

/**
 * Ctrl-C and SIGTERM as a promise, for every command that stops cleanly: the first signal
 * resolves it, a second one exits 1 at once, and with `graceMs` a command that has not finished
 * that long after the first signal exits 1 too (an agent that cannot stop must not hang).
 */
export function catchInterrupt(opts: { graceMs?: number } = {}): Interrupt {
  let stop: () => void = () => {};
  const promise = new Promise<void>((resolve) => (stop = resolve));
  let count = 0;
  const onSignal = () => {
    if (++count > 1) process.exit(EXIT_RUN_FAILED);
    if (opts.graceMs !== undefined) setTimeout(() => process.exit(EXIT_RUN_FAILED), opts.graceMs).unref();
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
