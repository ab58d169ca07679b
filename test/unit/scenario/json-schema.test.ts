import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildScenarioJsonSchema, renderScenarioJsonSchema } from '../../../src/scenario/json-schema.ts';

describe('scenario.schema.json', () => {
  it('is up to date with the loader schema (regenerate: npx tsx scripts/gen-schema.ts)', () => {
    const committed = readFileSync(new URL('../../../scenario.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(renderScenarioJsonSchema());
  });

  it('describes the file as written: YAML names, strict keys, required fields', () => {
    const schema = buildScenarioJsonSchema() as any;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(['schema', 'name', 'groups']);
    expect(schema.additionalProperties).toBe(false);
    const group = schema.properties.groups.items;
    expect(group.required).toEqual(['name', 'count']);
    expect(group.additionalProperties).toBe(false);
    expect(group.properties.keepalive.default).toBe('60s');
    expect(Object.keys(group.properties.publish.items.properties)).toContain('onConnect');
    expect(Object.keys(schema.properties)).toEqual([
      'schema',
      'name',
      'description',
      'seed',
      'duration',
      'drain',
      'scale',
      'broker',
      'groups',
      'monitor',
      'capacity',
      'migration',
      'stages',
      'metricsPort',
      'thresholds',
    ]);
  });
});
