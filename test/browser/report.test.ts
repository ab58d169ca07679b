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
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
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

  it('shows a rehearsal: cohorts, the reconnect storm, commands, marked cut-overs, new curves', async () => {
    const { page, consoleErrors, pageErrors, blocked } = await open(
      renderHtmlReport(makeResult({ rehearsal: true })),
      'report-rehearsal.html',
    );

    const sections = await page.$$eval('main > section', (els) => els.map((e) => e.id));
    expect(sections.slice(sections.indexOf('chart-shape-section'), sections.indexOf('chart-shape-section') + 5)).toEqual([
      'chart-shape-section',
      'migration',
      'reconnects',
      'commands',
      'chart-throughput-section',
    ]);
    const cells = (selector: string) =>
      page.$$eval(selector, (trs) => trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? '').trim())));
    expect(await cells('[data-testid="migration-cohorts"] tbody tr')).toEqual([
      expect.arrayContaining(['C1', '22.0 s', '200', '200', '0']),
      expect.arrayContaining(['C2', '26.0 s', '200', '200', '0']),
      expect.arrayContaining(['C3', '36.0 s', '200', '197', '3']),
    ]);
    const stranded = await page.$eval('[data-testid="migration-cohorts"] tbody tr.row-fail td.bad', (td) => [
      td.textContent,
      getComputedStyle(td).color,
    ]);
    expect(stranded).toEqual(['3', 'rgb(185, 28, 28)']);
    expect(await cells('[data-testid="reconnect-dips"] tbody tr')).toEqual([['30 s', '32 s', '2 s', '2,000', '420', '+900/s']]);
    expect(await page.textContent('[data-testid="reconnect-figures"]')).toContain('failed reconnect attempts405');
    expect(await cells('[data-testid="commands-table"] tfoot tr')).toEqual([
      ['all groups', '760', '748 (98.42 %)', '7 (0.921 %)', '5 (0.658 %)', '44.13 ms', '174.2 ms', '3,381 ms'],
    ]);
    const keyFigures = await page.$$eval('[data-testid="key-figures"] .figure-label', (els) => els.map((e) => e.textContent));
    expect(keyFigures.slice(-2)).toEqual(['skipped sends', 'generator schedule']);

    const charts = await page.evaluate(() => {
      const Chart = (window as any).Chart;
      const shape = Chart.getChart(document.getElementById('chart-shape'));
      const percentiles = Chart.getChart(document.getElementById('chart-percentiles'));
      // The violet marker colour must be on the canvas: the cut-over lines were drawn.
      const canvas = document.getElementById('chart-shape') as HTMLCanvasElement;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let violet = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 3]! > 0 && px[i]! > px[i + 1]! + 40 && px[i + 2]! > px[i + 1]! + 80) violet++;
      return {
        markers: shape.options.plugins.fleetstormBand.markers.map((m: { x: number; label: string }) => `${m.label}@${m.x}`),
        violet,
        curves: percentiles.data.datasets.map((d: { label: string }) => d.label),
      };
    });
    expect(charts.markers).toEqual(['C1@22', 'C2@26', 'C3@36']);
    expect(charts.violet).toBeGreaterThan(100);
    expect(charts.curves).toEqual(['connect', 'subscribe', 'publish ack', 'end to end', 'reconnect gap', 'command round trip']);

    await page.screenshot({ path: join(OUT, 'report-rehearsal.png'), fullPage: true });
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
