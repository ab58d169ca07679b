// argv → commands. Parsing only: each command lives in its own file; exit codes in exit-codes.ts.
import { UsageError } from '../errors.ts';
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.ts';
import { EXIT_RUN_FAILED, EXIT_USAGE, exitFor } from './exit-codes.ts';
import { registerCertsCommand } from './certs.ts';

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
    .addOption(new Option('--agents <n>', 'spread the fleet over N remote agents (fleetstorm agent)').argParser(positiveInt))
    .option('--control <url>', 'control broker for agents (default: start the embedded one on 0.0.0.0:1884)')
    .option('--token <secret>', 'shared token that signs control messages (or FLEETSTORM_TOKEN)')
    .option('--control-prefix <p>', 'topic prefix on the control broker (default fleetstorm)')
    .option('--agent-timeout <d>', 'how long to wait for the agents (default 60s)')
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
    .option('--host <addr>', 'address to listen on (default 127.0.0.1; 0.0.0.0 to serve other machines)', '127.0.0.1')
    .action(async (flags: { port: number; host: string }) => {
      const { serveBroker } = await import('../broker/serve.ts');
      await serveBroker({ port: flags.port, host: flags.host });
    });

  program
    .command('agent')
    .description('join distributed runs as a load agent on this machine')
    .option('--control <url>', 'control broker URL (or FLEETSTORM_CONTROL)')
    .option('--token <secret>', 'shared token (or FLEETSTORM_TOKEN)')
    .option('--id <id>', 'agent id (default: hostname-pid)')
    .addOption(new Option('--index <n>', 'preferred shard index (default: JOB_COMPLETION_INDEX)').argParser(nonNegativeInt))
    .option('--prefix <p>', 'topic prefix on the control broker (default fleetstorm)')
    .option('--once', 'exit after one run (default under a Kubernetes Indexed Job)')
    .action(async (flags) => {
      const { agentCommand } = await import('./agent.ts');
      process.exitCode = await agentCommand(flags);
    });

  program
    .command('capacity')
    .description('step the load up until the SLO breaks; report the capacity, the knee and thresholds')
    .argument('<scenario>', 'scenario file (YAML)')
    .option('--broker <url>', 'broker URL, repeatable; overrides the scenario', collect)
    .option('--set <path=value>', 'override any scenario field', collect)
    .option('--out <dir>', 'output folder (default reports/<name>/capacity)')
    .option('--hold <d>', 'steady-state time per step (overrides capacity.hold)')
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print the capacity report as JSON on stdout')
    .option('--no-warmup', 'skip the unjudged warm-up run before the first step')
    .addOption(new Option('--threads <n>', 'worker threads per process').argParser(positiveInt))
    .addOption(new Option('--processes <n>', 'local agent processes').argParser(positiveInt))
    .action(async (file: string, flags) => {
      const { capacityCommand } = await import('./capacity.ts');
      process.exitCode = await capacityCommand(file, flags);
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

  registerCertsCommand(program);
  return program;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`expected a positive whole number, got "${value}"`);
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`expected a whole number from 0, got "${value}"`);
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be 0..65535, got "${value}"`);
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
    const known = exitFor(err);
    if (known) {
      process.stderr.write(`fleetstorm: ${known.message}\n`);
      process.exitCode = known.code;
      return;
    }
    process.stderr.write(`fleetstorm: internal error: ${(err as Error).stack ?? err}\n`);
    process.exitCode = EXIT_RUN_FAILED;
  }
}
