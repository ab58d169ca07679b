// Every command with its options, as one table. Options shared by several commands are declared
// once below and listed by each command that takes them. Commands load lazily, so `--help` and
// `validate` do not pay for the engine.

import {
  assignments,
  brokerUrls,
  durationMs,
  durationText,
  listenAddress,
  repeatable,
  tolerance,
  whole,
  type OptionSpec,
} from './options.ts';

export interface CommandSpec {
  name: string;
  description: string;
  /** The positional argument, e.g. ['<scenario>', 'scenario file (YAML)']. */
  argument?: [string, string];
  options: readonly OptionSpec[];
  /** Runs the command with the parsed flags (defaults filled in); resolves to the exit code. */
  run(file: string, flags: never): Promise<number>;
}

const MAX_PARALLEL = 256;
const SCENARIO_ARG: [string, string] = ['<scenario>', 'scenario file (YAML)'];

// What shapes the scenario: run, capacity and validate take these, so validate checks what run runs.
const broker: OptionSpec = { flags: '--broker <url>', help: 'broker URL, repeatable; overrides the scenario', parse: brokerUrls };
const set: OptionSpec = {
  flags: '--set <path=value>',
  help: 'override any scenario field, repeatable, e.g. groups.locks.count=5000',
  parse: assignments('groups.locks.count=5000'),
};
const duration: OptionSpec = { flags: '--duration <d>', help: 'steady-state duration, e.g. 30s', parse: durationText };

// How a run (or each capacity step) is carried out and reported: shared by run and capacity.
const runOptions = (out: string, json: string): OptionSpec[] => [
  broker,
  set,
  { flags: '--out <dir>', help: 'output folder', default: { text: out } },
  { flags: '--quiet', help: 'print nothing on stderr but errors (no progress, notes or summary)' },
  { flags: '--json', help: `print ${json} as JSON on stdout` },
  { flags: '--threads <n>', help: 'worker threads per process', parse: whole(1, MAX_PARALLEL), default: { text: 'automatic' } },
  { flags: '--processes <n>', help: 'local agent processes', parse: whole(1, MAX_PARALLEL), default: { text: 'automatic' } },
  {
    flags: '--metrics-port <n>',
    help: "serve Prometheus /metrics on this port while running (0 = any free port; or the scenario's metricsPort)",
    parse: whole(0, 65535),
    default: { text: 'off' },
  },
  {
    flags: '--metrics-linger <d>',
    help: `keep /metrics up this long after ${out.includes('capacity') ? 'capacity.json' : 'result.json'} is written`,
    parse: durationText,
    default: { text: '0s' },
  },
  { flags: '--events <file|->', help: 'write the run as NDJSON: one line per second and per event (- = stdout)' },
];

const lazy =
  <F>(load: () => Promise<(file: string, flags: F) => Promise<number> | number>) =>
  async (file: string, flags: F): Promise<number> =>
    (await load())(file, flags);

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    description: 'run a scenario, print live progress, write result.json',
    argument: SCENARIO_ARG,
    options: [
      ...runOptions('reports/<scenario name>', 'the summary'),
      duration,
      { flags: '--report', help: 'also write the HTML report and PNG charts' },
      { flags: '--junit <file>', help: 'write thresholds as JUnit XML' },
      { flags: '--agents <n>', help: 'spread the fleet over N remote agents (fleetstorm agent)', parse: whole(1, 100_000) },
      { flags: '--control <url>', help: 'control broker for agents', default: { text: 'start the embedded one (--control-listen)' } },
      {
        flags: '--control-listen <host:port>',
        help: 'address the embedded control broker listens on',
        parse: listenAddress,
        default: { text: '127.0.0.1:1884' },
      },
      { flags: '--token <secret>', help: 'shared token that signs control messages (or FLEETSTORM_TOKEN)' },
      { flags: '--control-prefix <p>', help: 'topic prefix on the control broker', default: { text: 'fleetstorm' } },
      { flags: '--agent-timeout <d>', help: 'how long to wait for the agents', parse: durationMs(1), default: { text: '60s' } },
    ],
    run: lazy(async () => (await import('./run.ts')).runCommand),
  },
  {
    name: 'validate',
    description: 'check a scenario as run would before connecting, and print every problem; runs nothing',
    argument: SCENARIO_ARG,
    options: [broker, set, duration],
    run: lazy(async () => (await import('./validate.ts')).validateCommand),
  },
  {
    name: 'broker',
    description: 'start the embedded broker (aedes, MQTT 3.1.1) on its own',
    options: [
      { flags: '--port <n>', help: 'port (0 = a free one)', parse: whole(0, 65535), default: { text: '1883', value: 1883 } },
      {
        flags: '--host <addr>',
        help: 'address to listen on (0.0.0.0 to serve other machines)',
        default: { text: '127.0.0.1', value: '127.0.0.1' },
      },
      {
        flags: '--ws-port <n>',
        help: 'also serve MQTT over WebSocket (ws://host:n/mqtt) on this port (0 = a free one)',
        parse: whole(0, 65535),
      },
    ],
    run: lazy(async () => (await import('./broker.ts')).brokerCommand),
  },
  {
    name: 'agent',
    description: 'join distributed runs as a load agent on this machine',
    options: [
      { flags: '--control <url>', help: 'control broker URL (or FLEETSTORM_CONTROL)' },
      { flags: '--token <secret>', help: 'shared token (or FLEETSTORM_TOKEN)' },
      { flags: '--id <id>', help: 'agent id', default: { text: 'hostname-pid' } },
      {
        flags: '--index <n>',
        help: 'preferred shard index',
        parse: whole(0, Number.MAX_SAFE_INTEGER),
        default: { text: 'JOB_COMPLETION_INDEX' },
      },
      { flags: '--prefix <p>', help: 'topic prefix on the control broker', default: { text: 'fleetstorm' } },
      { flags: '--once', help: 'exit after one run (default under a Kubernetes Indexed Job)' },
      {
        flags: '--allow-brokers <list>',
        help: 'only load these brokers: host:port or URL prefixes, comma separated (or FLEETSTORM_ALLOW_BROKERS)',
      },
    ],
    run: lazy(async () => {
      const { agentCommand } = await import('./agent.ts');
      return (_file: string, flags: Parameters<typeof agentCommand>[0]) => agentCommand(flags);
    }),
  },
  {
    name: 'capacity',
    description: 'step the load up until the SLO breaks; report the capacity, the knee and thresholds',
    argument: SCENARIO_ARG,
    options: [
      ...runOptions('reports/<scenario name>/capacity', 'the capacity report'),
      { flags: '--hold <d>', help: 'steady-state time per step', parse: durationMs(1000), default: { text: 'capacity.hold' } },
      { flags: '--no-warmup', help: 'skip the unjudged warm-up run before the first step' },
    ],
    run: lazy(async () => (await import('./capacity.ts')).capacityCommand),
  },
  {
    name: 'report',
    description: 'write the HTML report and PNG charts for a result',
    argument: ['<result>', 'result.json'],
    options: [
      { flags: '--out <dir>', help: 'output folder', default: { text: 'beside the result' } },
      { flags: '--baseline <file>', help: 'show a comparison with a baseline or an earlier result.json in the report' },
      { flags: '--no-png', help: 'HTML only' },
    ],
    run: lazy(async () => (await import('./report.ts')).reportCommand),
  },
  {
    name: 'compare',
    description: 'compare a result with a baseline or an earlier result.json of the same scenario; exit 3 on a regression',
    argument: ['<result>', 'result.json or baseline file'],
    options: [
      { flags: '--baseline <file>', help: 'baseline file (fleetstorm/baseline@1) or an earlier result.json' },
      { flags: '--save-baseline <file>', help: 'store this result as a baseline' },
      {
        flags: '--tolerance <metric=pct>',
        help: 'tolerance, repeatable, e.g. endToEnd.p99=+15% or default=10%',
        parse: tolerance,
        default: { text: '10%, messages.lossRate 0' },
      },
      { flags: '--allow-other-scenario', help: 'compare even when the baseline ran another scenario or workload' },
      { flags: '--json', help: 'print the comparison as JSON' },
    ],
    run: lazy(async () => (await import('./compare.ts')).compareCommand),
  },
  {
    name: 'certs',
    description: 'mint a test CA, a broker certificate and one client certificate per device, with an identity inventory',
    // Whole numbers are checked by certsCommand, which names the option (its flags stay text).
    options: [
      { flags: '--devices <n>', help: 'number of device certificates (required)' },
      { flags: '--out <dir>', help: 'output folder (required); holds ca.pem, server.pem, devices.csv and devices/' },
      {
        flags: '--client-id <pattern>',
        help: 'client id template, as in a scenario group: {i}, {group}, {rand:N}',
        default: { text: '{group}-{i}', value: '{group}-{i}' },
      },
      {
        flags: '--group <name>',
        help: 'value of {group} in --client-id (use the scenario group name)',
        default: { text: 'device', value: 'device' },
      },
      { flags: '--seed <n>', help: 'value of the scenario seed, for {rand:N} in --client-id', default: { text: '1', value: '1' } },
      { flags: '--days <d>', help: 'validity of every certificate, in days', default: { text: '365', value: '365' } },
      {
        flags: '--server-name <host>',
        help: 'extra DNS name or IP for the broker certificate, repeatable (127.0.0.1 and localhost are always in)',
        parse: repeatable,
      },
      { flags: '--threads <n>', help: 'worker threads (0 = this thread)', default: { text: 'automatic' } },
      { flags: '--force', help: 'replace certificates already in --out' },
    ],
    run: lazy(async () => {
      const { certsCommand } = await import('./certs.ts');
      return (_file: string, flags: Parameters<typeof certsCommand>[0]) => certsCommand(flags);
    }),
  },
];
