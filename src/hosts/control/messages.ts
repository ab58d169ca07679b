// The bodies of control messages: plain JSON data, the HostCommand/HostEvent protocol wrapped
// with the little an MQTT transport needs on top (discovery, claims, heartbeats, wills).

import type { HostCommand, HostEvent } from '../protocol.ts';
import type { EnvField } from './env-fields.ts';
import type { RunNeeds } from './run-policy.ts';

/** What an agent tells coordinators about itself. */
export interface AgentHello {
  id: string;
  hostname: string;
  pid: number;
  /** Soft open-file limit: how many sockets this agent can hold. */
  fdLimit: number;
  cores: number;
  /** Preferred shard index (JOB_COMPLETION_INDEX or --index); null lets the coordinator choose. */
  index: number | null;
  version: string;
}

export type CoordinatorBody =
  | { kind: 'beat'; run: string; want: number }
  | { kind: 'gone'; run: string }
  | { kind: 'claim'; run: string; needs: RunNeeds }
  | {
      kind: 'cmd';
      run: string;
      cmd: HostCommand;
      /** Wall-scale ms (performance clock) to act at: the connect barrier. */ notBefore?: number;
      /** With `prepare`: the scenario fields left as `${env:…}` for the agent to resolve. */
      env?: EnvField[];
    }
  | { kind: 'release'; run: string };

export type AgentBody =
  | { kind: 'hello'; agent: AgentHello; busy: boolean }
  | { kind: 'offline' }
  | { kind: 'claimed'; run: string }
  | { kind: 'busy'; run: string }
  /** The agent will not take this run (missing environment variable, broker not allowed): one line why. */
  | { kind: 'refused'; run: string; reason: string }
  | { kind: 'event'; run: string; event: HostEvent }
  | { kind: 'beat'; run: string };
