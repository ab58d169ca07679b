import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas, loadImage } from 'canvas';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCapacityReport } from '../../../src/coordinator/capacity-report.ts';
import type { LoadedScenario } from '../../../src/scenario/types.ts';
import { PNG_HEIGHT, PNG_WIDTH, pngChartSpecs, resolveChartFont, writePngCharts } from '../../../src/report/png.ts';
import { writeReport } from '../../../src/report/write-report.ts';
import { makeResult } from '../../fixtures/make-result.ts';
import { step } from '../capacity/step-fixtures.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const dir = mkdtempSync(join(tmpdir(), 'fleetstorm-png-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Pixels that are not the white background, and how many distinct colours they use. */
async function inkOf(path: string): Promise<{ width: number; height: number; ink: number; colours: number; inkTopLeft: number }> {
  const img = await loadImage(readFileSync(path));
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, img.width, img.height).data;
  let ink = 0;
  let inkTopLeft = 0;
  const colours = new Set<number>();
  for (let i = 0; i < px.length; i += 4) {
    const rgb = (px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!;
    if (rgb !== 0xffffff) {
      ink++;
      colours.add(rgb);
      const p = i / 4;
      // The title sits top-centre and axis labels at the left: text must have been drawn.
      if (p % img.width < 60 && Math.floor(p / img.width) > 60) inkTopLeft++;
    }
  }
  return { width: img.width, height: img.height, ink, colours: colours.size, inkTopLeft };
}

describe('writePngCharts', () => {
  it('writes three non-blank 800x400 PNGs with drawn text', async () => {
    const files = await writePngCharts(makeResult(), join(dir, 'charts'));
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['charts/throughput.png', 'charts/latency.png', 'charts/percentiles.png']);
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE), file).toBe(true);
      expect(statSync(file).size, file).toBeGreaterThan(15_000);
      const ink = await inkOf(file);
      expect([ink.width, ink.height]).toEqual([PNG_WIDTH, PNG_HEIGHT]);
      // Lines, grid, legend and labels: thousands of pixels in many colours, not a white sheet.
      expect(ink.ink, file).toBeGreaterThan(10_000);
      expect(ink.colours, file).toBeGreaterThan(50);
      expect(ink.inkTopLeft, file).toBeGreaterThan(200);
    }
  });

  it('skips charts without data', async () => {
    const r = makeResult();
    r.timeline = [];
    const files = await writePngCharts(r, join(dir, 'sparse'));
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['sparse/percentiles.png']);
  });

  it('adds capacity.png, the step chart, when a capacity report is given', async () => {
    const steps = [
      step(0, 0.5),
      step(1, 1),
      step(2, 1.5, { endToEndP99Ms: 140, ok: false, thresholds: [{ expr: 'endToEnd.p99 < 100ms', value: 140, ok: false }] }),
    ];
    const loaded = { scenario: { name: 'smart-home' }, sha256: 'f'.repeat(64) } as unknown as LoadedScenario;
    const spec = { vary: 'both' as const, start: 0.5, step: 0.5, maxSteps: 8, holdMs: 20_000, knee: 2, warnAt: 0.7, pageAt: 0.85 };
    const capacity = buildCapacityReport(steps, { loaded, spec, defaults: false, startedAt: 0, endedAt: 60_000, interrupted: false });
    // Anything that is not a capacity report (a later schema, a stray value) adds no chart.
    expect(pngChartSpecs(makeResult(), { capacity: { maxDevices: 1800 } }).map((s) => s.file)).toEqual([
      'throughput.png',
      'latency.png',
      'percentiles.png',
    ]);
    const files = await writePngCharts(makeResult(), join(dir, 'capacity'), { capacity });
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      'capacity/throughput.png',
      'capacity/latency.png',
      'capacity/percentiles.png',
      'capacity/capacity.png',
    ]);
    const ink = await inkOf(files[3]!);
    expect([ink.width, ink.height]).toEqual([PNG_WIDTH, PNG_HEIGHT]);
    expect(ink.ink).toBeGreaterThan(10_000);
    expect(ink.colours).toBeGreaterThan(50);
    expect(ink.inkTopLeft).toBeGreaterThan(200);
  });

  it('says in one line how to get a font when none is found', () => {
    expect(() => resolveChartFont(['/nonexistent/a.ttf'], {})).toThrow(
      /^no font found for PNG charts \(looked in 1 places\): install fonts-dejavu-core or set FLEETSTORM_FONT=\/path\/to\/font\.ttf$/,
    );
    expect(resolveChartFont(['/nonexistent/a.ttf'], { FLEETSTORM_FONT: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' })).toBe(
      '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    );
  });
});

describe('writeReport', () => {
  it('writes report.html and the PNGs side by side', async () => {
    const out = join(dir, 'report');
    const { html, pngs } = await writeReport(makeResult(), out);
    expect(html).toBe(join(out, 'report.html'));
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<\/html>\n$/);
    expect(pngs).toEqual(['throughput.png', 'latency.png', 'percentiles.png'].map((f) => join(out, f)));
    const htmlOnly = await writeReport(makeResult(), join(dir, 'html-only'), { png: false });
    expect(htmlOnly.pngs).toEqual([]);
  });
});
