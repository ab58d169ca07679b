// The contract's exit codes, in one place.
export const EXIT_OK = 0;
/** The run could not be carried out (no broker reachable at all, internal error, interrupted). */
export const EXIT_RUN_FAILED = 1;
/** Invalid usage or scenario: nothing was run. */
export const EXIT_USAGE = 2;
/** The run completed but a threshold or baseline gate failed. */
export const EXIT_GATE_FAILED = 3;

/** An error that carries its exit code and a one-line message for the user. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
