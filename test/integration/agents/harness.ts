// Shared pieces of the agent tests: a small scenario written to a temp dir, agent processes,
// and the two ways to run it (one local host, or agents through the control plane).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { coordinate } from '../../../src/coordinator/run.ts';
import type { Host } from '../../../src/hosts/host.ts';
import { LocalHost } from '../../../src/hosts/local-host.ts';
import { planAgentHosts } from '../../../src/hosts/control/plan-agents.ts';
import { Progress } from '../../../src/report/progress.ts';
import type { Result } from '../../../src/result/types.ts';
import { loadScenario } from '../../../src/scenario/load.ts';
import type { LoadedScenario } from '../../../src/scenario/types.ts';

export const REPO = path.resolve(import.meta.dirname, '../../..');
export const ENTRY = path.join(REPO, 'test/integration/agents/agent-entry.ts');
export const STATE_FILTER = 'agents/+/state';

/** 30 devices publishing QoS 1 at 2/s, one backend subscribing to all of them. */
export function agentScenario(loadUrl: string, opts: { duration?: string; devices?: number } = {}): LoadedScenario {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-agents-'));
  const file = path.join(dir, 'agents.yaml');
  writeFileSync(
    file,
    `schema: 1
name: agents-test
seed: 7
duration: ${opts.duration ?? '3s'}
drain: 2s
broker: { url: "${loadUrl}" }
groups:
  - name: devices
    count: ${opts.devices ?? 30}
    clientId: "dev-{i}"
    connectRate: 300/s
    publish:
      - { topic: "agents/{i}/state", qos: 1, size: 64, rate: 2/s }
  - name: backend
    count: 1
    clientId: "backend-{i}"
    subscribe:
      - { topic: "${STATE_FILTER}", qos: 1 }
`,
  );
  return loadScenario(file, { env: {} });
}

const quiet = () => new Progress({ quiet: true });

export async function runSingleHost(loaded: LoadedScenario): Promise<Result> {
  const slices = loaded.scenario.groups.map((g, group) => ({ group, start: 0, count: g.count, connectRate: g.connectRate }));
  const { result } = await coordinate({
    loaded,
    hosts: [new LocalHost('local')],
    plan: [slices],
    progress: quiet(),
    interrupt: new Promise(() => {}),
  });
  return result;
}

export async function runOnAgents(
  loaded: LoadedScenario,
  opts: {
    controlUrl: string;
    count: number;
    token: string;
    prefix: string;
    timeoutMs?: number;
    log?: (l: string) => void;
    onHosts?: (hosts: Host[]) => void;
  },
): Promise<Result> {
  const agents = await planAgentHosts(loaded.scenario, {
    controlUrl: opts.controlUrl,
    count: opts.count,
    token: opts.token,
    prefix: opts.prefix,
    timeoutMs: opts.timeoutMs ?? 30_000,
    log: opts.log ?? (() => {}),
  });
  opts.onHosts?.(agents.hosts);
  try {
    const { result } = await coordinate({
      loaded,
      hosts: agents.hosts,
      plan: agents.plan,
      progress: quiet(),
      interrupt: new Promise(() => {}),
    });
    return result;
  } finally {
    await agents.close();
  }
}

export interface AgentProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts one agent process; `wrap` prefixes the command (e.g. `ip netns exec ns`). */
export function spawnAgent(args: {
  control: string;
  token: string;
  id: string;
  prefix: string;
  index?: number;
  wrap?: string[];
  /** More agent options, e.g. ['--allow-brokers', '10.0.0.5:1883']. */
  args?: string[];
  /** More environment (the agent's own secrets). */
  env?: NodeJS.ProcessEnv;
}): AgentProcess {
  const argv = [
    ...(args.wrap ?? []),
    process.execPath,
    '--import',
    'tsx',
    ENTRY,
    '--control',
    args.control,
    '--id',
    args.id,
    '--prefix',
    args.prefix,
    '--once',
    ...(args.index === undefined ? [] : ['--index', String(args.index)]),
    ...(args.args ?? []),
  ];
  const child = spawn(argv[0], argv.slice(1), {
    cwd: REPO,
    env: { ...process.env, ...args.env, FLEETSTORM_TOKEN: args.token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => (out = (out + chunk.toString()).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => out, kill: (signal = 'SIGTERM') => void child.kill(signal) };
}

/** Kills whatever is still running (afterEach/afterAll), waits at most `ms`. */
export async function killAll(agents: AgentProcess[], ms = 3000): Promise<void> {
  for (const a of agents) if (a.child.exitCode === null && a.child.signalCode === null) a.kill('SIGKILL');
  await Promise.race([Promise.all(agents.map((a) => a.exited)), new Promise((r) => setTimeout(r, ms))]);
}

/** The counts that must agree between runs, whatever hosts ran them. */
export function counts(result: Result) {
  const { connections, messages } = result.summary;
  return {
    attempted: connections.attempted,
    succeeded: connections.succeeded,
    failed: connections.failed,
    published: messages.published,
    acked: messages.acked,
    received: messages.received,
    expected: messages.expected,
    lost: messages.lost,
    duplicated: messages.duplicated,
  };
}
