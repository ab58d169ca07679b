// `fleetstorm report`: report.html plus the PNG charts, side by side in one folder.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtmlReport, type HtmlReportOptions } from './html/render.ts';
import { writePngCharts } from './png.ts';
import type { Result } from '../result/types.ts';

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
  await mkdir(outDir, { recursive: true });
  const html = join(outDir, 'report.html');
  const tmp = `${html}.${process.pid}.tmp`;
  await writeFile(tmp, renderHtmlReport(result, { baseline: opts.baseline, capacity: opts.capacity }));
  await rename(tmp, html);
  const pngs = opts.png === false ? [] : await writePngCharts(result, outDir, { capacity: opts.capacity });
  return { html, pngs };
}
