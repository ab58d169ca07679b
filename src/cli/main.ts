// argv → commands. Parsing only: the commands and their options are one table (commands.ts),
// each command lives in its own file, exit codes in exit-codes.ts.
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.ts';
import { COMMANDS } from './commands.ts';
import { EXIT_RUN_FAILED, EXIT_USAGE, exitFor } from './exit-codes.ts';
import { addOptions, withDefaults } from './options.ts';

export function buildProgram(): Command {
  const program = new Command('fleetstorm')
    .description('MQTT load testing: connect storms, message rates, HDR latencies, exact loss accounting, reports and CI gates')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  for (const spec of COMMANDS) {
    const command = program.command(spec.name).description(spec.description);
    if (spec.argument) command.argument(...spec.argument);
    addOptions(command, spec.options);
    command.action(async (...args: unknown[]) => {
      // commander passes (argument?, flags, command).
      const [file, flags] = spec.argument ? [args[0] as string, args[1] as object] : ['', args[0] as object];
      process.exitCode = await spec.run(file, withDefaults(flags, spec.options) as never);
    });
  }
  return program;
}

let pipesGuarded = false;

/** A reader that goes away (`fleetstorm compare … --json | head -1`) ends our output quietly. */
function guardPipes(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') return;
      process.exitCode = EXIT_RUN_FAILED;
    });
  }
}

/** Parses argv and runs the command; resolves to the exit code (also set as process.exitCode). */
export async function main(argv: string[]): Promise<number> {
  guardPipes();
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; everything else commander rejects is a usage error.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
    } else {
      const known = exitFor(err);
      process.stderr.write(
        known ? `fleetstorm: ${known.message}\n` : `fleetstorm: internal error: ${(err as Error).stack ?? String(err)}\n`,
      );
      process.exitCode = known ? known.code : EXIT_RUN_FAILED;
    }
  }
  return Number(process.exitCode ?? 0);
}
