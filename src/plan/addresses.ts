// Which broker endpoint and which local source address each connection uses. A (source address,
// broker endpoint) pair can carry only as many connections as there are ephemeral ports
// (Linux default 32768–60999, about 28 000), so big fleets need more source addresses or urls.

import type { ValidationIssue } from '../scenario/types.ts';

export const DEFAULT_PORTS_PER_PAIR = 28_000;
/**
 * Connections per local port pool above which each new port gets slow to find. Linux gives
 * connect() without bind() the even ports of the whole ephemeral range first (~14,000 per source
 * and destination pair), and bind(addr, 0) the odd ports of the lower half first (~7,000 per
 * source address); past that, every new socket scans the crowded part before it finds a port.
 * Measured here (kernel 6.18): connect() 0.1–0.8 ms below 14,000 connections on one pair and
 * 2.7–6.7 ms above; 100,000 clients over 6 broker ports stalled at ~81,000 with single connect()
 * calls of 7–71 ms, and over 9 bound source addresses at ~6,900 per address with bind() calls of
 * 7–20 ms: the event loops stalled and the connects timed out.
 */
export const FAST_PORTS_PER_PAIR = 14_000;
export const FAST_PORTS_PER_SOURCE = 7_000;

/** Distinct host:port destinations (two urls naming the same endpoint add no ports). */
function distinctEndpoints(urls: readonly string[]): number {
  const seen = new Set<string>();
  for (const u of urls) {
    try {
      const url = new URL(u);
      seen.add(`${url.hostname}:${url.port}`);
    } catch {
      seen.add(u);
    }
  }
  return Math.max(1, seen.size);
}

/** Pools (source × url pairs, or source addresses when bound) and connections per pool. */
function pools(urls: readonly string[], sources: readonly string[]): { count: number; text: string } {
  const u = distinctEndpoints(urls);
  const s = Math.max(1, new Set(sources).size);
  const count = sources.length > 0 ? s : u * s;
  const text = sources.length > 0 ? `${s} source address${s === 1 ? '' : 'es'}` : `${u} broker url${u === 1 ? '' : 's'} × 1 source address`;
  return { count, text };
}

/**
 * A note when the fleet fits the ports but crowds them: more connections per pool than the kernel
 * hands out quickly (see above). Null when the pools are roomy.
 */
export function addressCrowdingNote(total: number, urls: readonly string[], sources: readonly string[]): string | null {
  const p = pools(urls, sources);
  const perPool = Math.ceil(total / p.count);
  const fast = sources.length > 0 ? FAST_PORTS_PER_SOURCE : FAST_PORTS_PER_PAIR;
  if (perPool <= fast || total > p.count * DEFAULT_PORTS_PER_PAIR) return null;
  const wanted = Math.ceil(total / FAST_PORTS_PER_SOURCE);
  const loopback = urls.every((u) => /^[a-z]+:\/\/(127\.|localhost[:/]|localhost$)/.test(u));
  return (
    `note: ${total} connections over ${p.text} is ${perPool} per local port pool; above ~${fast} the kernel scans for ` +
    `every new port (ms per connect instead of µs): give broker.sourceAddresses ${wanted} or more addresses (~${FAST_PORTS_PER_SOURCE} each)` +
    (loopback ? ` (e.g. 127.0.0.2-127.0.0.${wanted + 1})` : '')
  );
}

/** An issue when the fleet needs more ports than the url × source pairs offer, else null. */
export function checkAddressCapacity(
  total: number,
  urls: readonly string[],
  sources: readonly string[],
  portsPerPair = DEFAULT_PORTS_PER_PAIR,
): ValidationIssue | null {
  // Binding a source address takes its port at bind time, before the destination is known, so
  // with sourceAddresses each address offers its ports once in all, not once per broker url.
  const p = pools(urls, sources);
  const capacity = p.count * portsPerPair;
  if (total <= capacity) return null;
  return {
    path: 'broker',
    message: `scenario asks for ${total} connections but ${p.text} allow about ${capacity}; add broker.sourceAddresses or broker.urls`,
  };
}
