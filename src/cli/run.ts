// `fleetstorm run <scenario.yaml>`: load, pick hosts, start the embedded broker when no broker
// is named, coordinate, write result.json (also when interrupted), print and gate.
import { UsageError, RunError } from '../errors.ts';
import path from 'node:path';
import { coordinate } from '../coordinator/run.ts';
import { planHosts } from '../hosts/plan-hosts.ts';
import { leaveMissingToAgents } from '../hosts/control/env-fields.ts';
import { startScenarioMonitor, type BrokerMonitor } from '../monitor/monitor.ts';
import { formatBrokerSummary } from '../monitor/summary-line.ts';
import { formatRunSummary } from '../report/console-summary.ts';
import { openLiveOutputs, type LiveFlags } from '../report/live/outputs.ts';
import { addressCrowdingNote } from '../plan/addresses.ts';
import { fleetClients, plannedPublishRate } from '../plan/fleet-totals.ts';
import { writeResultFile } from '../report/write-result.ts';
import type { Result } from '../result/types.ts';
import { EXIT_GATE_FAILED, EXIT_OK, EXIT_RUN_FAILED } from './exit-codes.ts';
import { loadForCli, type LoadFlags } from './load.ts';
import { catchInterrupt, embeddedBrokerIfNeeded } from './run-support.ts';
import { writeRunOutputs } from './run-outputs.ts';
import { ensureDir } from '../write-atomic.ts';

export interface RunFlags extends LoadFlags, LiveFlags {
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
  /** Where the embedded control broker listens: host:port or mqtts://host:port (default 127.0.0.1:1884). */
  controlListen?: string;
}

/** User certificate files for an mqtts:// --control-listen; without them a self-signed one is made and pinned. */
function controlTlsFiles(env: NodeJS.ProcessEnv) {
  const cert = env.FLEETSTORM_CONTROL_CERT;
  const key = env.FLEETSTORM_CONTROL_KEY;
  if (!cert && !key) return undefined;
  if (!cert || !key) throw new UsageError('FLEETSTORM_CONTROL_CERT and FLEETSTORM_CONTROL_KEY go together (PEM files)');
  return { cert, key };
}

/** `--agents N [--control URL] [--token T]`: the remote-agent choice, checked up front. */
function agentChoice(flags: RunFlags, source: unknown) {
  if (flags.agents === undefined) {
    if (flags.control) throw new UsageError('--control needs --agents <n> (how many agents to wait for)');
    if (flags.controlListen) throw new UsageError('--control-listen needs --agents <n>');
    return undefined;
  }
  const token = flags.token ?? process.env.FLEETSTORM_TOKEN;
  if (!token) throw new UsageError('--agents needs the shared token: --token <secret> or FLEETSTORM_TOKEN');
  if (flags.control && flags.controlListen)
    throw new UsageError('--control-listen is for the embedded control broker; leave it out with --control');
  const listen = flags.controlListen;
  const tlsFiles = controlTlsFiles(process.env);
  return {
    count: flags.agents,
    control: flags.control,
    token,
    prefix: flags.controlPrefix,
    timeoutMs: flags.agentTimeout,
    listen,
    tlsFiles,
    source,
  };
}

export async function runCommand(file: string, flags: RunFlags): Promise<number> {
  // With agents, a `${env:NAME}` only the agents hold is theirs to resolve (hosts/control/env-fields.ts).
  const loaded = await loadForCli(file, flags, flags.agents === undefined ? undefined : leaveMissingToAgents(process.env));
  const { scenario } = loaded;
  const outDir = ensureDir(path.resolve(flags.out ?? path.join('reports', scenario.name)));
  const live = await openLiveOutputs(scenario, flags);
  const { progress } = live;
  live.feed.begin({ scenario, plannedRate: plannedPublishRate(scenario) });
  const embedded = await embeddedBrokerIfNeeded(scenario, { quiet: flags.quiet });
  const crowding = addressCrowdingNote(fleetClients(scenario), scenario.broker.urls, scenario.broker.sourceAddresses);
  if (crowding && !flags.quiet) process.stderr.write(crowding + '\n');
  const signals = catchInterrupt();
  const interrupt = signals.promise;
  let result: Result;
  let probeUrl = '';
  let nothingConnected: boolean;
  let fatal: string | undefined;
  let monitor: BrokerMonitor | null = null;
  let closeHosts: (() => Promise<void>) | undefined;
  try {
    const { hosts, plan, close } = await planHosts(scenario, {
      threads: flags.threads,
      processes: flags.processes,
      agents: agentChoice(flags, loaded.redacted),
    });
    closeHosts = close;
    live.feed.hostsJoined(hosts.map((h) => h.info));
    monitor = await startScenarioMonitor(loaded, { embedded: embedded !== null });
    ({ result, nothingConnected, fatal } = await coordinate({ loaded, hosts, plan, progress, interrupt, live: live.feed }));
    if (monitor) result.broker = await monitor.finish(result);
    if (!nothingConnected && !fatal && !embedded) probeUrl = scenario.broker.urls[0];
  } finally {
    signals.dispose();
    await monitor?.stop();
    await closeHosts?.().catch(() => {});
    await embedded?.close();
  }
  // The $SYS monitor has usually read the version already; otherwise one short probe asks for it.
  const monitored = result.broker?.sources.find((s) => s.url === probeUrl && s.version)?.version;
  const version = probeUrl
    ? (monitored ?? (await (await import('../broker/version-probe.ts')).probeBrokerVersion(probeUrl)))
    : embedded
      ? 'aedes (embedded)'
      : undefined;
  if (version) result.run.brokerVersion = version;
  live.feed.finish(result);
  const file_ = writeResultFile(result, outDir, loaded.secrets);
  progress.final();
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
  await live.close();
  if (fatal) throw new RunError(fatal);
  if (nothingConnected) {
    const reasons = Object.keys(result.summary.errors).join(', ') || 'unknown';
    throw new RunError(`no client could connect to ${scenario.broker.urls.join(', ')} (${reasons})`);
  }
  // An abortOnFail gate stopped the run: a failed gate, whatever the final figures say.
  if (result.aborted) return EXIT_GATE_FAILED;
  // A lost host means part of the fleet's figures are missing: the run was not carried out whole.
  if (result.interrupted || result.run.hosts.some((h) => !h.complete)) return EXIT_RUN_FAILED;
  if (result.thresholds.some((t) => !t.ok)) return EXIT_GATE_FAILED;
  return EXIT_OK;
}
