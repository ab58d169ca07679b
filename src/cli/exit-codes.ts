import { formatIssues, RunError, ScenarioError, UsageError } from '../errors.ts';

// The contract's exit codes, in one place.
export const EXIT_OK = 0;
/** The run could not be carried out (no broker reachable at all, internal error, interrupted). */
export const EXIT_RUN_FAILED = 1;
/** Invalid usage or scenario: nothing was run. */
export const EXIT_USAGE = 2;
/** The run completed but a threshold or baseline gate failed. */
export const EXIT_GATE_FAILED = 3;

/** The exit code and the one-line message for an error thrown anywhere below the CLI. */
export function exitFor(err: unknown): { code: number; message: string } | null {
  if (err instanceof ScenarioError) return { code: EXIT_USAGE, message: formatIssues(err.issues) };
  if (err instanceof UsageError) return { code: EXIT_USAGE, message: err.message };
  if (err instanceof RunError) return { code: EXIT_RUN_FAILED, message: err.message };
  return null;
}
