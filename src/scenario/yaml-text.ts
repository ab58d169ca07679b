// Scenario bytes → a plain JS value, safe on any input: a size cap, a text check, a nesting bound
// measured before the YAML parser recurses, alias limits (recursive and exponential aliases are
// refused with their line) and a shape check so everything after this walks a small, acyclic
// tree of JSON values. Every refusal is one ScenarioError line.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import YAML, { isAlias, isMap, isPair, isSeq, LineCounter, type Alias, type Document, type Node } from 'yaml';
import { ScenarioError } from './issues.ts';
import { MAX_NESTING, plainShapeProblem } from './nesting.ts';

/** A scenario is a few kilobytes; a generated one with thousands of groups stays well under this. */
export const MAX_SCENARIO_BYTES = 4 * 1024 * 1024;
/** Flow brackets ([ {) open at once, and block indentation plus `- ` indicators on one line. */
const MAX_FLOW_DEPTH = MAX_NESTING;
const MAX_BLOCK_WIDTH = 4 * MAX_NESTING;
/** Values one document may expand to through aliases (a "billion laughs" file expands to 10^9). */
export const MAX_EXPANDED_VALUES = 100_000;

const fileIssue = (file: string, message: string) => new ScenarioError([{ path: '(file)', message: `${file} ${message}` }]);

/** Reads at most MAX_SCENARIO_BYTES + 1 bytes, so /dev/zero or a huge log cannot fill memory. */
function readCapped(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ScenarioError([{ path: '(file)', message: `${file}: ${reason}` }]);
  }
  try {
    if (fstatSync(fd).isDirectory()) throw new ScenarioError([{ path: '(file)', message: `${file}: is a directory, not a file` }]);
    const buf = Buffer.alloc(MAX_SCENARIO_BYTES + 1);
    let used = 0;
    for (let n = 1; n > 0 && used < buf.length; used += n) n = readSync(fd, buf, used, buf.length - used, null);
    return buf.subarray(0, used);
  } finally {
    closeSync(fd);
  }
}

/** The file's text, or one line saying why it is not a YAML scenario file. */
export function readScenarioText(file: string): string {
  const bytes = readCapped(file);
  if (bytes.length > MAX_SCENARIO_BYTES)
    throw fileIssue(file, `is larger than ${MAX_SCENARIO_BYTES / 1024 / 1024} MB; a scenario file is YAML text`);
  const nul = bytes.indexOf(0);
  let text: string;
  try {
    if (nul >= 0) throw new Error();
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fileIssue(file, 'is not a YAML text file (it holds binary data; a scenario is UTF-8 text)');
  }
  return text;
}

/** Deepest nesting the text could reach, measured linearly without parsing: the first line too deep. */
export function nestingTooDeep(text: string): { line: number; what: string } | null {
  let line = 1;
  let flow = 0;
  let tokenStart = true;
  let lineStart = true;
  let width = 0;
  let quote = '';
  let blockScalarIndent = -1;
  let lineIndent = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\n') line++;
      else if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = '';
      }
      continue;
    }
    if (ch === '\n') {
      line++;
      lineStart = tokenStart = true;
      width = lineIndent = 0;
      continue;
    }
    if (lineStart) {
      if (ch === ' ' || ch === '\t') {
        width++;
        lineIndent++;
        continue;
      }
      lineStart = false;
      if (blockScalarIndent >= 0) {
        if (lineIndent > blockScalarIndent || ch === '\r') {
          i = skipLine(text, i);
          continue;
        }
        blockScalarIndent = -1;
      }
    }
    if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      i = skipLine(text, i);
      continue;
    }
    if ((ch === '-' || ch === '?' || ch === ':') && /[ \t]/.test(text[i + 1] ?? '') && (tokenStart || ch === ':')) {
      if (ch !== ':' && flow === 0) width++;
      if (width > MAX_BLOCK_WIDTH) return { line, what: `indented or nested more than ${MAX_BLOCK_WIDTH} columns deep` };
      tokenStart = true;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') continue;
    if (width > MAX_BLOCK_WIDTH) return { line, what: `indented or nested more than ${MAX_BLOCK_WIDTH} columns deep` };
    if ((ch === '[' || ch === '{') && (tokenStart || flow > 0)) {
      if (++flow > MAX_FLOW_DEPTH) return { line, what: `nested more than ${MAX_FLOW_DEPTH} brackets deep` };
      tokenStart = true;
    } else if (ch === ']' || ch === '}') {
      if (flow > 0) flow--;
    } else if (ch === ',' && flow > 0) tokenStart = true;
    else if ((ch === '"' || ch === "'") && tokenStart) quote = ch;
    else if ((ch === '|' || ch === '>') && tokenStart && flow === 0) {
      blockScalarIndent = lineIndent;
      i = skipLine(text, i);
    } else tokenStart = false;
  }
  return null;
}

function skipLine(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return (end < 0 ? text.length : end) - 1;
}

/**
 * Values each node stands for once aliases are expanded; refuses an alias inside its own anchor
 * (`a: &x [*x]`) and a document expanding past MAX_EXPANDED_VALUES. Depth is already bounded.
 */
function aliasProblem(doc: Document): { offset: number; message: string } | null {
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let problem: { offset: number; message: string } | null = null;
  const sizeOf = (node: unknown): number => {
    if (problem || node === null || node === undefined) return 0;
    if (isAlias(node)) return aliasSize(node);
    if (isPair(node)) return sizeOf(node.key) + sizeOf(node.value);
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    open.add(node);
    let total = 1;
    for (const item of node.items as unknown[]) total += sizeOf(item);
    open.delete(node);
    sizes.set(node, total);
    return total;
  };
  const aliasSize = (alias: Alias): number => {
    const source = alias.resolve(doc);
    const offset = alias.range?.[0] ?? 0;
    if (!source) {
      problem = { offset, message: `alias *${alias.source} has no anchor &${alias.source} before it` };
      return 0;
    }
    if (open.has(source)) {
      problem = { offset, message: `alias *${alias.source} refers to the value that contains it (a recursive alias)` };
      return 0;
    }
    return sizeOf(source);
  };
  const total = sizeOf(doc.contents);
  if (problem) return problem;
  if (total > MAX_EXPANDED_VALUES) {
    const first = firstAliasOffset(doc);
    return { offset: first, message: `aliases expand this file to more than ${MAX_EXPANDED_VALUES} values (an alias bomb)` };
  }
  return null;
}

function firstAliasOffset(doc: Document): number {
  let offset = 0;
  YAML.visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return YAML.visit.BREAK;
    },
  });
  return offset;
}

/** YAML text → plain value (mappings, lists, strings, numbers, booleans, null); issues as `file:line:col`. */
export function parseScenarioYaml(text: string, file: string): unknown {
  const name = path.basename(file);
  const deep = nestingTooDeep(text);
  if (deep) throw new ScenarioError([{ path: `${name}:${deep.line}`, message: `YAML: ${deep.what}; a scenario nests a few levels` }]);
  const lines = new LineCounter();
  const doc = YAML.parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines, logLevel: 'error' });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.slice(0, 10).map((err) => {
        const pos = err.linePos?.[0] ?? lines.linePos(err.pos[0]);
        const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        return { path: `${name}:${pos.line}:${pos.col}`, message: `YAML: ${message.slice(0, 200)}` };
      }),
    );
  }
  const aliases = aliasProblem(doc);
  if (aliases) {
    const pos = lines.linePos(aliases.offset);
    throw new ScenarioError([{ path: `${name}:${pos.line}:${pos.col}`, message: `YAML: ${aliases.message}` }]);
  }
  // aliasProblem bounds the expansion; the parser's own alias limit stays on as a second guard.
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_EXPANDED_VALUES });
  } catch (err) {
    throw new ScenarioError([{ path: name, message: `YAML: ${(err as Error).message.split('\n')[0]}` }]);
  }
  if (value === null || value === undefined) throw fileIssue(file, 'is empty');
  const shape = plainShapeProblem(value);
  if (shape) throw new ScenarioError([shape]);
  return value;
}
