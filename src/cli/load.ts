// Scenario loading as the commands need it: `--set`, `--duration` and `--broker` folded in, then
// every check `run` makes before its first connect (the files the scenario names, the address
// pools against the fleet), so `validate` and `run` refuse exactly the same scenarios. Every
// problem is a usage error (exit 2, via ScenarioError / UsageError).
import { ScenarioError } from '../errors.ts';
import { checkAddresses } from '../hosts/plan-hosts.ts';
import { checkTlsFiles } from '../scenario/files.ts';
import { loadScenario, overridesForCli } from '../scenario/load.ts';
import type { LoadedScenario } from '../scenario/types.ts';

export interface LoadFlags {
  set?: string[];
  /** Steady-state duration as written (checked by the option table), e.g. 30s. */
  duration?: string;
  broker?: string[];
}

/** `env`: where `${env:NAME}` is read (default process.env). Identity inventories are read in
 * full here and pinned by their SHA-256 (`groups[].identities.sha256`). */
export async function loadForCli(file: string, flags: LoadFlags, env?: NodeJS.ProcessEnv): Promise<LoadedScenario> {
  const set = [...(flags.set ?? []), ...overridesForCli({ brokers: flags.broker, duration: flags.duration })];
  const loaded = loadScenario(file, { set, env });
  const fileIssues = [
    ...checkTlsFiles(loaded.scenario.broker.tls, loaded.baseDir),
    // The inventory reader loads only for a scenario that names one (issue 14: a run holds no more than it uses).
    ...(loaded.scenario.groups.some((g) => g.identities !== undefined)
      ? await (await import('../certs/inventory-check.ts')).checkInventories(loaded.scenario, loaded.baseDir)
      : []),
  ];
  if (fileIssues.length > 0) throw new ScenarioError(fileIssues);
  checkAddresses(loaded.scenario);
  return loaded;
}
