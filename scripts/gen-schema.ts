// Regenerates scenario.schema.json from the loader's schema: `npx tsx scripts/gen-schema.ts`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderScenarioJsonSchema } from '../src/scenario/json-schema.ts';

const target = fileURLToPath(new URL('../scenario.schema.json', import.meta.url));
writeFileSync(target, renderScenarioJsonSchema());
console.log(`wrote ${target}`);
