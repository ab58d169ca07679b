// Drives a run across its hosts: prepare → connect (every client connected or failed) → one
// steady-state start for all → drain → finish, then merges, gates and writes the result.
// Ctrl-C at any point, or an abortOnFail gate failing on the live figures, finishes the hosts
// early and still writes what was measured.

import type { Host, ConnectReport } from '../hosts/host.ts';
import { evaluateThresholds, parseThresholds, withImplicitGates } from '../gate/threshold.ts';
import type { Result } from '../result/types.ts';
import type { LoadedScenario } from '../scenario/types.ts';
import type { ShardGroupSlice } from '../engine/slices.ts';
import { fleetClients } from '../plan/fleet-totals.ts';
import type { Progress } from '../report/progress.ts';
import type { LiveFeed } from '../report/live/feed.ts';
import { LiveRun } from './live-run.ts';
import { mergeResults } from './merge.ts';

export interface CoordinatorOptions {
  loaded: LoadedScenario;
  hosts: Host[];
  /** Slices per host, in the same order as `hosts`. */
  plan: ShardGroupSlice[][];
  progress: Progress;
  /** Resolves when the user interrupts (Ctrl-C). */
  interrupt: Promise<void>;
  /** Lead time between the start barrier and the first send, ms. */
  barrierLeadMs?: number;
  /** Live outputs (Prometheus, events, progress block), fed from the same merged seconds. */
  live?: LiveFeed;
}

export interface RunOutcome {
  result: Result;
  /** True when not a single connection succeeded anywhere. */
  nothingConnected: boolean;
  /** Set when a host found the broker cannot run the scenario (then no steady state ran). */
  fatal?: string;
}

export async function coordinate(opts: CoordinatorOptions): Promise<RunOutcome> {
  const { loaded, hosts, progress } = opts;
  const { scenario } = loaded;
  const totalClients = fleetClients(scenario);
  const groupNames = scenario.groups.map((g) => g.name);
  const gates = withImplicitGates(parseThresholds(scenario.thresholds, groupNames).parsed, groupNames);
  const run = new LiveRun(hosts, opts.interrupt, gates, progress, totalClients, opts.live);

  const runStartMs = run.runStartMs;
  await Promise.all(
    hosts.map((h, k) => h.prepare({ hostId: h.info.id, scenario, slices: opts.plan[k], baseDir: loaded.baseDir, runStartMs })),
  );
  progress.note(`connecting ${totalClients} clients in ${scenario.groups.length} group(s) on ${hosts.length} host(s)`);
  const reports = await Promise.race([Promise.all(hosts.map((h) => h.connect())), run.stopped]);
  const connected = typeof reports === 'string' ? 0 : reports.reduce((n, r) => n + r.connected, 0);
  const nothingConnected = typeof reports !== 'string' && connected === 0 && totalClients > 0;
  const fatal = typeof reports !== 'string' ? reports.find((r) => r.fatal)?.fatal : undefined;
  if (typeof reports !== 'string' && !nothingConnected && !fatal) await steadyAndDrain(opts, run, reports, connected);
  else if (nothingConnected) progress.note('no client could connect; see errors below');
  if (run.reason !== null) progress.note(stopNote(run));

  run.phase = 'stopping';
  const shards = await Promise.all(hosts.map((h) => h.finish(run.reason === 'interrupted')));
  run.flushAll();
  progress.clear();

  const meta = { loaded, brokers: scenario.broker.urls, startedAt: runStartMs, endedAt: Date.now(), hosts: hosts.map((h) => h.info) };
  const result = mergeResults({ ...meta, interrupted: run.reason === 'interrupted' }, shards);
  result.thresholds = evaluateThresholds(gates, result);
  if (run.aborted) result.aborted = run.aborted;
  return { result, nothingConnected, ...(fatal ? { fatal } : {}) };
}

/** The start barrier, steady state and drain; returns early when the run is stopped. */
async function steadyAndDrain(opts: CoordinatorOptions, run: LiveRun, reports: ConnectReport[], connected: number): Promise<void> {
  const { hosts, progress } = opts;
  const { scenario } = opts.loaded;
  const totalClients = fleetClients(scenario);
  const missing = { subscriptions: reports.flatMap((r) => r.missingSubscriptions), clients: reports.flatMap((r) => r.missingClients) };
  // Each host works out the fan-out (a walk of every subscription) before its first send:
  // about 1 s per 130,000 clients here, so the start barrier leaves it that much room.
  const lead = opts.barrierLeadMs ?? 200 + Math.ceil(totalClients / 100);
  const startAt = performance.timeOrigin + performance.now() + lead;
  run.steady(startAt, scenario.durationMs);
  progress.note(
    `${connected}/${totalClients} connected; steady state for ${scenario.durationMs / 1000}s` +
      (missing.subscriptions.length ? ` (${missing.subscriptions.length} subscriptions not held)` : ''),
  );
  await Promise.all(hosts.map((h) => h.steady(startAt, missing)));
  await Promise.race([Promise.all(hosts.map((h) => h.drain())), run.stopped]);
}

function stopNote(run: LiveRun): string {
  return run.reason === 'aborted'
    ? `aborted by ${run.aborted!.threshold}: stopping and writing what was measured`
    : 'interrupted: stopping and writing what was measured';
}
