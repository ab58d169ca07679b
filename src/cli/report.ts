// `fleetstorm report <result.json>`: the HTML report and PNG charts for a stored result.
import path from 'node:path';
import { compareWithBaseline } from '../gate/compare.ts';
import { comparisonForReport } from '../gate/compare-view.ts';
import { readComparable, readResult } from '../gate/baseline.ts';
import { writeReport } from '../report/write-report.ts';
import { EXIT_OK } from './exit-codes.ts';

export async function reportCommand(file: string, flags: { out?: string; baseline?: string; png?: boolean }): Promise<number> {
  const result = await readResult(file);
  const baseline = flags.baseline ? await readComparable(flags.baseline) : undefined;
  const outDir = path.resolve(flags.out ?? path.dirname(file));
  const compare = baseline ? comparisonForReport(compareWithBaseline(result, baseline), flags.baseline!) : undefined;
  const written = await writeReport(result, outDir, { baseline: compare, png: flags.png !== false });
  process.stderr.write(`wrote ${written.html}\n`);
  for (const p of written.pngs) process.stderr.write(`wrote ${p}\n`);
  return EXIT_OK;
}
