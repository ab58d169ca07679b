// Where a run's shards go: this thread, worker threads in this process, or local agent
// processes (each with its own threads). The layout is a pure function of the fleet's size and
// rate, the machine (cores, open-file limit) and the user's --threads / --processes:
//
//  - The open-file limit decides the process count: a process holds at most limit − 1,000
//    sockets, so a fleet above that runs in ceil(clients / (limit − 1,000)) child processes.
//  - Cores decide the threads: children get max(1, floor(cores / processes)) threads each.
//  - A fleet that fits one process runs in this thread (LocalHost) unless it publishes more than
//    AUTO_RATE_PER_THREAD msg/s; then it gets min(cores, ceil(rate / AUTO_RATE_PER_THREAD)) threads.
//  - `--processes N` always means N child processes; `--threads N` is threads per process (or
//    in this process when no children are needed).
import { UsageError, RunError } from '../errors.ts';
import os from 'node:os';

import type { ShardGroupSlice } from '../engine/slices.ts';
import { checkAddressCapacity } from '../plan/addresses.ts';
import { fleetClients, plannedPublishRate } from '../plan/fleet-totals.ts';
import { planShards } from '../plan/split.ts';
import { shardSlices } from './shard-slices.ts';
import type { Scenario } from '../scenario/types.ts';
import { clientsPerProcess, FD_RESERVE, openFileLimit } from './fd-limit.ts';
import type { Host } from './host.ts';
import { LocalHost } from './local-host.ts';
// Thread pools (piscina), child processes and the agent control plane (MQTT.js, aedes) load only
// when the layout uses them: a run in this thread never pays for them (issue 14).

export interface HostChoice {
  threads?: number;
  processes?: number;
  /** Remote agents (`fleetstorm agent`) to spread the fleet over, through a control broker. */
  agents?: {
    count: number;
    control?: string;
    token: string;
    prefix?: string;
    timeoutMs?: number;
    /** Embedded control broker: `host:port` or `mqtts://host:port` (default 127.0.0.1:1884). */
    listen?: string;
    /** Certificate and key for an mqtts:// listen (default: self-signed, pinned by agents). */
    tlsFiles?: { cert: string; key: string };
    /** The scenario as written (`loaded.redacted`): agents resolve its `${env:…}` fields themselves. */
    source?: unknown;
  };
}

/** What the machine offers; read from the OS unless given (tests, benchmarks). */
export interface Machine {
  cores: number;
  fdLimit: number;
}

/** Published msg/s one thread carries comfortably alongside its share of connections. */
export const AUTO_RATE_PER_THREAD = 8000;

export type HostLayout =
  { kind: 'local' } | { kind: 'threads'; threads: number } | { kind: 'processes'; processes: number; threadsEach: number };

/** The layout for a fleet; throws a usage error when forced counts cannot hold it. */
export function chooseLayout(clients: number, publishRate: number, choice: HostChoice, machine: Machine): HostLayout {
  const perProcess = clientsPerProcess(machine.fdLimit);
  const needed = Math.ceil(clients / perProcess);
  const cores = Math.max(1, machine.cores);
  if (choice.processes !== undefined) {
    if (choice.processes < needed) {
      throw new UsageError(
        `${clients} clients over ${choice.processes} process(es) exceed the open-file limit (${machine.fdLimit} per process, ` +
          `${FD_RESERVE} kept in reserve): use --processes ${needed} or more`,
      );
    }
    return {
      kind: 'processes',
      processes: choice.processes,
      threadsEach: choice.threads ?? Math.max(1, Math.floor(cores / choice.processes)),
    };
  }
  if (needed > 1) return { kind: 'processes', processes: needed, threadsEach: choice.threads ?? Math.max(1, Math.floor(cores / needed)) };
  if (choice.threads !== undefined) return { kind: 'threads', threads: choice.threads };
  const threads = Math.min(cores, Math.ceil(publishRate / AUTO_RATE_PER_THREAD));
  return threads >= 2 ? { kind: 'threads', threads } : { kind: 'local' };
}

/** The address pools must carry the fleet: checked before anything starts. */
export function checkAddresses(scenario: Scenario): void {
  const issue = checkAddressCapacity(fleetClients(scenario), scenario.broker.urls, scenario.broker.sourceAddresses);
  if (issue) throw new UsageError(`${issue.path}: ${issue.message}`);
}

function slicesFor(scenario: Scenario, hostCount: number): ShardGroupSlice[][] {
  return planShards(scenario, hostCount).map(shardSlices);
}

export function describeLayout(layout: HostLayout): string {
  if (layout.kind === 'local') return 'this thread';
  if (layout.kind === 'threads') return `${layout.threads} worker threads`;
  return `${layout.processes} processes × ${layout.threadsEach} thread(s)`;
}

export async function planHosts(
  scenario: Scenario,
  choice: HostChoice,
  machine: Machine = { cores: os.availableParallelism(), fdLimit: openFileLimit() },
): Promise<{ hosts: Host[]; plan: ShardGroupSlice[][]; layout: HostLayout; close?: () => Promise<void> }> {
  checkAddresses(scenario);
  if (choice.agents) {
    const a = choice.agents;
    const { planAgentHosts } = await import('./control/plan-agents.ts');
    const agents = await planAgentHosts(scenario, {
      count: a.count,
      controlUrl: a.control,
      token: a.token,
      prefix: a.prefix,
      timeoutMs: a.timeoutMs,
      listen: a.listen,
      tlsFiles: a.tlsFiles,
      source: a.source,
    }).catch((err: Error) => {
      // An agent refusing the run (missing variable, broker not allowed) is a usage error: nothing ran.
      throw err instanceof UsageError ? err : new RunError(err.message);
    });
    return { hosts: agents.hosts, plan: agents.plan, layout: { kind: 'local' }, close: agents.close };
  }
  const layout = chooseLayout(fleetClients(scenario), plannedPublishRate(scenario), choice, machine);
  if (layout.kind === 'local') {
    return { hosts: [new LocalHost('local')], plan: slicesFor(scenario, 1), layout };
  }
  if (layout.kind === 'threads') {
    const { threadHosts } = await import('./thread-host.ts');
    return { hosts: threadHosts(layout.threads), plan: slicesFor(scenario, layout.threads), layout };
  }
  const { processHosts } = await import('./process-host.ts');
  const { hosts } = processHosts(layout.processes, layout.threadsEach);
  return { hosts, plan: slicesFor(scenario, hosts.length), layout };
}
