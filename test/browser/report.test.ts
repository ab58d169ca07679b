// The HTML report in a real headless Chromium, offline: it must render every chart from inlined
// data alone, show failures in red, stay inert with hostile strings, and leave a screenshot to
// look at in test-output/.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src/report/html/render.ts';
import { makeResult } from '../fixtures/make-result.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
const OUT = resolve('test-output');

if (!haveChromium && !inCi) {
  console.warn(`skipping browser tests: ${CHROMIUM} is not installed (apt-get install -y chromium fonts-dejavu-core)`);
}

describe.runIf(!haveChromium && inCi)('browser prerequisites', () => {
  it('has chromium installed in CI', () => {
    expect.fail(`${CHROMIUM} is missing; CI must install it (.ci/run does)`);
  });
});

interface Opened {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  blocked: string[];
  dialogs: string[];
}

describe.runIf(haveChromium)('HTML report in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      timeout: 30_000,
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(html: string, file: string): Promise<Opened> {
    const path = join(OUT, file);
    writeFileSync(path, html);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const opened: Opened = { page, consoleErrors: [], pageErrors: [], blocked: [], dialogs: [] };
    await page.route('**', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      opened.blocked.push(url);
      return route.abort();
    });
    page.on('console', (m) => {
      if (m.type() === 'error') opened.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => opened.pageErrors.push(String(e)));
    page.on('dialog', (d) => {
      opened.dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load', timeout: 15_000 });
    return opened;
  }

  it('renders every chart with data, offline, without errors, and failures in red', async () => {
    const { page, consoleErrors, pageErrors, blocked } = await open(renderHtmlReport(makeResult()), 'report.html');

    const charts = await page.evaluate(() => {
      const Chart = (window as any).Chart;
      return [...document.querySelectorAll('canvas')].map((canvas) => {
        const chart = Chart.getChart(canvas);
        const ctx = canvas.getContext('2d')!;
        const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        const colours = new Set<number>();
        for (let i = 0; i < pixels.length; i += 4) {
          if (pixels[i + 3]! > 0) {
            painted++;
            if (colours.size < 64) colours.add((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
          }
        }
        return {
          id: canvas.id,
          hasChart: chart !== undefined,
          pointsPerDataset: chart ? chart.data.datasets.map((d: { data: unknown[] }) => d.data.length) : [],
          painted,
          colours: colours.size,
          width: canvas.width,
        };
      });
    });
    expect(charts.map((c) => c.id)).toEqual(['chart-shape', 'chart-throughput', 'chart-latency', 'chart-percentiles', 'chart-errors']);
    for (const c of charts) {
      expect(c.hasChart, c.id).toBe(true);
      expect(c.pointsPerDataset.length, c.id).toBeGreaterThan(0);
      for (const n of c.pointsPerDataset) expect(n, c.id).toBeGreaterThan(0);
      expect(c.width, c.id).toBeGreaterThan(300);
      // Axes, labels and lines in several colours: far more than a blank or background-only canvas.
      expect(c.painted, c.id).toBeGreaterThan(2000);
      expect(c.colours, c.id).toBeGreaterThan(5);
    }

    const rows = await page.$$eval('[data-testid="thresholds"] tbody tr', (trs) =>
      trs.map((tr) => {
        const status = tr.querySelector('td.status') as HTMLElement;
        return { text: tr.textContent ?? '', status: status.textContent, colour: getComputedStyle(status).color };
      }),
    );
    expect(rows).toHaveLength(3);
    const failing = rows.filter((r) => r.status === 'FAIL');
    expect(failing).toHaveLength(1);
    expect(failing[0]!.text).toContain('endToEnd.p99');
    expect(failing[0]!.colour).toBe('rgb(185, 28, 28)');
    for (const r of rows.filter((r) => r.status === 'pass')) expect(r.colour).toBe('rgb(21, 128, 61)');

    expect(await page.textContent('[data-testid="verdict"] span')).toBe('FAILED');
    expect(await page.textContent('[data-testid="broke-first"]')).toContain('Threshold endToEnd.p99 < 100ms failed');
    const lostHost = await page.$eval('[data-testid="hosts"] tr.row-fail td', (td) => getComputedStyle(td).color);
    expect(lostHost).toBe('rgb(185, 28, 28)');

    await page.screenshot({ path: join(OUT, 'report-screenshot.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(blocked).toEqual([]);
    await page.close();
  });

  it('keeps hostile scenario names and error reasons inert', async () => {
    const evil = '</script><script>window.__xss=1;alert(1)</script><!--';
    const result = makeResult({ name: evil, errorReasons: ['<img src=x onerror="window.__xss=2">', evil] });
    const { page, consoleErrors, pageErrors, dialogs } = await open(renderHtmlReport(result), 'report-xss.html');
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(await page.textContent('h1')).toBe(evil);
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    // The charts still render: the embedded JSON survived the hostile strings intact.
    const legend = await page.evaluate(() => {
      const chart = (window as any).Chart.getChart(document.getElementById('chart-errors'));
      return chart.data.datasets.map((d: { label: string }) => d.label);
    });
    expect(legend).toEqual(['<img src=x onerror="window.__xss=2">', evil]);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
