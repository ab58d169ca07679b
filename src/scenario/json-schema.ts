// The JSON Schema of the scenario file (draft 2020-12), generated from the same zod schema the
// loader validates with, so editor completion can never disagree with `fleetstorm validate`.
// `scripts/gen-schema.ts` writes it to scenario.schema.json; a test fails when that file is stale.

import { z } from 'zod';
import { scenarioSchema } from './schema.ts';

export const SCHEMA_ID = 'https://fleetstorm.dev/scenario.schema.json';

export function buildScenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  const { $schema, ...rest } = generated as Record<string, unknown>;
  return { $schema, $id: SCHEMA_ID, title: 'fleetstorm scenario', ...rest };
}

/** The file's exact text: stable key order from the schema definition, two-space indent, final newline. */
export function renderScenarioJsonSchema(): string {
  return `${JSON.stringify(buildScenarioJsonSchema(), null, 2)}\n`;
}
