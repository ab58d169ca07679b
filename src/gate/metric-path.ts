// Metric paths that thresholds and baseline comparisons refer to, e.g. `connect.p99`,
// `latencyMs.endToEnd.p99`, `messages.lossRate`, `groups.locks.throughput.publishedPerSec`.
// Resolving a path yields its kind (which decides the units it accepts) and a reader that takes
// the value out of a Summary.

import { CONNECT_PARTS, type LatencySummary, type Summary } from '../result/types.ts';

export type MetricKind = 'latency' | 'count' | 'ratio' | 'rate';

/** Latency names accepted in paths; commandRoundTrip is reserved for request/response scenarios. */
export const LATENCY_METRICS = ['connect', 'subscribe', 'publishAck', 'endToEnd', 'reconnect', 'commandRoundTrip'] as const;
export const LATENCY_STATS = ['count', 'min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const;

const SECTION_FIELDS: Record<string, Record<string, MetricKind>> = {
  connections: { attempted: 'count', succeeded: 'count', failed: 'count', peakConcurrent: 'count' },
  messages: {
    published: 'count',
    acked: 'count',
    received: 'count',
    expected: 'count',
    lost: 'count',
    duplicated: 'count',
    outOfOrder: 'count',
    lossRate: 'ratio',
  },
  throughput: { publishedPerSec: 'rate', receivedPerSec: 'rate' },
};

export interface MetricRef {
  /** Canonical path without the group prefix, e.g. `latencyMs.connect.p99`, `errors.total`. */
  path: string;
  /** Group name, or undefined for the run-wide summary. */
  group?: string;
  kind: MetricKind;
  /** The value, or null when there is no data for it (latency with no samples, ratio of nothing). */
  read(summary: Summary): number | null;
}

export type Resolved = { ok: true; ref: MetricRef } | { ok: false; message: string };

export function resolveMetricPath(raw: string, groupNames: readonly string[]): Resolved {
  let parts = raw.split('.');
  let group: string | undefined;
  if (parts[0] === 'groups') {
    const name = parts[1];
    if (!name) return { ok: false, message: 'expected groups.<group>.<metric>' };
    if (!groupNames.includes(name)) return { ok: false, message: `unknown group '${name}'${suggest(name, groupNames)}` };
    group = name;
    parts = parts.slice(2);
  }
  if (parts[0] === 'latencyMs') parts = parts.slice(1);
  const [head, ...rest] = parts;
  if (!head) return { ok: false, message: 'empty metric path' };

  if ((LATENCY_METRICS as readonly string[]).includes(head)) return latencyRef(head, rest, group);
  if (head === 'connectParts') return connectPartRef(rest, group);
  if (head === 'errors') {
    const reason = rest.join('.');
    if (!reason) return { ok: false, message: 'expected errors.total or errors.<reason>' };
    const read = (s: Summary) => (reason === 'total' ? Object.values(s.errors).reduce((a, b) => a + b, 0) : (s.errors[reason] ?? 0));
    return { ok: true, ref: { path: `errors.${reason}`, group, kind: 'count', read } };
  }
  const fields = SECTION_FIELDS[head];
  if (!fields) {
    const known = [...LATENCY_METRICS, ...Object.keys(SECTION_FIELDS), 'errors', 'connectParts'];
    return { ok: false, message: `unknown metric '${head}'${suggest(head, known)}` };
  }
  const [field, ...extra] = rest;
  const kind = field ? fields[field] : undefined;
  if (!field || !kind || extra.length > 0) {
    const got = field ? `'${rest.join('.')}'` : 'nothing';
    return {
      ok: false,
      message: `unknown field ${got} in ${head}${suggest(field ?? '', Object.keys(fields))}; one of ${Object.keys(fields).join(', ')}`,
    };
  }
  const read = (s: Summary): number | null => {
    if (head === 'messages' && field === 'lossRate' && s.messages.expected === 0) return null;
    return (s as unknown as Record<string, Record<string, number>>)[head]![field]!;
  };
  return { ok: true, ref: { path: `${head}.${field}`, group, kind, read } };
}

function latencyRef(name: string, rest: string[], group: string | undefined): Resolved {
  const stat = rest[0];
  if (!stat || rest.length > 1 || !(LATENCY_STATS as readonly string[]).includes(stat)) {
    const got = stat ? `'${rest.join('.')}'` : 'none';
    return {
      ok: false,
      message: `unknown statistic ${got} for ${name}${suggest(stat ?? '', LATENCY_STATS)}; one of ${LATENCY_STATS.join(', ')}`,
    };
  }
  const kind: MetricKind = stat === 'count' ? 'count' : 'latency';
  const read = (s: Summary): number | null => {
    const l = (s.latencyMs as Record<string, LatencySummary | undefined>)[name];
    if (!l) return null;
    if (stat === 'count') return l.count;
    return l.count === 0 ? null : l[stat as keyof LatencySummary];
  };
  return { ok: true, ref: { path: `latencyMs.${name}.${stat}`, group, kind, read } };
}

/** `connectParts.<tcp|tls|wsUpgrade|connack>.<stat>`: no data (null) when the transport has no such part. */
function connectPartRef(rest: string[], group: string | undefined): Resolved {
  const [part, ...stat] = rest;
  if (!part || !(CONNECT_PARTS as readonly string[]).includes(part))
    return {
      ok: false,
      message: `unknown connect part '${part ?? ''}'${suggest(part ?? '', CONNECT_PARTS)}; one of ${CONNECT_PARTS.join(', ')}`,
    };
  const resolved = latencyRef(part, stat, group);
  if (!resolved.ok) return resolved;
  const { kind } = resolved.ref;
  const read = (s: Summary): number | null => {
    const l = s.latencyMs.connectParts?.[part as keyof NonNullable<Summary['latencyMs']['connectParts']>];
    if (!l) return kind === 'count' ? 0 : null;
    if (stat[0] === 'count') return l.count;
    return l.count === 0 ? null : l[stat[0] as keyof LatencySummary];
  };
  return { ok: true, ref: { path: `latencyMs.connectParts.${part}.${stat[0]}`, group, kind, read } };
}

/** Picks the summary a ref points at: the run-wide one or a group's. */
export function pickSummary(ref: MetricRef, result: { summary: Summary; groups?: Record<string, Summary> }): Summary | undefined {
  return ref.group === undefined ? result.summary : result.groups?.[ref.group];
}

/**
 * " (did you mean 'x'?)" when one candidate is clearly closest within a small edit distance;
 * "" otherwise (a tie such as p95 → p90/p99 would be a guess).
 */
export function suggest(word: string, candidates: readonly string[]): string {
  let best = '';
  let bestD = Infinity;
  let tie = false;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD, tie] = [c, d, false];
    else if (d === bestD) tie = true;
  }
  return word && !tie && bestD <= Math.max(1, Math.floor(best.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
