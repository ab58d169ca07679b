// Scenario loading as the commands need it: `--set`, `--duration` and `--broker` folded in,
// every problem (thresholds included) reported at once as a usage error (exit 2, via ScenarioError).
import { loadScenario, overridesForCli } from '../scenario/load.ts';
import type { LoadedScenario } from '../scenario/types.ts';

export interface LoadFlags {
  set?: string[];
  duration?: string;
  broker?: string[];
}

/** `env`: where `${env:NAME}` is read (default process.env). */
export function loadForCli(file: string, flags: LoadFlags, env?: NodeJS.ProcessEnv): LoadedScenario {
  const set = [...(flags.set ?? []), ...overridesForCli({ brokers: flags.broker, duration: flags.duration })];
  return loadScenario(file, { set, env });
}
