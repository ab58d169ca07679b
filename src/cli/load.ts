// Scenario loading as the commands need it: `--set`, `--duration` and `--broker` folded in,
// thresholds parsed up front, every problem reported at once as a usage error (exit 2).

import { loadScenario, ScenarioError, formatIssues } from '../scenario/load.ts';
import { parseThresholds } from '../gate/threshold.ts';
import type { LoadedScenario, ValidationIssue } from '../scenario/types.ts';
import { CliError, EXIT_USAGE } from './exit-codes.ts';

export interface LoadFlags {
  set?: string[];
  duration?: string;
  broker?: string[];
}

export function loadForCli(file: string, flags: LoadFlags): LoadedScenario {
  const set = [...(flags.set ?? [])];
  if (flags.duration) set.push(`duration=${flags.duration}`);
  // --broker replaces the scenario's endpoints: one becomes broker.url, several broker.urls.
  if (flags.broker?.length) {
    set.push('broker.url=null', 'broker.urls=null');
    if (flags.broker.length === 1) set.push(`broker.url=${flags.broker[0]}`);
    else set.push(`broker.urls=${JSON.stringify(flags.broker)}`);
  }
  let loaded: LoadedScenario;
  try {
    loaded = loadScenario(file, { set });
  } catch (err) {
    if (err instanceof ScenarioError) throw new CliError(formatIssues(err.issues), EXIT_USAGE);
    throw err;
  }
  const { scenario } = loaded;
  const issues: ValidationIssue[] = parseThresholds(scenario.thresholds, scenario.groups.map((g) => g.name)).issues;
  if (issues.length) throw new CliError(formatIssues(issues), EXIT_USAGE);
  return loaded;
}
