// Reads a scenario file: YAML → `--set` overrides → `${env:…}` secrets → validation. Every
// problem from every step is collected and thrown once as a ScenarioError.

import path from 'node:path';
import type { LoadedScenario, ValidationIssue } from './types.ts';
import { canonicalJson, sha256Hex } from './canonical.ts';
import { resolveEnvRefs } from './env.ts';
import { ScenarioError, formatIssues, formatPath, orderIssues } from './issues.ts';
import { applyOverrides, overridesForCli } from './overrides.ts';
import { dropNullKeys, validateScenarioObject } from './schema.ts';
import { parseScenarioYaml, readScenarioText } from './yaml-text.ts';

export { ScenarioError, formatIssues, formatPath, overridesForCli, validateScenarioObject };

export interface LoadOptions {
  /** `path=value` overrides, applied in order before validation. */
  set?: string[];
  /** Environment for `${env:NAME}`; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Issue messages quote offending values; a resolved secret must not reach the terminal that way. */
function scrubSecrets(issues: ValidationIssue[], secrets: string[]): ValidationIssue[] {
  if (secrets.length === 0) return issues;
  return issues.map((issue) => ({ ...issue, message: secrets.reduce((text, secret) => text.split(secret).join('***'), issue.message) }));
}

export function loadScenario(file: string, opts: LoadOptions = {}): LoadedScenario {
  const parsed = parseScenarioYaml(readScenarioText(file), file);
  const overridden = applyOverrides(parsed, opts.set ?? []);
  const redacted = dropNullKeys(overridden.value);
  const resolved = resolveEnvRefs(redacted, opts.env ?? process.env);
  const validated = validateScenarioObject(resolved.value);
  const early = orderIssues(redacted, [...overridden.issues, ...resolved.issues]);
  // An override that failed also shows up as a consequence elsewhere; its own issue comes first.
  const issues: ValidationIssue[] = [...early, ...validated.issues.filter((i) => !early.some((e) => e.path === i.path))];
  if (issues.length > 0 || !validated.scenario) throw new ScenarioError(scrubSecrets(issues, resolved.secrets));
  return {
    scenario: validated.scenario,
    secrets: resolved.secrets,
    redacted,
    sha256: sha256Hex(canonicalJson(redacted)),
    baseDir: path.dirname(path.resolve(file)),
  };
}
