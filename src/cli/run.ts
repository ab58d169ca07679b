// `fleetstorm run <scenario.yaml>`: load, pick hosts, start the embedded broker when no broker
// is named, coordinate, write result.json (also when interrupted), print and gate.
import { UsageError, RunError } from '../errors.ts';
import path from 'node:path';
import { probeBrokerVersion } from '../broker/version-probe.ts';
import { coordinate } from '../coordinator/run.ts';
import { planHosts } from '../hosts/plan-hosts.ts';
import { startScenarioMonitor, type BrokerMonitor } from '../monitor/monitor.ts';
import { formatBrokerSummary } from '../monitor/summary-line.ts';
import { formatRunSummary } from '../report/console-summary.ts';
import { Progress } from '../report/progress.ts';
import { writeResultFile } from '../report/write-result.ts';
import type { Result } from '../result/types.ts';
import { EXIT_GATE_FAILED, EXIT_OK, EXIT_RUN_FAILED } from './exit-codes.ts';
import { loadForCli, type LoadFlags } from './load.ts';
import { catchInterrupt, embeddedBrokerIfNeeded } from './run-support.ts';
import { writeRunOutputs } from './run-outputs.ts';
import { ensureDir } from '../write-atomic.ts';

export interface RunFlags extends LoadFlags {
  out?: string;
  quiet?: boolean;
  json?: boolean;
  report?: boolean;
  junit?: string;
  threads?: number;
  processes?: number;
  agents?: number;
  control?: string;
  token?: string;
  controlPrefix?: string;
  /** ms (the option table parses --agent-timeout). */
  agentTimeout?: number;
}

/** `--agents N [--control URL] [--token T]`: the remote-agent choice, checked up front. */
function agentChoice(flags: RunFlags) {
  if (flags.agents === undefined) {
    if (flags.control) throw new UsageError('--control needs --agents <n> (how many agents to wait for)');
    return undefined;
  }
  const token = flags.token ?? process.env.FLEETSTORM_TOKEN;
  if (!token) throw new UsageError('--agents needs the shared token: --token <secret> or FLEETSTORM_TOKEN');
  return { count: flags.agents, control: flags.control, token, prefix: flags.controlPrefix, timeoutMs: flags.agentTimeout };
}

export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  const loaded = loadForCli(file, flags);
  const { scenario } = loaded;
  const outDir = ensureDir(path.resolve(flags.out ?? path.join('reports', scenario.name)));
  const progress = new Progress({ quiet: Boolean(flags.quiet) });
  const embedded = await embeddedBrokerIfNeeded(scenario, { quiet: flags.quiet });
  const signals = catchInterrupt();
  const interrupt = signals.promise;
  let result: Result;
  let probeUrl = '';
  let nothingConnected: boolean;
  let monitor: BrokerMonitor | null = null;
  let closeHosts: (() => Promise<void>) | undefined;
  try {
    const { hosts, plan, close } = await planHosts(scenario, {
      threads: flags.threads,
      processes: flags.processes,
      agents: agentChoice(flags),
    });
    closeHosts = close;
    monitor = await startScenarioMonitor(loaded, { embedded: embedded !== null });
    ({ result, nothingConnected } = await coordinate({ loaded, hosts, plan, progress, interrupt }));
    if (monitor) result.broker = await monitor.finish(result);
    if (!nothingConnected && !embedded) probeUrl = scenario.broker.urls[0];
  } finally {
    signals.dispose();
    await monitor?.stop();
    await closeHosts?.().catch(() => {});
    await embedded?.close();
  }
  const version = probeUrl ? await probeBrokerVersion(probeUrl) : embedded ? 'aedes (embedded)' : undefined;
  if (version) result.run.brokerVersion = version;
  const file_ = writeResultFile(result, outDir, loaded.secrets);
  const extra = await writeRunOutputs(result, outDir, flags);
  if (flags.json)
    process.stdout.write(
      JSON.stringify({ resultFile: file_, ...extra, summary: result.summary, thresholds: result.thresholds }, null, 2) + '\n',
    );
  if (!flags.quiet) {
    process.stderr.write(`\n${formatRunSummary(result)}\n`);
    const brokerLine = formatBrokerSummary(result);
    if (brokerLine) process.stderr.write(`${brokerLine}\n`);
    process.stderr.write(`result: ${file_}\n`);
    for (const f of Object.values(extra)) if (typeof f === 'string') process.stderr.write(`wrote ${f}\n`);
  }
  if (nothingConnected) {
    const reasons = Object.keys(result.summary.errors).join(', ') || 'unknown';
    throw new RunError(`no client could connect to ${scenario.broker.urls.join(', ')} (${reasons})`);
  }
  // A lost host means part of the fleet's figures are missing: the run was not carried out whole.
  if (result.interrupted || result.run.hosts.some((h) => !h.complete)) return EXIT_RUN_FAILED;
  if (result.thresholds.some((t) => !t.ok)) return EXIT_GATE_FAILED;
  return EXIT_OK;
}
