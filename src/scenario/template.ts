// Client templates: `lock-{i}`, `{group}-{rand:6}`, `home/{clientId}/state`. A template is parsed
// once into parts and compiled to a closure, because the engine expands one per client and a
// fleet has hundreds of thousands of them. `{{` and `}}` stand for literal braces.

import { hashString, mixSeed, mulberry32, randomChars } from './random.ts';

export type PlaceholderName = 'i' | 'group' | 'clientId' | 'rand' | 'target';

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

export const MAX_RAND_LENGTH = 64;

/** Every placeholder a template may use somewhere; fields narrow this (clientId cannot use itself). */
export const ALL_PLACEHOLDERS: readonly PlaceholderName[] = ['i', 'group', 'clientId', 'rand', 'target'];

/** Splits a template into literal text and placeholders; throws a one-line message on a bad one. */
function parseParts(text: string, allowed: readonly PlaceholderName[]): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let pos = 0;
  while (pos < text.length) {
    const ch = text[pos];
    if ((ch === '{' || ch === '}') && text[pos + 1] === ch) {
      literal += ch;
      pos += 2;
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
    const part = parsePlaceholder(text.slice(pos + 1, close), allowed);
    if (literal) parts.push(literal);
    literal = '';
    parts.push(part);
    pos = close + 1;
  }
  if (literal) parts.push(literal);
  return parts;
}

function parsePlaceholder(body: string, allowed: readonly PlaceholderName[]): Part {
  const [name, arg, ...extra] = body.split(':');
  const known = ALL_PLACEHOLDERS.includes(name as PlaceholderName);
  if (!known || !allowed.includes(name as PlaceholderName)) {
    const list = allowed.map((p) => (p === 'rand' ? '{rand:N}' : `{${p}}`)).join(', ');
    const why = known ? 'is not available here' : 'is not a placeholder';
    throw new Error(`{${body}} ${why} (use ${list})`);
  }
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
