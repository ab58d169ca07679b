// The report's "Where connect time goes": parts the run measured, in order, with their share of
// the mean connect time; absent when the result has no parts (older results, no connection).
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../../src/report/html/render.ts';
import { renderConnectParts } from '../../../src/report/html/sections/connect-parts.ts';
import type { LatencySummary } from '../../../src/result/types.ts';
import { makeResult } from '../../fixtures/make-result.ts';

const summary = (mean: number, count = 100): LatencySummary => ({
  count,
  min: mean / 2,
  mean,
  p50: mean,
  p90: mean * 1.5,
  p99: mean * 2,
  p999: mean * 2,
  max: mean * 3,
});

describe('connect parts in the report', () => {
  it('shows used parts in connect order with their share of the mean, under the connections chart', () => {
    const result = makeResult();
    result.summary.latencyMs.connectParts = { connack: summary(3), tcp: summary(1), wsUpgrade: summary(4) };
    const html = renderConnectParts(result);
    const rows = [...html.matchAll(/<tr><th scope="row">.*?<\/span> ([^<]+)<\/th>.*?<td class="num">(\d+ %)<\/td>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(rows).toEqual([
      ['TCP connect', '13 %'],
      ['WebSocket upgrade', '50 %'],
      ['CONNECT → CONNACK', '38 %'],
    ]);
    expect(html).not.toContain('</span> TLS handshake');
    const page = renderHtmlReport(result);
    expect(page.indexOf('Where connect time goes')).toBeGreaterThan(page.indexOf('<h2>Connections'));
  });

  it('is left out without parts', () => {
    const result = makeResult();
    expect(renderConnectParts(result)).toBe('');
    result.summary.latencyMs.connectParts = { tcp: summary(0, 0) };
    expect(renderConnectParts(result)).toBe('');
  });
});
