// Real brokers for tests. When a broker binary is missing, its suites are skipped with a reason
// a developer can act on, except on CI (CI=true), where a missing broker fails the run: a
// green CI that silently ran nothing would be worse than a red one.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/broker/embedded.ts';
import { opensslAvailable } from '../../src/broker/certs.ts';
import {
  MOSQUITTO_BINARY,
  mosquittoAvailable,
  startMosquitto,
  type MosquittoHandle,
  type MosquittoOptions,
} from '../../src/broker/mosquitto.ts';

export const onCI = () => process.env.CI === 'true';

export type SuiteMode = 'run' | 'skip' | 'fail';

/** What a suite that needs a missing tool does: skip locally, fail on CI. */
export function suiteMode(available: boolean, ci: boolean): SuiteMode {
  if (available) return 'run';
  return ci ? 'fail' : 'skip';
}

/** `describe` when `available`; otherwise skipped with `missing` as the reason, or failing on CI. */
export function describeIfAvailable(available: boolean, missing: string) {
  return (name: string, body: () => void): void => {
    const mode = suiteMode(available, onCI());
    if (mode === 'run') describe(name, body);
    else if (mode === 'fail')
      describe(name, () =>
        it(`needs ${missing}`, () => {
          throw new Error(`${missing} (CI=true, so this fails instead of skipping)`);
        }),
      );
    else describe.skip(`${name} [skipped: ${missing}]`, body);
  };
}

export const describeWithMosquitto = describeIfAvailable(
  mosquittoAvailable(),
  `mosquitto not found at ${MOSQUITTO_BINARY} (apt-get install mosquitto)`,
);

export const describeWithOpenssl = describeIfAvailable(opensslAvailable(), 'openssl not found on PATH (apt-get install openssl)');

/** Throws the same one-line reason a skipped suite would show; for code outside `describe`. */
export function requireMosquitto(): void {
  if (!mosquittoAvailable()) throw new Error(`mosquitto not found at ${MOSQUITTO_BINARY}`);
}

/** Starts a mosquitto before the suite's tests and stops it after; call inside `describe`. */
export function useMosquitto(opts: MosquittoOptions = {}): () => MosquittoHandle {
  let broker: MosquittoHandle | undefined;
  beforeAll(async () => {
    broker = await startMosquitto(opts);
  });
  afterAll(async () => {
    await broker?.stop();
  });
  return () => {
    if (!broker) throw new Error('mosquitto is not started yet (use the getter inside a test)');
    return broker;
  };
}

/** Starts the embedded broker before the suite's tests and closes it after. */
export function useEmbeddedBroker(): () => EmbeddedBroker {
  let broker: EmbeddedBroker | undefined;
  beforeAll(async () => {
    broker = await startEmbeddedBroker({ port: 0 });
  });
  afterAll(async () => {
    await broker?.close();
  });
  return () => {
    if (!broker) throw new Error('embedded broker is not started yet (use the getter inside a test)');
    return broker;
  };
}
