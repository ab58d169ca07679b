// Scenario loading is safe on any bytes: every refusal is one ScenarioError with a line, never a
// stack overflow, an internal error or pages of parser output.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScenarioError, loadScenario } from '../../../src/scenario/load.ts';
import { MAX_SCENARIO_BYTES, nestingTooDeep } from '../../../src/scenario/yaml-text.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'fleetstorm-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function write(content: string | Buffer): string {
  const file = path.join(dir, `s${n++}.yaml`);
  writeFileSync(file, content);
  return file;
}

function issuesOf(file: string, set: string[] = []) {
  try {
    loadScenario(file, { set });
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues;
    throw err;
  }
  throw new Error('expected a ScenarioError');
}

const VALID = 'schema: 1\nname: ok\ngroups:\n  - { name: g, count: 1, clientId: "c-{i}" }\n';

describe('scenario bytes', () => {
  it('refuses a recursive alias with its line instead of overflowing the stack', () => {
    expect(issuesOf(write('schema: 1\na: &x [*x]\n'))).toEqual([
      { path: expect.stringMatching(/:2:8$/), message: 'YAML: alias *x refers to the value that contains it (a recursive alias)' },
    ]);
    expect(issuesOf(write('a: &x { b: { c: *x } }\n'))[0]!.message).toMatch(/recursive alias/);
  });

  it('refuses an alias bomb (billion laughs) with the line of its first alias', () => {
    const lines = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let k = 1; k < 9; k++) {
      const [name, prev] = [String.fromCharCode(97 + k), String.fromCharCode(96 + k)];
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const started = Date.now();
    const issues = issuesOf(write(lines.join('\n') + '\n'));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toMatch(/:2:\d+$/);
    expect(issues[0]!.message).toMatch(/alias bomb/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('accepts ordinary aliases', () => {
    const text = 'schema: 1\nname: ok\ndescription: &d "c-{i}"\ngroups:\n  - { name: g, count: 1, clientId: *d }\n';
    expect(loadScenario(write(text)).scenario.groups[0]!.clientId).toBe('c-{i}');
  });

  it('refuses an alias with no anchor as one line', () => {
    expect(issuesOf(write('schema: 1\nname: *nope\n'))).toEqual([
      { path: expect.stringMatching(/:2:7$/), message: 'YAML: alias *nope has no anchor &nope before it' },
    ]);
  });

  it('says a binary file is not YAML text, in one line', () => {
    const bytes = Buffer.alloc(140_000);
    for (let k = 0; k < bytes.length; k++) bytes[k] = (k * 7919) % 256;
    const issues = issuesOf(write(bytes));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/is not a YAML text file/);
    expect(issuesOf(write(Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0xfe, 0x0a])))[0]!.message).toMatch(
      /not a YAML text file/,
    );
  });

  it('caps the file size', () => {
    const issues = issuesOf(write('#'.repeat(MAX_SCENARIO_BYTES + 10)));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/is larger than 4 MB/);
  });

  it('refuses nesting too deep for the parser before parsing, quickly', () => {
    const started = Date.now();
    expect(issuesOf(write(`a: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`))[0]!.message).toMatch(/nested more than 64 brackets/);
    expect(issuesOf(write(`a:\n  ${'- '.repeat(100_000)}x\n`))[0]!.message).toMatch(/more than 256 columns/);
    const block = Array.from({ length: 40 }, (_, k) => `${'  '.repeat(k)}k${k}:`).join('\n');
    expect(issuesOf(write(`${block} ${'['.repeat(40)}${']'.repeat(40)}\n`))[0]!.message).toBe('nested more than 64 levels deep');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('does not mistake quoted or plain brackets for nesting', () => {
    expect(nestingTooDeep(`a: "${'['.repeat(100)}"\nb: '${'{'.repeat(100)}'\nc: x${'['.repeat(100)}\n# ${'['.repeat(100)}\n`)).toBeNull();
    expect(nestingTooDeep(`d: |\n  '${'['.repeat(10)}\ne: ${'['.repeat(100)}\n`)).toMatchObject({ line: 3 });
    expect(nestingTooDeep(`f: it's [\ng: ${'['.repeat(100)}\n`)).toMatchObject({ line: 2 });
  });

  it('refuses non-JSON YAML types at their path', () => {
    expect(issuesOf(write('schema: 1\nname: !!binary aGVsbG8=\n'))).toContainEqual({
      path: 'name',
      message: 'must be plain YAML (text, number, true/false, list or mapping), got binary data (!!binary)',
    });
  });

  it('bounds --set paths and values', () => {
    const file = write(VALID);
    expect(issuesOf(file, [`${Array(100).fill('a').join('.')}=1`])[0]!.message).toMatch(/more than 64 levels deep/);
    // Values too deep or self-referencing as YAML stay the literal text the user typed.
    expect(loadScenario(file, { set: [`description=${'['.repeat(5000)}`] }).scenario.description).toBe('['.repeat(5000));
    expect(loadScenario(file, { set: ['description=&x [*x]'] }).scenario.description).toBe('&x [*x]');
  });
});
