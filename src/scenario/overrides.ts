// `--set path=value` overrides, applied to the parsed YAML before validation so an override is
// checked exactly like the file. List entries with a `name` can be addressed by it:
// `groups.locks.count=5000` is the same as `groups[0].count=5000` when locks is the first group.

import YAML from 'yaml';
import { MAX_NESTING, plainShapeProblem } from './nesting.ts';
import { nestingTooDeep } from './yaml-text.ts';
import type { IssuePath } from './schema-check.ts';

type Issue = { path: IssuePath; message: string };
type Segment = string | number;

/** Mappings whose keys contain dots (`connect.p99`): the rest of the path is one key. */
const DOTTED_KEY_MAPS = new Set(['thresholds']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parsePath(text: string): Segment[] | undefined {
  const segments: Segment[] = [];
  const re = /\.?([^.[\]]+)|\[(\d+)\]/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(text)) !== null) {
    const dotted = match[0].startsWith('.');
    if (match[1] !== undefined && dotted === (consumed === 0)) return undefined; // `.a` first, or `a[0]b`
    segments.push(match[2] !== undefined ? Number(match[2]) : match[1]);
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || segments.length === 0) return undefined;
  if (typeof segments[0] === 'string' && DOTTED_KEY_MAPS.has(segments[0]) && segments.length > 2) {
    return [segments[0], segments.slice(1).join('.')];
  }
  return segments;
}

/** A YAML scalar (`5000`, `true`, `30s`) or flow list (`[a, b]`); anything else stays literal text. */
export function parseOverrideValue(text: string): unknown {
  if (nestingTooDeep(text)) return text;
  try {
    const value: unknown = YAML.parse(text, { logLevel: 'error' });
    return isRecord(value) || plainShapeProblem(value) ? text : value;
  } catch {
    return text; // e.g. `{group}-{i}` is not valid YAML but is exactly what the user meant
  }
}

/** Finds the index a segment addresses in a list: a number, or the `name` of an entry. */
function listIndex(list: unknown[], segment: Segment, where: string, allowAppend: boolean): number | string {
  if (typeof segment === 'number') {
    const limit = allowAppend ? list.length : list.length - 1;
    return segment <= limit ? segment : `${where}[${segment}] is out of range (${where} has ${list.length} entries)`;
  }
  const index = list.findIndex((item) => isRecord(item) && item.name === segment);
  if (index >= 0) return index;
  const names = list.flatMap((item) => (isRecord(item) && typeof item.name === 'string' ? [item.name] : []));
  const noun = where === 'groups' ? 'group' : 'entry';
  return `no ${noun} named "${segment}" in ${where}${names.length ? ` (there is ${names.join(', ')})` : ''}`;
}

function applyOne(root: Record<string, unknown>, spec: string): string | undefined {
  const eq = spec.indexOf('=');
  if (eq <= 0) return 'must be written path=value, e.g. groups.locks.count=5000';
  const segments = parsePath(spec.slice(0, eq).trim());
  if (!segments) return `"${spec.slice(0, eq)}" is not a path like groups.locks.count or groups[0].count`;
  if (segments.length > MAX_NESTING) return `the path is more than ${MAX_NESTING} levels deep`;
  const value = parseOverrideValue(spec.slice(eq + 1));
  let node: Record<string, unknown> | unknown[] = root;
  let where = '';
  for (let k = 0; k < segments.length; k++) {
    const segment = segments[k];
    const last = k === segments.length - 1;
    let key: string | number;
    if (Array.isArray(node)) {
      const found = listIndex(node, segment, where, last);
      if (typeof found === 'string') return found;
      key = found;
    } else {
      if (typeof segment === 'number') return `${where || 'the scenario'} is a mapping, not a list; use .key instead of [${segment}]`;
      key = segment;
    }
    where += typeof key === 'number' ? `[${key}]` : where ? `.${key}` : key;
    const container = node as Record<string | number, unknown>;
    if (last) {
      if (value === null) {
        if (Array.isArray(node)) node.splice(key as number, 1);
        else delete container[key];
      } else container[key] = value;
      return undefined;
    }
    if (container[key] === undefined || container[key] === null) container[key] = {};
    const child = container[key];
    if (!isRecord(child) && !Array.isArray(child)) return `${where} is ${JSON.stringify(child)}, not a mapping or list`;
    node = child;
  }
  return undefined;
}

/** Applies overrides in order to a copy of `raw`; every override that cannot apply is an issue. */
export function applyOverrides(raw: unknown, specs: readonly string[]): { value: unknown; issues: Issue[] } {
  if (specs.length === 0) return { value: raw, issues: [] };
  if (!isRecord(raw)) return { value: raw, issues: [{ path: ['--set'], message: 'the scenario is not a mapping, so nothing can be set' }] };
  const value = structuredClone(raw);
  const issues: Issue[] = [];
  for (const spec of specs) {
    const problem = applyOne(value, spec);
    // The path only: the value may be a secret.
    if (problem) issues.push({ path: [`--set ${spec.split('=')[0].trim()}`], message: problem });
  }
  return { value, issues };
}

/**
 * The `--broker` (repeatable) and `--duration` options as overrides, so they are validated like
 * the file. `--broker` replaces whichever of url / urls the file used.
 */
export function overridesForCli(opts: { brokers?: readonly string[]; duration?: string }): string[] {
  const specs: string[] = [];
  if (opts.brokers && opts.brokers.length > 0) {
    specs.push('broker.url=', `broker.urls=[${opts.brokers.map((url) => JSON.stringify(url)).join(', ')}]`);
  }
  if (opts.duration !== undefined) specs.push(`duration=${opts.duration}`);
  return specs;
}
