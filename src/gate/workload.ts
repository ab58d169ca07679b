// What a baseline's identity is: the scenario's name and its workload (groups, counts, rates,
// sizes, QoS, duration, stages, migration). Broker addresses, TLS files, credentials, monitoring,
// thresholds and the seed are not part of it: one workload measured on two brokers (or two
// broker versions) is exactly what a baseline comparison is for.

/** Top-level scenario fields that shape the load. */
const WORKLOAD_FIELDS = ['duration', 'drain', 'scale', 'groups', 'stages', 'migration'] as const;
/** Group fields that say who a client is, not what it does. */
const CREDENTIALS = new Set(['username', 'password']);
/** Result files are user input: comparisons stop descending here. */
const MAX_DEPTH = 64;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The workload of a resolved scenario (as result.json stores it), or undefined when there is none. */
export function workloadOf(resolved: unknown): Record<string, unknown> | undefined {
  if (!isRecord(resolved)) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of WORKLOAD_FIELDS) if (resolved[key] !== undefined) out[key] = resolved[key];
  if (Array.isArray(out.groups)) {
    out.groups = out.groups.map((g) => (isRecord(g) ? Object.fromEntries(Object.entries(g).filter(([k]) => !CREDENTIALS.has(k))) : g));
  }
  return out;
}

const show = (v: unknown) => {
  const text =
    v === undefined ? '(not set)' : typeof v === 'object' && v !== null ? (Array.isArray(v) ? 'a list' : 'a mapping') : String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
};

/** Where two workloads differ, as `path: a → b` lines (at most `limit`). */
export function workloadDiffs(a: unknown, b: unknown, limit = 3): string[] {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, path: string, depth: number): void => {
    if (out.length >= limit) return;
    if (depth < MAX_DEPTH && Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) out.push(`${path || '(root)'}: ${x.length} entries → ${y.length}`);
      else x.forEach((item, k) => walk(item, y[k], `${path}[${k}]`, depth + 1));
      return;
    }
    if (depth < MAX_DEPTH && isRecord(x) && isRecord(y)) {
      for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[key], y[key], path ? `${path}.${key}` : key, depth + 1);
      return;
    }
    if (depth >= MAX_DEPTH) out.push(`${path}: nested too deep to compare`);
    else if (x !== y) out.push(`${path || '(root)'}: ${show(x)} → ${show(y)}`);
  };
  walk(a, b, '', 0);
  return out;
}
