// The capacity section in a real headless Chromium: the step chart draws from the inlined data
// (every step, the last good and first bad markers, the knee), the steps table marks the bad
// step in red, and a screenshot is left in test-output/ to look at.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCapacityReport } from '../../../src/coordinator/capacity-report.ts';
import type { LoadedScenario } from '../../../src/scenario/types.ts';
import { renderHtmlReport } from '../../../src/report/html/render.ts';
import { makeResult } from '../../fixtures/make-result.ts';
import { describeIfAvailable } from '../../helpers/brokers.ts';
import { step } from '../../unit/capacity/step-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const OUT = resolve('test-output');

function capacityReport() {
  const steps = [
    step(0, 0.5, { clients: 3260, connections: 3260, publishedPerSec: 400, receivedPerSec: 400, endToEndP99Ms: 4 }),
    step(1, 1, { clients: 6520, connections: 6520, publishedPerSec: 800, receivedPerSec: 800, endToEndP99Ms: 5 }),
    step(2, 1.5, { clients: 9780, connections: 9780, publishedPerSec: 1200, receivedPerSec: 1199, endToEndP99Ms: 9 }),
    step(3, 2, {
      clients: 13_040,
      connections: 11_200,
      publishedPerSec: 1400,
      receivedPerSec: 1310,
      endToEndP99Ms: 140,
      ok: false,
      thresholds: [{ expr: 'endToEnd.p99 < 100ms', value: 140, ok: false }],
      errors: { 'conn:timeout': 1840 },
    }),
  ];
  const loaded = { scenario: { name: 'smart-home' }, sha256: 'f'.repeat(64) } as unknown as LoadedScenario;
  const spec = { vary: 'both' as const, start: 0.5, step: 0.5, maxSteps: 8, holdMs: 20_000, knee: 2, warnAt: 0.7, pageAt: 0.85 };
  return buildCapacityReport(steps, { loaded, spec, defaults: false, startedAt: 0, endedAt: 60_000, interrupted: false });
}

// Skipped without Chromium on a developer machine; under CI=true a missing Chromium fails instead.
const describeWithChromium = describeIfAvailable(existsSync(CHROMIUM), `${CHROMIUM} not installed (apt-get install -y chromium)`);

describeWithChromium('capacity section in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'], timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws the step chart with its markers and shows the finding', async () => {
    const report = capacityReport();
    // 5 → 9 ms for +50 % load is elasticity 1.6 (below 2); 9 → 140 ms for +33 % is 43.7: the knee.
    expect(report.knee).toMatchObject({ k: 3, elasticity: 43.667 });
    const file = join(OUT, 'capacity-report.html');
    writeFileSync(file, renderHtmlReport(makeResult(), { capacity: report }));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const chart = await page.evaluate(() => {
      const canvas = document.getElementById('chart-capacity') as HTMLCanvasElement;
      const c = (window as any).Chart.getChart(canvas);
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) painted++;
      return {
        labels: c.data.datasets.map((d: any) => `${d.label}:${d.data.length}`),
        painted,
        xTicks: c.scales.x.ticks.map((t: any) => t.label),
      };
    });
    expect(chart.labels).toEqual([
      'msg/s published:4',
      'msg/s received:4',
      'e2e p99 (right axis):4',
      'last good step:1',
      'first bad step:1',
      'knee:1',
    ]);
    expect(chart.xTicks).toEqual(['×0.5 (3,260)', '×1 (6,520)', '×1.5 (9,780)', '×2 (13,040)']);
    expect(chart.painted).toBeGreaterThan(5000);
    expect(await page.textContent('[data-testid="capacity-statement"] li strong')).toContain(
      'capacity: 9,780 connections at 1,200 msg/s published',
    );
    const badRow = await page.$eval('[data-testid="capacity-steps"] tr.row-fail td', (td) => getComputedStyle(td).color);
    expect(badRow).toBe('rgb(185, 28, 28)');
    await (await page.$('#capacity'))!.screenshot({ path: join(OUT, 'capacity-section.png') });
    expect(errors).toEqual([]);
    await page.close();
  });
});
