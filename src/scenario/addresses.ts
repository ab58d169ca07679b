// Local source addresses: one machine opens more than ~64k connections to a broker by binding
// several loopback addresses. Users write lists and ranges; the engine wants the flat list.

import type { Parsed } from './units.ts';

/** Upper bound on one expansion, so a typo like 10.0.0.1-10.9.0.1 cannot allocate millions. */
export const MAX_SOURCE_ADDRESSES = 65_536;

function ipv4ToInt(text: string): number | undefined {
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  let value = 0;
  for (const octet of octets) {
    if (!/^\d{1,3}$/.test(octet) || Number(octet) > 255 || (octet.length > 1 && octet[0] === '0')) return undefined;
    value = value * 256 + Number(octet);
  }
  return value;
}

function intToIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** `127.0.0.2` or `127.0.0.2-127.0.0.9` (inclusive) → the addresses it names. */
export function expandAddress(entry: string): Parsed<string[]> {
  const [from, to, ...extra] = entry.split('-').map((s) => s.trim());
  const start = ipv4ToInt(from);
  const end = to === undefined ? start : ipv4ToInt(to);
  if (extra.length || start === undefined || end === undefined) {
    return { ok: false, message: `must be an IPv4 address or a range like 127.0.0.2-127.0.0.9, got ${JSON.stringify(entry)}` };
  }
  if (end < start) return { ok: false, message: `range ${JSON.stringify(entry)} ends before it starts` };
  if (end - start + 1 > MAX_SOURCE_ADDRESSES) {
    return { ok: false, message: `range ${JSON.stringify(entry)} has more than ${MAX_SOURCE_ADDRESSES} addresses` };
  }
  const out: string[] = [];
  for (let v = start; v <= end; v++) out.push(intToIpv4(v));
  return { ok: true, value: out };
}
