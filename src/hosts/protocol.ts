// The one typed protocol between the coordinator and a shard, whatever carries it: a worker
// thread's MessagePort, a child process's IPC channel, or MQTT topics to a remote agent.
// Every message is plain JSON data: a shard never runs code it was sent.

import type { ShardResult } from '../engine/samples.ts';
import type { Sample } from '../metrics/sample.ts';
import type { ConnectReport, Missing, ShardPlan } from './host.ts';

export type HostCommand =
  | { type: 'prepare'; plan: ShardPlan }
  | { type: 'connect' }
  | { type: 'steady'; startAtMs: number; missing: Missing }
  | { type: 'drain' }
  | { type: 'finish'; interrupted: boolean };

export type HostEvent =
  | { type: 'prepared' }
  | { type: 'connected'; report: ConnectReport }
  | { type: 'steadied' }
  | { type: 'drained' }
  | { type: 'finished'; result: ShardResult }
  | { type: 'sample'; sample: Sample }
  | { type: 'error'; message: string };

/** The reply each command waits for. */
export const REPLY: Record<HostCommand['type'], HostEvent['type']> = {
  prepare: 'prepared',
  connect: 'connected',
  steady: 'steadied',
  drain: 'drained',
  finish: 'finished',
};
