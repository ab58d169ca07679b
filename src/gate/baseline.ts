// Baseline files (`fleetstorm/baseline@1`) and reading result files for `compare`. Every way a
// file can be unusable ends in one ResultFileError whose message is a single line a user can act on.

import { ResultFileError } from '../errors.ts';
import { readFile } from 'node:fs/promises';
import type { Result, Summary } from '../result/types.ts';
import { RESULT_SCHEMA } from '../result/types.ts';

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
  scenario: { name: string; sha256: string };
  summary: Summary;
  /** Per-group summaries, so group metrics can be compared too. */
  groups?: Record<string, Summary>;
}

export function makeBaseline(result: Result, env: BaselineEnvironment, now: Date = new Date()): Baseline {
  return {
    schema: BASELINE_SCHEMA,
    savedAt: now.toISOString(),
    environment: env,
    scenario: { name: result.scenario.name, sha256: result.scenario.sha256 },
    summary: result.summary,
    groups: result.groups,
  };
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

/** Human-readable differences worth a warning: figures from different setups compare poorly. */
export function environmentDiffs(baseline: Baseline, current: BaselineEnvironment): string[] {
  const was = baseline.environment;
  const out: string[] = [];
  const diff = (what: string, a: string | undefined, b: string | undefined) => {
    if (a !== undefined && b !== undefined && a !== b) out.push(`${what} differs: baseline ${a}, now ${b}`);
  };
  diff('host', was.hostname, current.hostname);
  diff('node', was.node, current.node);
  diff('fleetstorm version', was.fleetstormVersion, current.fleetstormVersion);
  // The embedded broker listens on a fresh port every run: its address says nothing.
  const embedded = was.brokerVersion?.includes('embedded') && current.brokerVersion?.includes('embedded');
  if (!embedded) diff('brokers', was.brokers.join(','), current.brokers.join(','));
  diff('broker version', was.brokerVersion, current.brokerVersion);
  return out;
}

export async function readBaseline(file: string): Promise<Baseline> {
  const data = await readJson(file, 'baseline');
  checkSchema(file, data, BASELINE_SCHEMA, 'baseline');
  checkSummary(file, data, 'baseline');
  return data as unknown as Baseline;
}

export async function readResult(file: string): Promise<Result> {
  const data = await readJson(file, 'result');
  checkSchema(file, data, RESULT_SCHEMA, 'result');
  checkSummary(file, data, 'result');
  return data as unknown as Result;
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
