// `fleetstorm report`: report.html plus the PNG charts, side by side in one folder.

import { join } from 'node:path';
import { renderHtmlReport, type HtmlReportOptions } from './html/render.ts';
import { writePngCharts } from './png.ts';
import type { Result } from '../result/types.ts';
import { writeFileAtomic } from '../write-atomic.ts';

export interface WriteReportOptions extends HtmlReportOptions {
  /** Skip the PNGs (e.g. no font on this machine and only the HTML is wanted). */
  png?: boolean;
}

/** Writes `outDir/report.html` (atomically: temp file, then rename) and the PNGs; returns paths. */
export async function writeReport(
  result: Result,
  outDir: string,
  opts: WriteReportOptions = {},
): Promise<{ html: string; pngs: string[] }> {
  const html = writeFileAtomic(join(outDir, 'report.html'), renderHtmlReport(result, { baseline: opts.baseline, capacity: opts.capacity }));
  const pngs = opts.png === false ? [] : await writePngCharts(result, outDir, { capacity: opts.capacity });
  return { html, pngs };
}
