import { describe, expect, it } from 'vitest';
import { allChartSpecs } from '../../../src/report/html/charts/chart-specs.ts';
import { latencyLogTicks, percentileCurve, percentileTicks } from '../../../src/report/html/charts/percentile-curve.ts';
import { fmtMetricValue, splitThresholdExpr } from '../../../src/report/html/format.ts';
import { renderHtmlReport } from '../../../src/report/html/render.ts';
import { computeVerdict, describeBrokeFirst, verdictReason, whatBrokeFirst } from '../../../src/report/html/verdict.ts';
import { createLatencyHistogram, encodeHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import { makeResult } from '../../fixtures/make-result.ts';

const result = makeResult();

describe('verdict and what broke first', () => {
  it('fails on the fixture threshold and names the first errors and loss', () => {
    const v = computeVerdict(result);
    expect(v).toEqual({
      kind: 'fail',
      label: 'FAILED',
      failedThresholds: 1,
      baselineFailed: false,
      interrupted: false,
      incompleteHosts: ['thread-1'],
      connectFailed: 20,
    });
    expect(verdictReason(computeVerdict(result))).toBe('1 threshold(s) failed, 1 shard(s) missing');
    expect(describeBrokeFirst(whatBrokeFirst(result))).toEqual([
      `Threshold endToEnd.p99 < 100ms failed (measured ${fmtMetricValue('endToEnd.p99', result.summary.latencyMs.endToEnd.p99)}).`,
      'First errors at 12 s: connack:server-unavailable ×5.',
      'Loss first appeared at 40 s (2 messages lost in that second).',
    ]);
  });

  it('says nothing broke on a clean run, and NO GATES without thresholds', () => {
    const clean = makeResult();
    clean.thresholds = [];
    for (const p of clean.timeline) {
      p.errors = {};
      p.lost = 0;
    }
    expect(describeBrokeFirst(whatBrokeFirst(clean))).toEqual(['Nothing broke: no failed threshold, no errors, no lost messages.']);
    // A missing shard fails the badge whatever the gates say.
    expect(computeVerdict(clean).label).toBe('FAILED');
    expect(computeVerdict(clean, { ok: true, rows: [] }).label).toBe('FAILED');
    for (const h of clean.run.hosts) h.complete = true;
    expect(computeVerdict(clean).label).toBe('NO GATES');
    expect(computeVerdict(clean, { ok: false, rows: [] }).label).toBe('FAILED');
    const passed = computeVerdict(clean, { ok: true, rows: [] });
    expect(passed.label).toBe('PASSED');
    // Clients that never connected are named, never hidden behind "every gate passed".
    expect(verdictReason(passed)).toBe('gates passed, but 20 client(s) never connected');
    clean.summary.connections.failed = 0;
    expect(verdictReason(computeVerdict(clean, { ok: true, rows: [] }))).toBe('every gate passed');
    clean.aborted = { threshold: 'endToEnd.p99 < 0.001ms', atMs: 12_000 };
    expect(verdictReason(computeVerdict(clean, { ok: true, rows: [] }))).toBe('aborted by endToEnd.p99 < 0.001ms');
  });
});

describe('formatting', () => {
  it('splits threshold expressions and prints values in their unit', () => {
    expect(splitThresholdExpr('connect.p99 < 500ms')).toEqual({ metric: 'connect.p99', condition: '< 500ms' });
    expect(splitThresholdExpr('messages.lossRate == 0')).toEqual({ metric: 'messages.lossRate', condition: '== 0' });
    expect(fmtMetricValue('endToEnd.p99', 312.063)).toBe('312.1 ms');
    expect(fmtMetricValue('connect.max', 12_345)).toBe('12.35 s');
    expect(fmtMetricValue('messages.lossRate', 0.00025)).toBe('0.00025 (0.025 %)');
    expect(fmtMetricValue('throughput.publishedPerSec', 990)).toBe('990/s');
    expect(fmtMetricValue('connections.failed', 20)).toBe('20');
    expect(fmtMetricValue('endToEnd.p99', null)).toBe('not measured');
  });
});

describe('percentile curves', () => {
  it('follows the histogram: 1..1000 ms uniform gives p50 ≈ 500 ms, p90 ≈ 900 ms, ends at the max', () => {
    const h = createLatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) recordMicros(h, ms * 1000);
    const curve = percentileCurve(encodeHistogram(h));
    const at = (x: number) => curve.find((c) => c.x === x)!;
    expect(at(1).ms).toBeCloseTo(1, 1);
    expect(at(2).ms).toBeGreaterThanOrEqual(500);
    expect(at(2).ms).toBeLessThanOrEqual(500.5);
    expect(at(10).ms).toBeGreaterThanOrEqual(900);
    expect(at(10).ms).toBeLessThanOrEqual(900.5);
    expect(curve[curve.length - 1]!.x).toBe(1000);
    expect(curve[curve.length - 1]!.ms).toBeCloseTo(1000, 0);
    for (let i = 1; i < curve.length; i++) {
      expect(curve[i]!.x).toBeGreaterThan(curve[i - 1]!.x);
      expect(curve[i]!.ms).toBeGreaterThanOrEqual(curve[i - 1]!.ms);
    }
    expect(percentileCurve('')).toEqual([]);
  });

  it('labels the percentile axis in nines and the latency axis in ms / s', () => {
    expect(percentileTicks(1000).map((t) => t.label)).toEqual(['0%', '50%', '90%', '99%', '99.9%']);
    expect(latencyLogTicks(0.4, 805).map((t) => t.label)).toEqual([
      '0.2 ms',
      '0.5 ms',
      '1 ms',
      '2 ms',
      '5 ms',
      '10 ms',
      '20 ms',
      '50 ms',
      '100 ms',
      '200 ms',
      '500 ms',
      '1 s',
    ]);
  });

  it('builds every chart of the fixture with points in every dataset', () => {
    const specs = allChartSpecs(result);
    for (const [name, spec] of Object.entries(specs)) {
      expect(spec, name).not.toBeNull();
      for (const d of spec!.config.data.datasets) expect((d.data as unknown[]).length, `${name} ${d.label}`).toBeGreaterThan(0);
    }
    expect(specs.shape!.band).toEqual({ from: 20, to: 58, label: 'steady state' });
    expect(specs.errors!.config.data.datasets.map((d) => d.label)).toEqual(['connack:server-unavailable', 'tcp:ECONNRESET']);
  });
});

describe('report sections', () => {
  it('flags interrupted runs and incomplete hosts', () => {
    const html = renderHtmlReport(makeResult({ interrupted: true }));
    expect(html).toContain('data-testid="interrupted"');
    expect(html).toContain('<title>fixture-smart-sensors — FAILED (interrupted) — fleetstorm</title>');
    expect(html).toMatch(/<tr class="row-fail"><td><code>thread-1<\/code>/);
    expect(renderHtmlReport(result)).not.toContain('data-testid="interrupted"');
  });

  it('shows the failed threshold row as failing and the passing ones as passing', () => {
    const html = renderHtmlReport(result);
    expect(html.match(/<tr class="row-fail"><td><code>endToEnd\.p99<\/code><\/td><td><code>&lt; 100ms<\/code>/g)).toHaveLength(1);
    expect(html.match(/<td class="status fail">FAIL<\/td>/g)).toHaveLength(1);
    expect(html.match(/<td class="status pass">pass<\/td>/g)).toHaveLength(2);
  });

  it('renders the baseline comparison and the capacity section only when given', () => {
    const plain = renderHtmlReport(result);
    expect(plain).not.toContain('id="baseline"');
    expect(plain).not.toContain('id="capacity"');
    const html = renderHtmlReport(result, {
      baseline: {
        ok: false,
        baseline: 'baselines/main.json',
        rows: [{ metric: 'endToEnd.p99', baseline: 200, current: 312.063, change: 0.56, tolerance: '+10%', ok: false }],
      },
      capacity: { maxDevices: 1800 },
    });
    expect(html).toContain('REGRESSION');
    expect(html).toContain('<td class="num">200 ms</td><td class="num">312.1 ms</td><td class="num">+56 %</td>');
    expect(html).toContain('id="capacity"');
    expect(html).toContain('maxDevices: 1800');
  });

  it('prints the resolved scenario with the secret reference, not a secret', () => {
    const html = renderHtmlReport(result);
    expect(html).toContain('password: ${env:SENSOR_PASSWORD}');
    expect(html).toContain('connectRate: 100/s');
  });
});
