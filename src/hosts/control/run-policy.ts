// What a run asks of an agent, and whether the agent's operator allows it. The coordinator sends
// the needs with its claim (environment variable names, broker URLs, files), so an agent that
// cannot or may not take the run says so with one line before anything starts; the agent checks
// the real plan again when it arrives, since only what it executes counts.
//
// `--allow-brokers` entries are `host:port` (matched against each broker URL's host and port,
// default ports filled in) or URL prefixes (`mqtts://broker.example:8883`, matched as text).
// With an allow-list, scenario files (TLS certificates and keys) must lie inside the agent's own
// directory: a stolen token may not make an agent read whatever it likes.

import path from 'node:path';
import type { Scenario } from '../../scenario/types.ts';
import { redact } from './control-client.ts';
import { envNames, resolveText, type EnvField } from './env-fields.ts';

export interface RunNeeds {
  /** Environment variables the agent resolves itself. */
  env: string[];
  /** Broker URLs, `${env:…}` references unresolved. */
  brokers: string[];
  /** Files the shards read (TLS, identity inventories), as written. */
  files: string[];
}

export interface AgentPolicy {
  /** null: any broker (no --allow-brokers). */
  allowBrokers: string[] | null;
  /** The agent's own directory: where files are looked up when an allow-list is set. */
  baseDir: string;
}

const DEFAULT_PORTS: Record<string, string> = { 'mqtt:': '1883', 'mqtts:': '8883', 'ws:': '80', 'wss:': '443' };

export function runNeeds(scenario: Scenario, fields: readonly EnvField[]): RunNeeds {
  const tls = scenario.broker.tls;
  return {
    env: envNames(fields),
    brokers: scenario.broker.urls,
    // Identity inventories too: each agent reads its own copy (engine/identities.ts).
    files: [tls?.ca, tls?.cert, tls?.key, ...scenario.groups.map((g) => g.identities?.file)].filter(
      (f): f is string => typeof f === 'string',
    ),
  };
}

/** `a:1883,mqtts://b:8883` → entries; throws on an entry that is neither host:port nor a URL prefix. */
export function parseAllowList(text: string): string[] {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const e of entries)
    if (!/^[a-z]+:\/\/\S+$/i.test(e) && !/^(\[[0-9a-fA-F:.]+\]|[^:/\s]+):\d{1,5}$/.test(e))
      throw new Error(`--allow-brokers entry "${e}" must be host:port or a URL prefix such as mqtts://broker.example:8883`);
  if (!entries.length) throw new Error('--allow-brokers needs at least one host:port or URL prefix');
  return entries;
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

const portOf = (u: URL) => u.port || DEFAULT_PORTS[u.protocol] || '';

/** Host, port and (for URL entries) scheme and path prefix compared as parsed, so `mqtt://ok@evil` is not `mqtt://ok`. */
export function brokerAllowed(url: string, allow: readonly string[]): boolean {
  const u = parseUrl(url);
  if (!u) return false;
  const hostPort = `${u.hostname}:${portOf(u)}`.toLowerCase();
  return allow.some((entry) => {
    if (!entry.includes('://')) return entry.toLowerCase() === hostPort;
    const e = parseUrl(entry);
    return (
      e !== null &&
      e.protocol === u.protocol &&
      e.hostname === u.hostname &&
      portOf(e) === portOf(u) &&
      u.pathname.startsWith(e.pathname.replace(/\/$/, ''))
    );
  });
}

/** One line saying why this agent will not take the run, or null when it will. */
export function refusal(needs: RunNeeds, policy: AgentPolicy, env: NodeJS.ProcessEnv): string | null {
  const missing = needs.env.filter((name) => env[name] === undefined);
  if (missing.length) return `environment variable ${missing.join(', ')} not set on this agent`;
  if (policy.allowBrokers === null) return null;
  const outside = needs.brokers.map((u) => resolveText(u, env)).find((u) => !brokerAllowed(u, policy.allowBrokers!));
  if (outside !== undefined) return `broker ${redact(outside)} is outside --allow-brokers ${policy.allowBrokers.join(',')}`;
  const root = path.resolve(policy.baseDir);
  const stray = needs.files.find((f) => !path.resolve(root, f).startsWith(root + path.sep));
  if (stray !== undefined) return `file ${stray} is outside this agent's directory ${root} (--allow-brokers is set)`;
  return null;
}
