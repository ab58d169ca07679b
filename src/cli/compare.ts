// `fleetstorm compare <result> --baseline <file>`: deltas against a baseline, exit 3 on a
// regression. Either side may be a result.json or a saved baseline; a baseline of another
// scenario or workload is refused (exit 2) unless --allow-other-scenario. `--save-baseline
// <file>` stores the first file as a baseline.
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { environmentDiffs, makeBaseline, readComparable, scenarioMismatch } from '../gate/baseline.ts';
import { compareWithBaseline, type Tolerances } from '../gate/compare.ts';
import { formatCompareTable, formatSides } from '../gate/compare-view.ts';
import { writeFileAtomic } from '../write-atomic.ts';
import { EXIT_GATE_FAILED, EXIT_OK } from './exit-codes.ts';

export interface CompareFlags {
  baseline?: string;
  saveBaseline?: string;
  /** `metric=percent` entries (checked by the option table). */
  tolerance?: string[];
  allowOtherScenario?: boolean;
  json?: boolean;
}

export async function compareCommand(file: string, flags: CompareFlags): Promise<number> {
  const current = await readComparable(file);
  if (flags.saveBaseline) {
    const out = writeFileAtomic(path.resolve(flags.saveBaseline), JSON.stringify(makeBaseline(current), null, 2) + '\n');
    process.stderr.write(`saved baseline ${out}\n`);
    if (!flags.baseline) return EXIT_OK;
  }
  if (!flags.baseline) throw new UsageError('compare needs --baseline <file> (or --save-baseline <file>)');
  const baseline = await readComparable(flags.baseline);
  const mismatch = scenarioMismatch(baseline, current);
  if (mismatch && !flags.allowOtherScenario) {
    throw new UsageError(`${mismatch}: not a baseline for it (--allow-other-scenario compares anyway)`);
  }
  const comparison = compareWithBaseline(current, baseline, parseTolerances(flags.tolerance ?? []));
  if (mismatch) process.stderr.write(`warning: ${mismatch}\n`);
  for (const warning of environmentDiffs(baseline.environment, current.environment)) process.stderr.write(`warning: ${warning}\n`);
  if (flags.json) {
    const sides = { baseline: sideOf(baseline), current: sideOf(current) };
    process.stdout.write(JSON.stringify({ ...sides, ...comparison }, null, 2) + '\n');
  } else process.stdout.write(`${formatSides(baseline, current)}\n\n${formatCompareTable(comparison.rows)}\n`);
  const verdict =
    comparison.verdict === 'ok' ? 'OK: no regression beyond tolerance' : `REGRESSION: ${comparison.regressions} metric(s) beyond tolerance`;
  if (!flags.json) process.stdout.write(`${verdict}\n`);
  return comparison.verdict === 'ok' ? EXIT_OK : EXIT_GATE_FAILED;
}

function sideOf(side: Awaited<ReturnType<typeof readComparable>>) {
  return {
    file: side.file,
    kind: side.kind,
    scenario: side.scenario.name,
    brokers: side.environment.brokers,
    brokerVersion: side.environment.brokerVersion,
  };
}

/** `--tolerance endToEnd.p99=+15%` (repeatable), `--tolerance default=20%`. */
function parseTolerances(specs: readonly string[]): Tolerances {
  const out: Tolerances = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    out[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  return out;
}
