// Baseline files (`fleetstorm/baseline@1`) and reading result files for `compare`. Either kind
// can stand on either side of a comparison. Every way a file can be unusable ends in one
// ResultFileError whose message is a single line a user can act on.

import { ResultFileError } from '../errors.ts';
import { readFile } from 'node:fs/promises';
import type { Result, Summary } from '../result/types.ts';
import { RESULT_SCHEMA } from '../result/types.ts';
import { workloadDiffs, workloadOf } from './workload.ts';

export const BASELINE_SCHEMA = 'fleetstorm/baseline@1';

export interface BaselineEnvironment {
  hostname: string;
  node: string;
  fleetstormVersion: string;
  brokers: string[];
  brokerVersion?: string;
}

export interface Baseline {
  schema: typeof BASELINE_SCHEMA;
  savedAt: string; // ISO 8601
  environment: BaselineEnvironment;
  /** `workload` (see workload.ts) is absent in baselines saved before it was recorded. */
  scenario: { name: string; sha256: string; workload?: Record<string, unknown> };
  summary: Summary;
  /** Per-group summaries, so group metrics can be compared too. */
  groups?: Record<string, Summary>;
}

/** One side of a comparison: a result.json or a saved baseline, read the same way. */
export interface Comparable {
  file: string;
  kind: 'result' | 'baseline';
  scenario: Baseline['scenario'];
  environment: BaselineEnvironment;
  summary: Summary;
  groups?: Record<string, Summary>;
}

export function makeBaseline(from: Comparable, now: Date = new Date()): Baseline {
  return {
    schema: BASELINE_SCHEMA,
    savedAt: now.toISOString(),
    environment: from.environment,
    scenario: from.scenario,
    summary: from.summary,
    groups: from.groups,
  };
}

function comparableResult(file: string, result: Result): Comparable {
  const workload = workloadOf(result.scenario.resolved);
  return {
    file,
    kind: 'result',
    scenario: { name: result.scenario.name, sha256: result.scenario.sha256, ...(workload ? { workload } : {}) },
    environment: environmentOf(result, result.run.brokerVersion),
    summary: result.summary,
    groups: result.groups,
  };
}

/** Reads a result.json or a baseline file, whichever `file` holds. */
export async function readComparable(file: string): Promise<Comparable> {
  const data = await readJson(file, 'result or baseline');
  if (data.schema === BASELINE_SCHEMA) {
    const baseline = checked<Baseline>(file, data, BASELINE_SCHEMA, 'baseline');
    return { file, kind: 'baseline', ...baseline };
  }
  if (data.schema === RESULT_SCHEMA) return comparableResult(file, checked<Result>(file, data, RESULT_SCHEMA, 'result'));
  const got = typeof data.schema === 'string' ? `schema ${JSON.stringify(data.schema).slice(0, 60)}` : 'no schema field';
  throw new ResultFileError(
    `${file} is neither a fleetstorm result nor a baseline file (${got}; expected ${RESULT_SCHEMA} or ${BASELINE_SCHEMA})`,
  );
}

/**
 * Why `baseline` is not a baseline for `current`: another scenario name, or the same name with
 * another workload. Null when they match (or the baseline predates recorded workloads).
 */
export function scenarioMismatch(baseline: Comparable, current: Comparable): string | null {
  if (baseline.scenario.name !== current.scenario.name) {
    return `the baseline ran scenario "${baseline.scenario.name}", this result "${current.scenario.name}"`;
  }
  const [was, now] = [baseline.scenario.workload, current.scenario.workload];
  if (!was || !now) return null;
  const diffs = workloadDiffs(was, now);
  return diffs.length === 0 ? null : `the baseline ran another workload of "${current.scenario.name}" (${diffs.join('; ')})`;
}

/** `mqtt://host:1883 (mosquitto 2.0.18)`: the broker a side ran against, as far as it says. */
export function brokerOf(side: Comparable): string {
  const brokers = side.environment.brokers.join(', ') || 'unknown broker';
  return side.environment.brokerVersion ? `${brokers} (${side.environment.brokerVersion})` : brokers;
}

/** The environment a result was produced in, as far as the result records it. */
export function environmentOf(result: Result, brokerVersion?: string): BaselineEnvironment {
  const env: BaselineEnvironment = {
    hostname:
      result.run.hosts
        .map((h) => h.hostname)
        .filter((v, i, a) => a.indexOf(v) === i)
        .join(',') || 'unknown',
    node: result.run.node,
    fleetstormVersion: result.run.version,
    brokers: [...result.run.brokers],
  };
  if (brokerVersion !== undefined) env.brokerVersion = brokerVersion;
  return env;
}

/** Differences in how two sides were produced worth a warning (brokers are shown beside each side). */
export function environmentDiffs(was: BaselineEnvironment, now: BaselineEnvironment): string[] {
  const out: string[] = [];
  const diff = (what: string, a: string | undefined, b: string | undefined) => {
    if (a !== undefined && b !== undefined && a !== b) out.push(`${what} differs: baseline ${a}, now ${b}`);
  };
  diff('host', was.hostname, now.hostname);
  diff('node', was.node, now.node);
  diff('fleetstorm version', was.fleetstormVersion, now.fleetstormVersion);
  return out;
}

function checked<T>(file: string, data: Record<string, unknown>, schema: string, kind: string): T {
  checkSchema(file, data, schema, kind);
  checkSummary(file, data, kind);
  return data as unknown as T;
}

export async function readResult(file: string): Promise<Result> {
  return checked<Result>(file, await readJson(file, 'result'), RESULT_SCHEMA, 'result');
}

async function readJson(file: string, kind: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(err));
    throw new ResultFileError(`cannot read ${kind} file ${file}: ${why}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ResultFileError(`${kind} file ${file} is not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ResultFileError(`${kind} file ${file} does not hold a JSON object`);
  }
  return data as Record<string, unknown>;
}

/** Accepts exactly `want`; a higher @version of the same family is "from a newer fleetstorm". */
function checkSchema(file: string, data: Record<string, unknown>, want: string, kind: string): void {
  const schema = data.schema;
  if (schema === want) return;
  const [family, version] = want.split('@') as [string, string];
  const m = typeof schema === 'string' ? /^(.*)@(\d+)$/.exec(schema) : null;
  if (m && m[1] === family && Number(m[2]) > Number(version)) {
    throw new ResultFileError(`${kind} file ${file} is from a newer fleetstorm (schema ${schema}); this one reads ${want}`);
  }
  const got = typeof schema === 'string' ? `schema ${schema}` : 'no schema field';
  throw new ResultFileError(`${file} is not a fleetstorm ${kind} file (${got}; expected ${want})`);
}

function checkSummary(file: string, data: Record<string, unknown>, kind: string): void {
  const s = data.summary as Record<string, unknown> | undefined;
  const ok =
    s && typeof s === 'object' && ['connections', 'messages', 'throughput', 'latencyMs'].every((k) => s[k] && typeof s[k] === 'object');
  if (!ok) throw new ResultFileError(`${kind} file ${file} is incomplete: its summary is missing or damaged`);
}
