// Drives a run across its hosts: prepare → connect (every client connected or failed) → one
// steady-state start for all → drain → finish, then merges, gates and writes the result.
// Ctrl-C at any point finishes the hosts early and still writes what was measured.

import type { Host, ConnectReport } from '../hosts/host.ts';
import { evaluateThresholds, parseThresholds } from '../gate/threshold.ts';
import { mergeSamples, type Sample } from '../metrics/sample.ts';
import type { Result } from '../result/types.ts';
import type { LoadedScenario } from '../scenario/types.ts';
import type { ShardGroupSlice } from '../engine/slices.ts';
import { fleetClients } from '../plan/fleet-totals.ts';
import type { ShardResult } from '../engine/samples.ts';
import { Progress } from '../report/progress.ts';
import type { LiveFeed } from '../report/live/feed.ts';
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
}

export async function coordinate(opts: CoordinatorOptions): Promise<RunOutcome> {
  const { loaded, hosts, progress } = opts;
  const { scenario } = loaded;
  const totalClients = fleetClients(scenario);
  const { parsed } = parseThresholds(
    scenario.thresholds,
    scenario.groups.map((g) => g.name),
  );
  let interrupted = false;
  let phase = 'connect';
  const interruptedP = opts.interrupt.then(() => {
    interrupted = true;
    return 'interrupted' as const;
  });

  // Live progress: merge one second's samples once every live host has sent it.
  const pending = new Map<number, Sample[]>();
  const live = new Set(hosts.map((h) => h.info.id));
  const flush = (t: number) => {
    const list = pending.get(t);
    if (!list) return;
    pending.delete(t);
    const point = mergeSamples(list);
    opts.live?.second(list, point);
    progress.point(point, totalClients, phase);
  };
  for (const host of hosts) {
    host.onSample = (s) => {
      const list = pending.get(s.t) ?? [];
      list.push(s);
      pending.set(s.t, list);
      if (list.length >= live.size) flush(s.t);
    };
    host.onLost = (reason) => {
      live.delete(host.info.id);
      host.info.complete = false;
      host.info.note = reason;
      progress.note(`host ${host.info.id} lost: ${reason}`);
      opts.live?.hostLost(host.info.id, reason);
    };
  }

  const startedAt = Date.now();
  const runStartMs = performance.timeOrigin + performance.now();
  await Promise.all(
    hosts.map((h, k) => h.prepare({ hostId: h.info.id, scenario, slices: opts.plan[k], baseDir: loaded.baseDir, runStartMs })),
  );
  progress.note(`connecting ${totalClients} clients in ${scenario.groups.length} group(s) on ${hosts.length} host(s)`);
  const reports = await Promise.race([Promise.all(hosts.map((h) => h.connect())), interruptedP]);
  let nothingConnected = false;
  if (reports !== 'interrupted') {
    const connected = reports.reduce((n, r) => n + r.connected, 0);
    nothingConnected = connected === 0 && totalClients > 0;
    if (!nothingConnected) {
      const missing = mergeMissing(reports);
      // Each host works out the fan-out (a walk of every subscription) before its first send:
      // about 1 s per 130,000 clients here, so the start barrier leaves it that much room.
      const lead = opts.barrierLeadMs ?? 200 + Math.ceil(totalClients / 100);
      const startAt = performance.timeOrigin + performance.now() + lead;
      phase = 'steady';
      opts.live?.steadyAt(startAt - runStartMs);
      progress.note(
        `${connected}/${totalClients} connected; steady state for ${scenario.durationMs / 1000}s` +
          (missing.subscriptions.length ? ` (${missing.subscriptions.length} subscriptions not held)` : ''),
      );
      await Promise.all(hosts.map((h) => h.steady(startAt, missing)));
      const drained = await Promise.race([Promise.all(hosts.map((h) => h.drain())), interruptedP]);
      if (drained === 'interrupted') progress.note('interrupted: stopping and writing what was measured');
    } else {
      progress.note('no client could connect; see errors below');
    }
  } else {
    progress.note('interrupted: stopping and writing what was measured');
  }
  phase = 'stopping';
  const shards: ShardResult[] = await Promise.all(hosts.map((h) => h.finish(interrupted)));
  for (const t of [...pending.keys()].sort((a, b) => a - b)) flush(t);
  progress.clear();

  const result = mergeResults(
    {
      loaded,
      brokers: scenario.broker.urls,
      startedAt,
      endedAt: Date.now(),
      hosts: hosts.map((h) => h.info),
      interrupted,
    },
    shards,
  );
  result.thresholds = evaluateThresholds(parsed, result);
  return { result, nothingConnected };
}

function mergeMissing(reports: ConnectReport[]) {
  return {
    subscriptions: reports.flatMap((r) => r.missingSubscriptions),
    clients: reports.flatMap((r) => r.missingClients),
  };
}
