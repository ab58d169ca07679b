// `fleetstorm compare <result.json> --baseline <file>`: deltas against a stored baseline, exit 3
// on a regression. `--save-baseline <file>` stores this result as a baseline instead.
import { UsageError } from '../errors.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compareWithBaseline, type Tolerances } from '../gate/compare.ts';
import { environmentDiffs, environmentOf, makeBaseline, readBaseline, readResult } from '../gate/baseline.ts';
import { formatCompareTable } from '../gate/format.ts';
import { EXIT_GATE_FAILED, EXIT_OK } from './exit-codes.ts';

export interface CompareFlags {
  baseline?: string;
  saveBaseline?: string;
  tolerance?: string[];
  json?: boolean;
}

export async function compareCommand(file: string, flags: CompareFlags): Promise<number> {
  const result = await readResult(file);
  const env = environmentOf(result, result.run.brokerVersion);
  if (flags.saveBaseline) {
    const out = path.resolve(flags.saveBaseline);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(makeBaseline(result, env), null, 2) + '\n');
    process.stderr.write(`saved baseline ${out}\n`);
    if (!flags.baseline) return EXIT_OK;
  }
  if (!flags.baseline) throw new UsageError('compare needs --baseline <file> (or --save-baseline <file>)');
  const baseline = await readBaseline(flags.baseline);
  const comparison = compareWithBaseline(result, baseline, parseTolerances(flags.tolerance ?? []));
  for (const warning of environmentDiffs(baseline, env)) process.stderr.write(`warning: ${warning}\n`);
  if (flags.json) process.stdout.write(JSON.stringify(comparison, null, 2) + '\n');
  else process.stdout.write(`${formatCompareTable(comparison.rows)}\n`);
  const verdict =
    comparison.verdict === 'ok' ? 'OK: no regression beyond tolerance' : `REGRESSION: ${comparison.regressions} metric(s) beyond tolerance`;
  process.stdout.write(`${verdict}\n`);
  return comparison.verdict === 'ok' ? EXIT_OK : EXIT_GATE_FAILED;
}

/** `--tolerance endToEnd.p99=+15%` (repeatable), `--tolerance default=20%`. */
function parseTolerances(specs: string[]): Tolerances {
  const out: Tolerances = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`--tolerance takes metric=percent, e.g. endToEnd.p99=+15%, got "${spec}"`);
    out[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  return out;
}
