// The HTML report shows the load hosts' own stalls next to the latency chart, says in the header
// when the generator was the bottleneck, and lists each host's health in the hosts table.

import { describe, expect, it } from 'vitest';
import { generatorChart } from '../../../src/report/html/charts/generator-chart.ts';
import { renderHtmlReport } from '../../../src/report/html/render.ts';
import type { HostHealth } from '../../../src/result/types.ts';
import { makeResult } from '../../fixtures/make-result.ts';

function host(id: string, eldP99: number[]): HostHealth {
  const t = eldP99.map((_, k) => k + 1);
  const col = (v: number) => t.map(() => v);
  const span = {
    seconds: t.length,
    cpu: { avg: 0.4, max: 0.6 },
    rssMaxMb: 150,
    heapMaxMb: 30,
    eventLoopDelayMs: { p50: 1, p99: Math.max(...eldP99), max: Math.max(...eldP99) + 5 },
    gc: { count: t.length, totalMs: 2 * t.length, maxMs: 2 },
  };
  return {
    host: id,
    cpuSource: 'thread',
    run: span,
    steady: span,
    series: {
      t,
      cpu: col(0.4),
      rssMb: col(150),
      heapMb: col(30),
      eldP50Ms: col(1),
      eldP99Ms: eldP99,
      eldMaxMs: eldP99.map((v) => v + 5),
      gcCount: col(1),
      gcMs: col(2),
      gcMaxMs: col(2),
    },
  };
}

describe('load generator in the HTML report', () => {
  it('charts each host’s event-loop delay p99 and GC per second, and no chart without health', () => {
    const r = makeResult();
    expect(generatorChart(r)).toBeNull();
    r.health = [host('thread-0', [1, 2, 3]), host('thread-1', [4, 90, 6])];
    const spec = generatorChart(r)!;
    const labels = spec.config.data.datasets.map((d) => d.label);
    // Worst host first; its p99 series is the result's own column.
    expect(labels.slice(0, 4)).toEqual([
      'event-loop delay p99 · thread-1',
      'GC pause ms/s · thread-1 (right axis)',
      'event-loop delay p99 · thread-0',
      'GC pause ms/s · thread-0 (right axis)',
    ]);
    expect(spec.config.data.datasets[0]!.data).toEqual([
      { x: 1, y: 4 },
      { x: 2, y: 90 },
      { x: 3, y: 6 },
    ]);
  });

  it('places the chart right after the latency chart and says generator-bound in the header', () => {
    const r = makeResult();
    r.health = [host('thread-0', [1, 2, 3]), host('thread-1', [4, 90, 6])];
    const html = renderHtmlReport(r);
    const latency = html.indexOf('id="chart-latency-section"');
    const generator = html.indexOf('id="chart-generator-section"');
    expect(latency).toBeGreaterThan(0);
    expect(generator).toBeGreaterThan(latency);
    expect(html.indexOf('id="chart-percentiles-section"')).toBeGreaterThan(generator);
    expect(/data-testid="generator-bound">([^<]*)</.exec(html)?.[1]).toBe(
      'generator-bound: host thread-1 event-loop delay p99 90 ms — latency figures include the generator&#39;s own stalls',
    );
    expect(html).toContain('<td class="num">90 ms / 95 ms</td>');
    r.health = [host('thread-0', [1, 2, 3])];
    expect(renderHtmlReport(r)).not.toContain('data-testid="generator-bound"');
  });
});
