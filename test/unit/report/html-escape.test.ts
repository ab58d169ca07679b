import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript, scriptForInline } from '../../../src/report/html/escape.ts';
import { chartJsSource } from '../../../src/report/html/chartjs-source.ts';
import { renderHtmlReport } from '../../../src/report/html/render.ts';
import { makeResult } from '../../fixtures/make-result.ts';

const EVIL = '</script><script>alert(1)</script>';

describe('escaping', () => {
  it('escapes HTML text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeHtml(undefined)).toBe('');
  });

  it('embeds JSON in a script element without </script> or <!-- and parses back identically', () => {
    const value = { name: EVIL, comment: '<!-- x -->', amp: 'a&b', ls: 'a\u2028b\u2029c' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/<|>|&|\u2028|\u2029/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('neutralises </script and <!-- in inlined JavaScript', () => {
    expect(scriptForInline('var s = "</script>"; var c = "<!--";')).toBe('var s = "<\\/script>"; var c = "<\\!--";');
  });
});

describe('renderHtmlReport with hostile strings', () => {
  const result = makeResult({ name: EVIL, errorReasons: ['<img src=x onerror=alert(2)>', EVIL] });
  const html = renderHtmlReport(result);

  it('opens exactly the report scripts: two JSON blocks, Chart.js, the page script', () => {
    expect(html.match(/<script\b/g)).toHaveLength(4);
    expect(html.match(/<\/script>/g)).toHaveLength(4);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img');
  });

  it('shows the scenario name as text', () => {
    expect(html).toContain(`<h1>${escapeHtml(EVIL)}</h1>`);
    expect(html).toContain('<code>&lt;img src=x onerror=alert(2)&gt;</code>');
  });

  it('carries the hostile error reason intact inside the chart data', () => {
    const m = /<script type="application\/json" id="fleetstorm-charts">(.*?)<\/script>/s.exec(html);
    const specs = JSON.parse(m![1]!) as Array<{ id: string; config: { data: { datasets: Array<{ label: string }> } } }>;
    const errors = specs.find((s) => s.id === 'chart-errors')!;
    expect(errors.config.data.datasets.map((d) => d.label)).toEqual(['<img src=x onerror=alert(2)>', EVIL]);
  });
});

describe('renderHtmlReport is self-contained', () => {
  const html = renderHtmlReport(makeResult());

  // Chart.js itself mentions url( and URLs in comments; what matters is our markup and CSS.
  const ours = html.replace(chartJsSource(), '');

  it('inlines Chart.js verbatim', () => {
    expect(html.includes(`<script>${chartJsSource()}</script>`)).toBe(true);
    expect(ours.length).toBeLessThan(html.length - 200_000);
  });

  it('references nothing outside the file', () => {
    expect(/<(link|img|iframe|object|embed)\b/i.test(ours)).toBe(false);
    expect(/<script[^>]*\bsrc=/i.test(ours)).toBe(false);
    expect(/\b(href|src)=/i.test(ours)).toBe(false);
    expect(/@import|url\(|https?:\/\//i.test(ours)).toBe(false);
  });
});
