import { describe, expect, it } from 'vitest';
import { checkTemplate, compileTemplate, escapeTemplateLiteral, placeholdersOf } from '../../../src/scenario/template.ts';
import { mulberry32 } from '../../../src/scenario/random.ts';

const ctx = (i: number, extra: Partial<{ group: string; clientId: string; seed: number }> = {}) => ({
  i,
  group: 'locks',
  seed: 42,
  ...extra,
});

describe('compileTemplate', () => {
  it('expands {i}, {group} and {clientId}', () => {
    expect(compileTemplate('lock-{i}')(ctx(0))).toBe('lock-0');
    expect(compileTemplate('{group}-{i}')(ctx(129_999))).toBe('locks-129999');
    expect(compileTemplate('home/{clientId}/state')(ctx(3, { clientId: 'lock-3' }))).toBe('home/lock-3/state');
    expect(compileTemplate('plain')(ctx(7))).toBe('plain');
    expect(compileTemplate('')(ctx(7))).toBe('');
  });

  it('turns {{ and }} into literal braces', () => {
    expect(compileTemplate('a{{b}}-{i}')(ctx(5))).toBe('a{b}-5');
    expect(compileTemplate(escapeTemplateLiteral('p{w}d'))(ctx(0))).toBe('p{w}d');
  });

  it('draws {rand:N} from [a-z0-9], reproducibly from seed, group and index', () => {
    const expand = compileTemplate('dev-{rand:8}');
    const first = expand(ctx(17));
    expect(first).toMatch(/^dev-[a-z0-9]{8}$/);
    // A second compilation (another worker, another run) gives the same value.
    expect(compileTemplate('dev-{rand:8}')(ctx(17))).toBe(first);
    expect(expand(ctx(18))).not.toBe(first);
    expect(expand(ctx(17, { group: 'other' }))).not.toBe(first);
    expect(expand(ctx(17, { seed: 43 }))).not.toBe(first);
    // Two {rand} in one template continue one stream instead of repeating.
    const [a, b] = compileTemplate('{rand:6}/{rand:6}')(ctx(1)).split('/');
    expect(a).not.toBe(b);
  });

  it('gives 10,000 clients distinct {rand:10} values', () => {
    const expand = compileTemplate('{rand:10}');
    const values = new Set(Array.from({ length: 10_000 }, (_, i) => expand(ctx(i))));
    expect(values.size).toBe(10_000);
  });

  it('expands 130,000 client ids quickly', () => {
    const expand = compileTemplate('{group}-{i}-{rand:4}');
    const started = performance.now();
    let last = '';
    for (let i = 0; i < 130_000; i++) last = expand(ctx(i));
    const elapsedMs = performance.now() - started;
    expect(last.startsWith('locks-129999-')).toBe(true);
    expect(elapsedMs).toBeLessThan(1_000); // ~30 ms on a laptop; the bound catches a per-call re-parse
  });

  it('needs the client id only when the template uses it', () => {
    expect(() => compileTemplate('t/{clientId}')(ctx(0))).toThrow('template "t/{clientId}" needs the clientId');
  });
});

describe('checkTemplate', () => {
  it('accepts known placeholders and reports unknown or misplaced ones', () => {
    expect(checkTemplate('{group}-{i}-{rand:3}')).toBeUndefined();
    expect(checkTemplate('{foo}')).toBe('{foo} is not a placeholder (use {i}, {group}, {clientId}, {rand:N}, {target})');
    expect(checkTemplate('{clientId}', ['i', 'group', 'rand'])).toBe('{clientId} is not available here (use {i}, {group}, {rand:N})');
    expect(checkTemplate('{rand:0}')).toBe('{rand:0}: write {rand:N} with N from 1 to 64');
    expect(checkTemplate('{rand}')).toBe('{rand}: write {rand:N} with N from 1 to 64');
    expect(checkTemplate('{i:2}')).toBe('{i:2}: {i} takes no argument');
    expect(checkTemplate('a{i')).toBe('unclosed "{" at character 2 (write "{{" for a literal brace)');
    expect(checkTemplate('a}b')).toBe('unmatched "}" at character 2 (write "}}" for a literal brace)');
  });

  it('lists the placeholders used', () => {
    expect([...placeholdersOf('{group}/{{i}}/{rand:2}')].sort()).toEqual(['group', 'rand']);
  });
});

describe('mulberry32', () => {
  it('is deterministic and stays in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const seqA = Array.from({ length: 1000 }, a);
    expect(Array.from({ length: 1000 }, b)).toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(seqA).size).toBe(1000);
  });
});
