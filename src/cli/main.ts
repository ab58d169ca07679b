// argv → commands. Parsing only: each command lives in its own file; exit codes in exit-codes.ts.

import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.ts';
import { CliError, EXIT_RUN_FAILED, EXIT_USAGE } from './exit-codes.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function buildProgram(): Command {
  const program = new Command('fleetstorm')
    .description('MQTT load testing: connect storms, message rates, HDR latencies, exact loss accounting, reports and CI gates')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('run')
    .description('run a scenario, print live progress, write result.json')
    .argument('<scenario>', 'scenario file (YAML)')
    .option('--broker <url>', 'broker URL, repeatable; overrides the scenario', collect)
    .option('--duration <d>', 'steady-state duration, e.g. 30s')
    .option('--set <path=value>', 'override any scenario field, e.g. groups.locks.count=5000', collect)
    .option('--out <dir>', 'output folder (default reports/<scenario name>)')
    .option('--quiet', 'no progress or summary on stderr')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--report', 'also write the HTML report and PNG charts')
    .option('--junit <file>', 'write thresholds as JUnit XML')
    .addOption(new Option('--threads <n>', 'worker threads per process (default: automatic)').argParser(positiveInt))
    .addOption(new Option('--processes <n>', 'local agent processes (default: automatic)').argParser(positiveInt))
    .action(async (file: string, flags) => {
      const { runCommand } = await import('./run.ts');
      process.exitCode = await runCommand(file, flags);
    });

  program
    .command('validate')
    .description('check a scenario and print every problem; runs nothing')
    .argument('<scenario>', 'scenario file (YAML)')
    .option('--set <path=value>', 'override a scenario field', collect)
    .action(async (file: string, flags) => {
      const { validateCommand } = await import('./validate.ts');
      process.exitCode = validateCommand(file, flags);
    });

  program
    .command('broker')
    .description('start the embedded broker (aedes, MQTT 3.1.1) on its own')
    .addOption(new Option('--port <n>', 'port (default 1883)').argParser(port).default(1883))
    .action(async (flags: { port: number }) => {
      const { serveBroker } = await import('../broker/serve.ts');
      await serveBroker({ port: flags.port });
    });

  program
    .command('report')
    .description('write the HTML report and PNG charts for a result')
    .argument('<result>', 'result.json')
    .option('--out <dir>', 'output folder (default: beside the result)')
    .option('--baseline <file>', 'show a baseline comparison in the report')
    .option('--no-png', 'HTML only')
    .action(async (file: string, flags) => {
      const { reportCommand } = await import('./report.ts');
      process.exitCode = await reportCommand(file, flags);
    });

  program
    .command('compare')
    .description('compare a result with a stored baseline; exit 3 on a regression')
    .argument('<result>', 'result.json')
    .option('--baseline <file>', 'baseline file (fleetstorm/baseline@1)')
    .option('--save-baseline <file>', 'store this result as a baseline')
    .option('--tolerance <metric=pct>', 'tolerance, e.g. endToEnd.p99=+15% or default=10% (repeatable)', collect)
    .option('--json', 'print the comparison as JSON')
    .action(async (file: string, flags) => {
      const { compareCommand } = await import('./compare.ts');
      process.exitCode = await compareCommand(file, flags);
    });

  return program;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`expected a positive whole number, got "${value}"`, EXIT_USAGE);
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`--port must be 0..65535, got "${value}"`, EXIT_USAGE);
  return n;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; everything else commander rejects is a usage error.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    if (err instanceof CliError) {
      process.stderr.write(`fleetstorm: ${err.message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`fleetstorm: internal error: ${(err as Error).stack ?? err}\n`);
    process.exitCode = EXIT_RUN_FAILED;
  }
}
