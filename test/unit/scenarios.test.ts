// Every example under scenarios/ is valid, and together they use every option the scenario
// schema knows — so a new option cannot ship without an example.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.ts';
import { REPO } from '../helpers/cli.ts';

const dir = path.join(REPO, 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const env = { ...process.env, LOCK_PASSWORD: 'example' };

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; oneOf?: JsonSchema[]; additionalProperties?: unknown };

/** Option paths like `groups[].publish[].rate`, from the JSON Schema. */
function schemaPaths(schema: JsonSchema, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    const p = prefix ? `${prefix}.${key}` : key;
    out.push(p);
    if (sub.items) out.push(...schemaPaths(sub.items, `${p}[]`));
    out.push(...schemaPaths(sub, p));
  }
  return out;
}

function usedPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => usedPaths(v, `${prefix}[]`));
  if (!value || typeof value !== 'object') return [];
  if (prefix === 'thresholds') return ['thresholds'];
  return Object.entries(value).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return [p, ...usedPaths(v, p)];
  });
}

describe('scenarios/', () => {
  it.each(files)('%s is valid', (file) => {
    expect(() => loadScenario(path.join(dir, file), { env })).not.toThrow();
  });

  it('uses every scenario option somewhere', () => {
    const schema = JSON.parse(readFileSync(path.join(REPO, 'scenario.schema.json'), 'utf8')) as JsonSchema;
    const used = new Set(files.flatMap((f) => usedPaths(YAML.parse(readFileSync(path.join(dir, f), 'utf8')))));
    const missing = schemaPaths(schema).filter((p) => !used.has(p));
    expect(missing).toEqual([]);
  });
});
