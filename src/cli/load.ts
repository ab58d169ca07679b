// Scenario loading as the commands need it: `--set`, `--duration` and `--broker` folded in,
// every problem (thresholds included) reported at once as a usage error (exit 2).

import { loadScenario, ScenarioError, formatIssues, overridesForCli } from '../scenario/load.ts';
import type { LoadedScenario } from '../scenario/types.ts';
import { CliError, EXIT_USAGE } from './exit-codes.ts';

export interface LoadFlags {
  set?: string[];
  duration?: string;
  broker?: string[];
}

export function loadForCli(file: string, flags: LoadFlags): LoadedScenario {
  const set = [...(flags.set ?? []), ...overridesForCli({ brokers: flags.broker, duration: flags.duration })];
  let loaded: LoadedScenario;
  try {
    loaded = loadScenario(file, { set });
  } catch (err) {
    if (err instanceof ScenarioError) throw new CliError(formatIssues(err.issues), EXIT_USAGE);
    throw err;
  }
  return loaded;
}
