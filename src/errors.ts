// The failures a user can act on, in one place. Lower layers throw these; only cli/ maps them to
// the contract's exit codes (cli/exit-codes.ts), so no folder below the CLI chooses one.

/** One problem in a scenario or input, with the path it applies to: `groups[1].publish[0].qos`. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Invalid usage, scenario or input file: nothing was run (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The run could not be carried out: no broker reachable, a host lost, an internal failure (exit 1). */
export class RunError extends Error {
  override name = 'RunError';
}

/** One line per issue: `path: message`. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n');
}

/** Every problem found in a scenario, thrown once after all checks ran. */
export class ScenarioError extends UsageError {
  override name = 'ScenarioError';
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`scenario has ${count}:\n${formatIssues(issues)}`);
    this.issues = issues;
  }
}

/** A result or baseline file that cannot be used, with a one-line reason. */
export class ResultFileError extends UsageError {
  override name = 'ResultFileError';
}
