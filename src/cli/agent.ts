// `fleetstorm agent --control <url>`: join distributed runs as a load agent on this machine.
// The shared token comes from --token or FLEETSTORM_TOKEN; the shard index from
// JOB_COMPLETION_INDEX (a Kubernetes Indexed Job), else --index, else the coordinator assigns.
import { UsageError, RunError } from '../errors.ts';
import { startAgent } from '../hosts/agent-host.ts';
import { parseAllowList } from '../hosts/control/run-policy.ts';
import { EXIT_OK, EXIT_RUN_FAILED } from './exit-codes.ts';

export interface AgentFlags {
  control: string;
  token?: string;
  id?: string;
  index?: number;
  /** Control topic prefix (one per concurrent run sharing a control broker). */
  prefix?: string;
  /** Exit after one run; the default inside a Kubernetes Indexed Job. */
  once?: boolean;
  /** Comma-separated host:port or URL prefixes: the only brokers this agent will load (or FLEETSTORM_ALLOW_BROKERS). */
  allowBrokers?: string;
}

const STOP_GRACE_MS = 5000;

export function resolveAgentIndex(env: NodeJS.ProcessEnv, flag: number | undefined): number | null {
  const fromJob = env.JOB_COMPLETION_INDEX;
  if (fromJob !== undefined && fromJob !== '') {
    const n = Number(fromJob);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`JOB_COMPLETION_INDEX must be a whole number ≥ 0, got "${fromJob}"`);
    return n;
  }
  if (flag === undefined) return null;
  if (!Number.isInteger(flag) || flag < 0) throw new UsageError(`--index must be a whole number ≥ 0, got "${flag}"`);
  return flag;
}

export async function agentCommand(opts: AgentFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const control = opts.control || env.FLEETSTORM_CONTROL;
  if (!control) throw new UsageError('agent needs --control <url> (or FLEETSTORM_CONTROL)');
  const token = opts.token ?? env.FLEETSTORM_TOKEN;
  if (!token) throw new UsageError("agent needs the run's shared token: --token <secret> or FLEETSTORM_TOKEN");
  const index = resolveAgentIndex(env, opts.index);
  const once = opts.once ?? env.JOB_COMPLETION_INDEX !== undefined;
  const allowText = opts.allowBrokers ?? env.FLEETSTORM_ALLOW_BROKERS;
  let agent;
  try {
    const allowBrokers = allowText === undefined ? undefined : parseAllowList(allowText);
    agent = startAgent({ control, token, id: opts.id, index, prefix: opts.prefix, once, allowBrokers, env });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const onSignal = () => {
    // A second signal, or an agent that cannot stop, must not keep the process alive.
    setTimeout(() => process.exit(EXIT_RUN_FAILED), STOP_GRACE_MS).unref();
    void agent.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const exit = await agent.done;
    if (once && exit.last && !exit.last.complete) {
      process.stderr.write(`fleetstorm agent: run ${exit.last.run} did not complete: ${exit.last.reason}\n`);
      return EXIT_RUN_FAILED;
    }
    return EXIT_OK;
  } catch (err) {
    throw new RunError((err as Error).message);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
