// A seeded generator of hostile scenario files and command lines: every mutation a new user, a
// broken editor or a damaged disk produces (keys deleted, wrong types, huge and negative numbers,
// empty and unicode strings, broken YAML, aliases, binary noise). Same seed, same files.

import YAML from 'yaml';
import { mulberry32 } from '../../../src/scenario/random.ts';

export type Rng = () => number;

/** The scenario's own seeded PRNG (mulberry32), to pick mutations reproducibly. */
export function rng(seed: number): Rng {
  return mulberry32(seed);
}

export const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const int = (r: Rng, n: number) => Math.floor(r() * n);

/** Values of every wrong kind: types, extremes, empty and unicode text. */
export const HOSTILE_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  -0.5,
  1.5,
  2 ** 53 + 1,
  1e308,
  -1e308,
  Number.POSITIVE_INFINITY,
  Number.NaN,
  '',
  ' ',
  '0',
  '-5s',
  '1e400s',
  '99999999999999999999/s',
  '0/s',
  '10%%',
  '{i}{i}{i}',
  '{rand:9999}',
  '{',
  '}}{{',
  '${env:NOPE}',
  '${env:}',
  '$share//',
  '#',
  '+/#/+',
  'mqtt://',
  'mqtt://127.0.0.1:99999',
  'mqtts://[::1]:8883',
  'ws://x',
  '127.0.0.1-10.0.0.1',
  'ünïcödé-名前-🚀',
  '\u202eevil',
  'a\u0000b',
  'zero\u200bwidth',
  '\ud83d',
  'x'.repeat(10_000),
  [],
  [[]],
  [1, 'two', null],
  {},
  { nested: { deeper: [1, { x: 'y' }] } },
];

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) value.forEach((v, k) => (out.push([...prefix, k]), paths(v, [...prefix, k], out)));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      paths(v, [...prefix, k], out);
    }
  return out;
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  return node;
}

/** One structural mutation of a parsed scenario (in place). */
function mutateObject(r: Rng, root: Record<string, unknown>): void {
  const all = paths(root);
  if (all.length === 0) return;
  const target = pick(r, all);
  const parent = parentOf(root, target);
  const key = target[target.length - 1]!;
  const kind = int(r, 6);
  if (kind === 0) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else if (kind <= 2) parent[key] = structuredClone(pick(r, HOSTILE_VALUES));
  else if (kind === 3 && !Array.isArray(parent)) parent[pick(r, ['', 'x', 'unknownKey', '🚀', 'groups', 'name'])] = pick(r, HOSTILE_VALUES);
  else if (kind === 4 && typeof parent[key] === 'number') parent[key] = pick(r, [-1, 0, 1e9, 1e18, 0.1, -1e9]) as number;
  else if (Array.isArray(parent[key])) {
    const list = parent[key] as unknown[];
    if (list.length > 0) list.push(...Array.from({ length: int(r, 50) }, () => structuredClone(list[0])));
  } else parent[key] = [parent[key]];
}

const YAML_NOISE = [
  ':',
  ': ',
  '- ',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '\t',
  '&a ',
  '*a',
  '!',
  '!!binary ',
  '%YAML 1.1\n',
  '---\n',
  '...\n',
  '|',
  '>',
  '? ',
  '#',
  '\n  ',
  '<<: *a\n',
];

/** One textual mutation: truncation, inserted YAML syntax, swapped or re-indented lines. */
function mutateText(r: Rng, text: string): string {
  const at = int(r, text.length + 1);
  const kind = int(r, 6);
  if (kind === 0) return text.slice(0, at);
  if (kind === 1) return text.slice(0, at) + pick(r, YAML_NOISE) + text.slice(at);
  const lines = text.split('\n');
  const k = int(r, lines.length);
  if (kind === 2) lines.splice(k, 0, lines[int(r, lines.length)]!);
  else if (kind === 3) lines[k] = ' '.repeat(int(r, 5)) + lines[k];
  else if (kind === 4) [lines[k], lines[0]] = [lines[0]!, lines[k]!];
  else lines.splice(k, 1);
  return lines.join('\n');
}

function aliasFile(r: Rng, text: string): string {
  const variants = [
    'a: &x [*x]\n',
    'a: &x { b: *x }\n',
    `? &k [*k]\n: 1\n`,
    'name: *missing\n',
    `x0: &x0 [l, l, l, l, l, l, l, l, l, l]\n${Array.from({ length: 8 }, (_, k) => `x${k + 1}: &x${k + 1} [${Array(10).fill(`*x${k}`).join(', ')}]`).join('\n')}\n`,
    `defaults: &d { count: 5, clientId: "c-{i}" }\n`,
  ];
  return pick(r, variants) + text;
}

function noise(r: Rng, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  for (let k = 0; k < bytes; k++) out[k] = int(r, 256);
  return out;
}

/** The n-th mutated scenario file from the seed: text or bytes. */
export function mutatedScenario(seed: number, n: number, bases: readonly string[]): string | Buffer {
  const r = rng(seed * 1_000_003 + n);
  const base = pick(r, bases);
  const family = int(r, 10);
  if (family <= 3) {
    const parsed = YAML.parse(base) as Record<string, unknown>;
    for (let k = 1 + int(r, 4); k > 0; k--) mutateObject(r, parsed);
    return YAML.stringify(parsed, { aliasDuplicateObjects: false });
  }
  if (family <= 6) {
    let text = base;
    for (let k = 1 + int(r, 4); k > 0; k--) text = mutateText(r, text);
    return text;
  }
  if (family === 7) return aliasFile(r, base);
  if (family === 8) {
    const at = int(r, base.length);
    return Buffer.concat([Buffer.from(base.slice(0, at)), noise(r, 1 + int(r, 64)), Buffer.from(base.slice(at))]);
  }
  return pick(r, [
    () => noise(r, 1 + int(r, 4096)),
    () => Buffer.from(`\ufeff${base}`, 'utf16le'),
    () => `a: ${'['.repeat(10 + int(r, 5000))}`,
    () => `${'  '.repeat(int(r, 300))}x: 1\n`,
    () => '',
    () => '\n\n# only a comment\n',
    () => pick(r, ['42', '"text"', '[1, 2]', 'null', '~', 'true']),
  ])();
}

/** Replaces each `{name}` in a template argv with a value from `values`. */
export function fill(argv: readonly string[], values: Record<string, string>): string[] {
  return argv.map((a) => a.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? `{${k}}`));
}

/** One mutation of a command line: a dropped, duplicated, reordered or junk-valued argument. */
export function mutateArgv(r: Rng, argv: readonly string[], extras: readonly string[][]): string[] {
  const out = [...argv];
  // Half the lines keep the command intact and add one hostile option, so they reach the command
  // itself rather than stopping at the parser.
  if (r() < 0.5) return [...out, ...pick(r, extras)];
  const junk = [
    '',
    '0',
    '-1',
    '1e99',
    'abc',
    '=',
    '==',
    'x=',
    '=x',
    '🚀',
    'mqtt://',
    '--',
    '-',
    '%s',
    'a'.repeat(5000),
    '99999999999999999999',
  ];
  for (let k = 1 + int(r, 3); k > 0; k--) {
    const at = 1 + int(r, Math.max(1, out.length - 1));
    const kind = int(r, 6);
    if (kind === 0 && out.length > 1) out.splice(at, 1);
    else if (kind === 1) out.splice(at, 0, ...pick(r, extras));
    else if (kind === 2 && at < out.length) out[at] = pick(r, junk);
    else if (kind === 3) out.push(pick(r, ['--unknown', '--help', '--version', '-x', '--quiet', '--json']));
    else if (kind === 4 && out.length > 2) [out[at], out[out.length - 1]] = [out[out.length - 1]!, out[at]!];
    else out.splice(at, 0, ...pick(r, extras).map((a) => (a.startsWith('--') ? a : pick(r, junk))));
  }
  return out;
}
