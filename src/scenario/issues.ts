// Validation issues: how paths are written, how issues print, and the one error type the loader
// throws. The CLI prints `formatIssues` and exits 2; no stack trace reaches the user.

import { formatIssues, ScenarioError, type ValidationIssue } from '../errors.ts';

export { formatIssues, ScenarioError };
import type { IssuePath } from './schema-check.ts';

/** `['groups', 1, 'publish', 0, 'qos']` → `groups[1].publish[0].qos`; the root is `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && segment.startsWith('['))
      out += segment; // a quoted key: thresholds["a.b"]
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(root)';
}

/**
 * Position of a path in the document (key order, list index), so issues print in the order a
 * reader meets them in the file rather than in the order the checks ran.
 */
function documentOrder(raw: unknown, path: IssuePath): number[] {
  const order: number[] = [];
  let node = raw;
  for (const segment of path) {
    if (typeof segment === 'number') {
      order.push(segment);
      node = Array.isArray(node) ? node[segment] : undefined;
    } else if (node && typeof node === 'object' && !Array.isArray(node)) {
      const index = Object.keys(node).indexOf(segment);
      order.push(index < 0 ? Number.MAX_SAFE_INTEGER : index);
      node = (node as Record<string, unknown>)[segment];
    } else {
      order.push(Number.MAX_SAFE_INTEGER);
      node = undefined;
    }
  }
  return order;
}

function compareOrder(a: number[], b: number[]): number {
  for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k] - b[k];
  return a.length - b.length;
}

/** Sorts raw issues into document order, drops exact repeats and formats their paths. */
export function orderIssues(raw: unknown, found: { path: IssuePath; message: string }[]): ValidationIssue[] {
  const keyed = found.map((issue, seq) => ({ issue, seq, order: documentOrder(raw, issue.path) }));
  keyed.sort((a, b) => compareOrder(a.order, b.order) || a.seq - b.seq);
  const seen = new Set<string>();
  const out: ValidationIssue[] = [];
  for (const { issue } of keyed) {
    const formatted = { path: formatPath(issue.path), message: issue.message };
    const key = `${formatted.path}\u0000${formatted.message}`;
    if (!seen.has(key)) out.push(formatted);
    seen.add(key);
  }
  return out;
}
