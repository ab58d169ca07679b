// PNG charts for places that cannot open the HTML report (CI artifacts, chat, issues).
//
// chartjs-node-canvas 5 renders through `canvas`, which this project aliases to @napi-rs/canvas
// (prebuilt, no system cairo). That pairing works for the synchronous path only: @napi-rs/canvas'
// toBuffer(mime) is synchronous and has no node-canvas callback form, so renderToBuffer() never
// resolves — we call renderToBufferSync(). @napi-rs/canvas also ships no fonts and has no
// registerFont(), so a TTF is registered with its GlobalFonts before rendering.

import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GlobalFonts } from 'canvas';
import { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import { isCapacityReport } from '../result/capacity.ts';
import { capacityChart } from './html/charts/capacity-chart.ts';
import { latencyOverTimeChart, percentileChart, throughputChart } from './html/charts/chart-specs.ts';
import type { ChartSpec } from './html/charts/chart-spec.ts';
import { toChartJsConfig } from './html/charts/to-chartjs.ts';
import type { Result } from '../result/types.ts';

export const PNG_WIDTH = 800;
export const PNG_HEIGHT = 400;
const FONT_FAMILY = 'Fleetstorm Sans';

/** Where common systems keep a plain sans-serif TTF; FLEETSTORM_FONT, when set, wins. */
export const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', // Debian, Ubuntu (fonts-dejavu-core)
  '/usr/share/fonts/dejavu/DejaVuSans.ttf', // Fedora, RHEL
  '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf', // Fedora (newer)
  '/usr/share/fonts/TTF/DejaVuSans.ttf', // Arch
  '/usr/share/fonts/ttf-dejavu/DejaVuSans.ttf', // Alpine
  '/usr/local/share/fonts/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf', // macOS
  '/Library/Fonts/Arial.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
];

/**
 * The first font file that exists (FLEETSTORM_FONT first when set). Throws one clear line when
 * there is none, because without a font every label would silently come out blank.
 */
export function resolveChartFont(candidates: readonly string[] = FONT_CANDIDATES, env: NodeJS.ProcessEnv = process.env): string {
  const list = env.FLEETSTORM_FONT ? [env.FLEETSTORM_FONT, ...candidates] : candidates;
  const found = list.find((path) => existsSync(path));
  if (found === undefined) {
    throw new Error(
      `no font found for PNG charts (looked in ${list.length} places): install fonts-dejavu-core or set FLEETSTORM_FONT=/path/to/font.ttf`,
    );
  }
  return found;
}

let registeredFont: string | undefined;

/** Registers the chart font with @napi-rs/canvas once; returns the file used. */
export function ensureChartFont(): string {
  if (registeredFont !== undefined) return registeredFont;
  const path = resolveChartFont();
  if (!GlobalFonts.registerFromPath(path, FONT_FAMILY))
    throw new Error(`cannot load font ${path} for PNG charts: set FLEETSTORM_FONT to another .ttf`);
  registeredFont = path;
  return path;
}

let renderer: ChartJSNodeCanvas | undefined;

function chartRenderer(): ChartJSNodeCanvas {
  ensureChartFont();
  renderer ??= new ChartJSNodeCanvas({
    width: PNG_WIDTH,
    height: PNG_HEIGHT,
    backgroundColour: 'white',
    chartCallback: (ChartJS) => {
      ChartJS.defaults.font.family = FONT_FAMILY;
      ChartJS.defaults.color = '#374151';
      ChartJS.defaults.plugins.legend.labels.boxWidth = 14;
    },
  });
  return renderer;
}

/** One chart as PNG bytes. */
export function renderPng(spec: ChartSpec): Buffer {
  const config = toChartJsConfig(spec, FONT_FAMILY);
  return chartRenderer().renderToBufferSync(config as never, 'image/png');
}

export interface PngChartOptions {
  /** A capacity search's report (capacity.json); adds capacity.png, the step chart. */
  capacity?: unknown;
}

/** The PNGs written by writePngCharts, by file name. Charts with no data are skipped. */
export function pngChartSpecs(result: Result, opts: PngChartOptions = {}): Array<{ file: string; spec: ChartSpec }> {
  const specs: Array<[string, ChartSpec | null]> = [
    ['throughput.png', throughputChart(result)],
    ['latency.png', latencyOverTimeChart(result)],
    ['percentiles.png', percentileChart(result)],
    ['capacity.png', isCapacityReport(opts.capacity) ? capacityChart(opts.capacity) : null],
  ];
  return specs.filter((s): s is [string, ChartSpec] => s[1] !== null).map(([file, spec]) => ({ file, spec }));
}

/**
 * Writes throughput.png, latency.png, percentiles.png and, for a capacity search, capacity.png
 * (800×400) into `dir` and returns their paths. A chart with nothing to draw (no timeline, no
 * latency samples, no finished step) is not written.
 */
export async function writePngCharts(result: Result, dir: string, opts: PngChartOptions = {}): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const { file, spec } of pngChartSpecs(result, opts)) {
    const path = join(dir, file);
    await writeFile(path, renderPng(spec));
    written.push(path);
  }
  return written;
}
