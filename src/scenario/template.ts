// Client templates: `lock-{i}`, `{group}-{rand:6}`, `home/{clientId}/state`. A template is parsed
// once into parts and compiled to a closure, because the engine expands one per client and a
// fleet has hundreds of thousands of them. `{{` and `}}` stand for literal braces.
// Payload templates (`publish[].payload`) share the grammar with more placeholders ({seq}, {now},
// {rand:a-b}, {pick:a|b}) and JSON-friendly braces: only `{` followed by a letter opens a
// placeholder, every other brace is literal and `{{` is a literal `{`. They are compiled to
// bytes by payload-template.ts.

import { hashString, mixSeed, mulberry32, randomChars } from './random.ts';

export type PlaceholderName = 'i' | 'group' | 'clientId' | 'rand' | 'target' | 'seq' | 'now' | 'pick';

export interface TemplateContext {
  /** Index of the client within its group, from 0 (global across shards). */
  i: number;
  group: string;
  /** The client's expanded client id; needed only by templates that use `{clientId}`. */
  clientId?: string;
  /** Scenario seed; `{rand:N}` is reproducible from seed + group + index. */
  seed: number;
  /** Index of the device a command is addressed to (commands[].topic only). */
  target?: number;
}

export type ExpandTemplate = (ctx: TemplateContext) => string;

type Part = string | { name: 'i' | 'group' | 'clientId' | 'target' } | { name: 'rand'; length: number };

/** A parsed payload template: literal text, per-client values, and per-message values. */
export type PayloadPart =
  | string
  | { name: 'i' | 'group' | 'clientId' | 'target' | 'seq' | 'now' }
  | { name: 'rand'; lo: number; hi: number; decimals: number }
  | { name: 'pick'; options: string[] };

export const MAX_RAND_LENGTH = 64;
/** Decimals a `{rand:a-b}` bound may carry (the value is drawn in units of the finest one). */
export const MAX_RAND_DECIMALS = 6;

/** Every placeholder a template may use somewhere; fields narrow this (clientId cannot use itself). */
export const ALL_PLACEHOLDERS: readonly PlaceholderName[] = ['i', 'group', 'clientId', 'rand', 'target'];
/** Every placeholder a payload template may use; per message: seq, now, rand, pick (and a command's target). */
export const PAYLOAD_PLACEHOLDERS: readonly PlaceholderName[] = ['i', 'group', 'clientId', 'seq', 'now', 'rand', 'pick', 'target'];

const HINTS: Record<string, string> = { rand: '{rand:N}', pick: '{pick:a|b}' };
const PAYLOAD_HINTS: Record<string, string> = { rand: '{rand:a-b}', pick: '{pick:a|b}' };

/** Splits a template into literal text and placeholders; throws a one-line message on a bad one. */
function parseParts(text: string, allowed: readonly PlaceholderName[]): Part[] {
  return splitTemplate(text, allowed, false) as Part[];
}

/** Parses a payload template (JSON-friendly braces); throws a one-line message on a bad one. */
export function parsePayloadParts(text: string, allowed: readonly PlaceholderName[] = PAYLOAD_PLACEHOLDERS): PayloadPart[] {
  return splitTemplate(text, allowed, true) as PayloadPart[];
}

function splitTemplate(text: string, allowed: readonly PlaceholderName[], payload: boolean): (Part | PayloadPart)[] {
  const parts: (Part | PayloadPart)[] = [];
  let literal = '';
  let pos = 0;
  while (pos < text.length) {
    const ch = text[pos];
    if ((ch === '{' || (ch === '}' && !payload)) && text[pos + 1] === ch) {
      literal += ch;
      pos += 2;
      continue;
    }
    // In a payload only `{` before a letter opens a placeholder, so JSON needs no escaping.
    if (payload && (ch === '}' || (ch === '{' && !/[A-Za-z]/.test(text[pos + 1] ?? '')))) {
      literal += ch;
      pos++;
      continue;
    }
    if (ch === '}') throw new Error(`unmatched "}" at character ${pos + 1} (write "}}" for a literal brace)`);
    if (ch !== '{') {
      literal += ch;
      pos++;
      continue;
    }
    const close = text.indexOf('}', pos);
    if (close < 0) throw new Error(`unclosed "{" at character ${pos + 1} (write "{{" for a literal brace)`);
    const body = text.slice(pos + 1, close);
    const part = payload ? parsePayloadPlaceholder(body, allowed) : parsePlaceholder(body, allowed);
    if (literal) parts.push(literal);
    literal = '';
    parts.push(part);
    pos = close + 1;
  }
  if (literal) parts.push(literal);
  return parts;
}

/** Throws unless `name` is a placeholder this field allows. */
function checkName(body: string, name: string, allowed: readonly PlaceholderName[], hints: Record<string, string>): void {
  const known = ALL_PLACEHOLDERS.includes(name as PlaceholderName) || PAYLOAD_PLACEHOLDERS.includes(name as PlaceholderName);
  if (!known || !allowed.includes(name as PlaceholderName)) {
    const list = allowed.map((p) => hints[p] ?? `{${p}}`).join(', ');
    const why = known ? 'is not available here' : 'is not a placeholder';
    throw new Error(`{${body}} ${why} (use ${list})`);
  }
}

function parsePlaceholder(body: string, allowed: readonly PlaceholderName[]): Part {
  const [name, arg, ...extra] = body.split(':');
  checkName(
    body,
    name,
    allowed.filter((p) => ALL_PLACEHOLDERS.includes(p)),
    HINTS,
  );
  if (name === 'rand') {
    const length = Number(arg);
    if (extra.length || !/^\d+$/.test(arg ?? '') || length < 1 || length > MAX_RAND_LENGTH) {
      throw new Error(`{${body}}: write {rand:N} with N from 1 to ${MAX_RAND_LENGTH}`);
    }
    return { name: 'rand', length };
  }
  if (arg !== undefined) throw new Error(`{${body}}: {${name}} takes no argument`);
  return { name: name as 'i' | 'group' | 'clientId' | 'target' };
}

const NUMBER = '(-?\\d+(?:\\.\\d+)?)';
const RANGE = new RegExp(`^${NUMBER}-${NUMBER}$`);
/** Largest |bound| in units of its decimals that stays an exact integer when drawn. */
const MAX_SCALED = 2 ** 48;

function parsePayloadPlaceholder(body: string, allowed: readonly PlaceholderName[]): PayloadPart {
  const colon = body.indexOf(':');
  const name = colon < 0 ? body : body.slice(0, colon);
  const arg = colon < 0 ? undefined : body.slice(colon + 1);
  checkName(body, name, allowed, PAYLOAD_HINTS);
  if (name === 'rand') return parseRange(body, arg);
  if (name === 'pick') {
    if (arg === undefined || !arg.includes('|')) throw new Error(`{${body}}: write {pick:a|b|c} with two or more options`);
    return { name: 'pick', options: arg.split('|') };
  }
  if (arg !== undefined) throw new Error(`{${body}}: {${name}} takes no argument`);
  return { name: name as 'i' | 'group' | 'clientId' | 'target' | 'seq' | 'now' };
}

function parseRange(body: string, arg: string | undefined): PayloadPart {
  const m = RANGE.exec(arg ?? '');
  if (!m) throw new Error(`{${body}}: write {rand:a-b} with numbers a <= b, e.g. {rand:20-100} or {rand:18.5-24.0}`);
  const decimals = Math.max((m[1].split('.')[1] ?? '').length, (m[2].split('.')[1] ?? '').length);
  if (decimals > MAX_RAND_DECIMALS) throw new Error(`{${body}}: at most ${MAX_RAND_DECIMALS} decimals`);
  const scale = 10 ** decimals;
  const lo = Math.round(Number(m[1]) * scale);
  const hi = Math.round(Number(m[2]) * scale);
  if (lo > hi) throw new Error(`{${body}}: the range is empty (${m[1]} is above ${m[2]})`);
  if (Math.abs(lo) > MAX_SCALED || Math.abs(hi) > MAX_SCALED) throw new Error(`{${body}}: bounds too large`);
  return { name: 'rand', lo, hi, decimals };
}

/** The problem with a template as one line, or undefined when it is fine. */
export function checkTemplate(text: string, allowed: readonly PlaceholderName[] = ALL_PLACEHOLDERS): string | undefined {
  try {
    parseParts(text, allowed);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Placeholder names a template uses (after a successful check). */
export function placeholdersOf(text: string): Set<PlaceholderName> {
  return new Set(parseParts(text, ALL_PLACEHOLDERS).flatMap((p) => (typeof p === 'string' ? [] : [p.name])));
}

/** Makes text safe to embed literally in a template (used for resolved `${env:…}` values). */
export function escapeTemplateLiteral(text: string): string {
  return text.replace(/[{}]/g, (brace) => brace + brace);
}

/** Compiles a template once; the returned function is cheap enough to call per client. */
export function compileTemplate(text: string): ExpandTemplate {
  const parts = parseParts(text, ALL_PLACEHOLDERS);
  if (parts.length === 0) return () => '';
  if (parts.every((p) => typeof p === 'string')) {
    const constant = parts.join('');
    return () => constant;
  }
  // Different templates draw different random characters for the same client.
  const templateSalt = hashString(text);
  let lastGroup = '';
  let lastGroupHash = hashString('');
  return (ctx) => {
    if (ctx.group !== lastGroup) {
      lastGroup = ctx.group;
      lastGroupHash = hashString(ctx.group);
    }
    let out = '';
    let next: (() => number) | undefined;
    for (let k = 0; k < parts.length; k++) {
      const part = parts[k];
      if (typeof part === 'string') out += part;
      else if (part.name === 'rand') {
        next ??= mulberry32(mixSeed(ctx.seed, lastGroupHash, ctx.i, templateSalt));
        out += randomChars(next, part.length);
      } else if (part.name === 'i') out += ctx.i;
      else if (part.name === 'group') out += ctx.group;
      else if (part.name === 'target') out += ctx.target ?? 0;
      else {
        if (ctx.clientId === undefined) throw new Error(`template "${text}" needs the clientId`);
        out += ctx.clientId;
      }
    }
    return out;
  };
}
