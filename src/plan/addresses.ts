// Which broker endpoint and which local source address each connection uses. A (source address,
// broker endpoint) pair can carry only as many connections as there are ephemeral ports
// (Linux default 32768–60999, about 28 000), so big fleets need more source addresses or urls.

import type { ValidationIssue } from '../scenario/types.ts';

export const DEFAULT_PORTS_PER_PAIR = 28_000;

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

/** An issue when the fleet needs more ports than the url × source pairs offer, else null. */
export function checkAddressCapacity(
  total: number,
  urls: readonly string[],
  sources: readonly string[],
  portsPerPair = DEFAULT_PORTS_PER_PAIR,
): ValidationIssue | null {
  const u = distinctEndpoints(urls);
  const s = Math.max(1, new Set(sources).size);
  // Binding a source address takes its port at bind time, before the destination is known, so
  // with sourceAddresses each address offers its ports once in all, not once per broker url.
  const capacity = (sources.length > 0 ? s : u * s) * portsPerPair;
  if (total <= capacity) return null;
  const urlText = `${u} broker url${u === 1 ? '' : 's'}`;
  const srcText = `${s} source address${s === 1 ? '' : 'es'}`;
  const pools = sources.length > 0 ? srcText : `${urlText} × ${srcText}`;
  return {
    path: 'broker',
    message: `scenario asks for ${total} connections but ${pools} allow about ${capacity}; add broker.sourceAddresses or broker.urls`,
  };
}
