// Broker URLs as a scenario and --broker take them, without zod: the CLI's option parsing and
// the engine's endpoints read them, and neither must load the scenario schema (issue 14: an idle
// agent, or the engine in an agent process, holds no zod).

import { describeValue, type Parsed } from './units.ts';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (message: string): Parsed<never> => ({ ok: false, message });

/** Port of a broker URL that names none, by scheme. */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'mqtt:': 1883, 'mqtts:': 8883, 'ws:': 80, 'wss:': 443 };

/**
 * `mqtt://host[:port]`, `mqtts://…`, or `ws://host[:port][/path]` / `wss://…` (MQTT over
 * WebSocket, where the path matters: /mqtt for most brokers), normalised to carry its port.
 */
export function parseBrokerUrl(v: unknown): Parsed<string> {
  if (typeof v !== 'string') return fail(`must be a URL string, got ${describeValue(v)}`);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return fail(`must be a URL like mqtt://127.0.0.1:1883, got ${describeValue(v)}`);
  }
  if (!(url.protocol in DEFAULT_PORTS)) return fail(`must start with mqtt://, mqtts://, ws:// or wss://, got ${describeValue(v)}`);
  if (!url.hostname) return fail(`must name a host, got ${describeValue(v)}`);
  if (url.username || url.password) return fail('must not carry credentials; use the group username and password');
  const host = `${url.protocol}//${url.hostname}:${url.port || DEFAULT_PORTS[url.protocol]}`;
  if (url.protocol === 'ws:' || url.protocol === 'wss:') {
    if (url.hash) return fail(`must not have a #fragment, got ${describeValue(v)}`);
    return ok(`${host}${url.pathname}${url.search}`);
  }
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash)
    return fail(`must not have a path or query, got ${describeValue(v)}`);
  return ok(host);
}
