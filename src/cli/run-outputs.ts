// Optional outputs of a run beside result.json: the HTML report and PNG charts (--report),
// JUnit XML (--junit) and the GitHub step summary (when GITHUB_STEP_SUMMARY is set).

import path from 'node:path';
import { renderJUnit } from '../report/junit.ts';
import { appendStepSummary, renderStepSummary } from '../report/step-summary.ts';
import type { Result } from '../result/types.ts';
import { writeFileAtomic } from '../write-atomic.ts';

export async function writeRunOutputs(
  result: Result,
  outDir: string,
  flags: { report?: boolean; junit?: string },
): Promise<Record<string, string>> {
  const written: Record<string, string> = {};
  let pngs: string[] = [];
  if (flags.report) {
    // The HTML report and its charts (chart.js, the canvas) load only for --report.
    const { writeReport } = await import('../report/write-report.ts');
    const report = await writeReport(result, outDir, { png: true });
    written.report = report.html;
    pngs = report.pngs;
    pngs.forEach((p, k) => (written[`chart${k + 1}`] = p));
  }
  if (flags.junit) {
    written.junit = writeFileAtomic(path.resolve(flags.junit), renderJUnit(result));
  }
  if (process.env.GITHUB_STEP_SUMMARY) {
    appendStepSummary(renderStepSummary(result, { chartLinks: pngs.map((p) => path.relative(process.cwd(), p)) }));
  }
  return written;
}
