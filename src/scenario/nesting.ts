// The shape every later step of loading may assume: plain JSON values (mappings, lists, strings,
// numbers, booleans, null) nested at most MAX_NESTING deep. Checked once, without recursion, right
// after parsing; the recursive walks that follow (overrides, env refs, null keys, hashing) also
// carry the bound so nothing in loading recurses without one.

import type { ValidationIssue } from '../errors.ts';
import { ScenarioError } from './issues.ts';

/** A scenario nests about six levels (groups[0].publish[0].topic); this leaves ample room. */
export const MAX_NESTING = 64;

/** Values visited at most; aliases in the YAML are bounded well below this. */
const MAX_VALUES = 1_000_000;

function describeKind(value: unknown): string {
  if (value instanceof Uint8Array) return 'binary data (!!binary)';
  if (value instanceof Set) return 'a set (!!set)';
  if (value instanceof Map) return 'a mapping with non-text keys';
  if (value instanceof Date) return 'a timestamp';
  return typeof value;
}

function pathText(path: readonly (string | number)[]): string {
  return path.map((p, k) => (typeof p === 'number' ? `[${p}]` : k === 0 ? p : `.${p}`)).join('') || '(root)';
}

/** The first value that is not plain JSON or lies deeper than MAX_NESTING, as an issue; else null. */
export function plainShapeProblem(root: unknown): ValidationIssue | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  let visited = 0;
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (++visited > MAX_VALUES) return { path: '(root)', message: `holds more than ${MAX_VALUES} values` };
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') continue;
    if (path.length >= MAX_NESTING)
      return { path: pathText(path.slice(0, 8)) + '…', message: `nested more than ${MAX_NESTING} levels deep` };
    if (Array.isArray(value)) {
      for (let k = value.length - 1; k >= 0; k--) stack.push({ value: value[k], path: [...path, k] });
    } else if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const entries = Object.entries(value as Record<string, unknown>);
      for (let k = entries.length - 1; k >= 0; k--) stack.push({ value: entries[k]![1], path: [...path, entries[k]![0]] });
    } else
      return {
        path: pathText(path),
        message: `must be plain YAML (text, number, true/false, list or mapping), got ${describeKind(value)}`,
      };
  }
  return null;
}

/** For recursive walks over loaded values: throws once `depth` passes MAX_NESTING. */
export function checkDepth(depth: number): void {
  if (depth > MAX_NESTING) throw new ScenarioError([{ path: '(root)', message: `nested more than ${MAX_NESTING} levels deep` }]);
}
