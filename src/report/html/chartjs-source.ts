// Chart.js' UMD build, read once from node_modules so the report can inline it and open offline.
// chart.js' package "exports" hide dist/chart.umd.js, so find it next to the package's CJS entry.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | undefined;

export function chartJsSource(): string {
  if (cached === undefined) {
    const path = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');
    if (!existsSync(path)) throw new Error(`cannot inline Chart.js: ${path} is missing (reinstall with npm ci)`);
    cached = readFileSync(path, 'utf8');
  }
  return cached;
}
