import { describe, expect, it } from 'vitest';
import { COMPARED_METRICS, compareWithBaseline, parseTolerance } from '../../../src/gate/compare.ts';
import { formatCompareTable } from '../../../src/gate/compare-view.ts';
import { formatThresholdTable } from '../../../src/gate/format.ts';
import { latency, summary } from './fixtures.ts';

const row = (rows: ReturnType<typeof compareWithBaseline>['rows'], metric: string) => rows.find((r) => r.metric === metric)!;

describe('compareWithBaseline', () => {
  const base = { summary: summary() }; // 16000/s, endToEnd p99 50 ms, lossRate 0

  it('identical runs are ok on every compared metric; metrics with data on neither side are left out', () => {
    const c = compareWithBaseline({ summary: summary() }, base);
    expect(c.verdict).toBe('ok');
    // The fixture sent no commands: nothing to compare there, so no commandRoundTrip rows.
    expect(c.rows.map((r) => r.metric)).toEqual(COMPARED_METRICS.map((m) => m.metric).filter((m) => !m.startsWith('commandRoundTrip.')));
    expect(c.rows.every((r) => r.verdict === 'ok' && r.deltaPct === 0)).toBe(true);
    expect(Object.fromEntries(c.rows.map((r) => [r.metric.split('.')[0], r.unit]))).toEqual({
      throughput: 'msg/s',
      connect: 'ms',
      subscribe: 'ms',
      publishAck: 'ms',
      endToEnd: 'ms',
      reconnect: 'ms',
      messages: 'ratio',
    });
  });

  it('throughput regresses only when lower by more than the tolerance (10 % default)', () => {
    const at = (publishedPerSec: number) =>
      row(compareWithBaseline({ summary: summary({ throughput: { publishedPerSec } }) }, base).rows, 'throughput.publishedPerSec');
    expect(at(14400)).toMatchObject({ deltaPct: -10, tolerancePct: 10, verdict: 'ok' });
    expect(at(14399)).toMatchObject({ verdict: 'regression' });
    expect(at(17600)).toMatchObject({ deltaPct: 10, verdict: 'ok' });
    expect(at(17601)).toMatchObject({ verdict: 'better' });
    expect(at(0)).toMatchObject({ deltaPct: -100, verdict: 'regression' });
  });

  it('latency regresses when higher beyond its tolerance; overrides apply per metric', () => {
    const run = (p99: number, tol = {}) =>
      compareWithBaseline({ summary: summary({ latencyMs: { endToEnd: latency({ p99 }) } }) }, base, tol);
    expect(row(run(55).rows, 'endToEnd.p99')).toMatchObject({ baseline: 50, current: 55, deltaPct: 10, verdict: 'ok' });
    expect(run(55.001).verdict).toBe('regression');
    expect(run(55.001).regressions).toBe(1);
    expect(row(run(57.5, { 'endToEnd.p99': '+15%' }).rows, 'endToEnd.p99')).toMatchObject({ tolerancePct: 15, verdict: 'ok' });
    expect(row(run(57.5, { 'latencyMs.endToEnd.p99': 15 }).rows, 'endToEnd.p99').verdict).toBe('ok');
    expect(row(run(52, { default: '3%' }).rows, 'endToEnd.p99')).toMatchObject({ tolerancePct: 3, verdict: 'regression' });
    expect(row(run(40).rows, 'endToEnd.p99').verdict).toBe('better');
  });

  it('lossRate regresses when higher at all, unless an absolute allowance is given', () => {
    const lossy = { summary: summary({ messages: { lossRate: 0.0005, lost: 1 } }) };
    expect(row(compareWithBaseline(lossy, base).rows, 'messages.lossRate')).toMatchObject({
      deltaPct: null,
      tolerancePct: 0,
      verdict: 'regression',
    });
    expect(row(compareWithBaseline(lossy, base, { 'messages.lossRate': '0.1%' }).rows, 'messages.lossRate').verdict).toBe('ok');
    expect(row(compareWithBaseline(base, lossy).rows, 'messages.lossRate').verdict).toBe('better');
  });

  it('metrics without data on either side are no-data and do not fail', () => {
    const empty = {
      summary: summary({ latencyMs: { subscribe: latency({ count: 0 }) }, messages: { expected: 0 }, throughput: { receivedPerSec: 0 } }),
    };
    const c = compareWithBaseline({ summary: summary() }, empty);
    expect(row(c.rows, 'subscribe.p99')).toMatchObject({ baseline: null, current: 50, deltaPct: null, verdict: 'no-data' });
    expect(row(c.rows, 'messages.lossRate').verdict).toBe('no-data');
    expect(row(c.rows, 'throughput.receivedPerSec').verdict).toBe('no-data');
    expect(c.verdict).toBe('ok');
  });

  it('compares one group when asked, and rejects unknown tolerance keys', () => {
    const slowLocks = summary({ latencyMs: { endToEnd: latency({ p99: 100 }) } });
    const c = compareWithBaseline(
      { summary: summary(), groups: { locks: slowLocks } },
      { summary: summary(), groups: { locks: summary() } },
      {},
      { group: 'locks' },
    );
    expect(row(c.rows, 'endToEnd.p99')).toMatchObject({ deltaPct: 100, verdict: 'regression' });
    expect(() => compareWithBaseline({ summary: summary() }, base, { 'endToEnd.p95': '5%' })).toThrow(
      "unknown metric 'endToEnd.p95' in tolerances",
    );
  });

  it('reads tolerances', () => {
    expect([parseTolerance('+15%'), parseTolerance('15%'), parseTolerance('7.5'), parseTolerance(20)]).toEqual([15, 15, 7.5, 20]);
    expect(() => parseTolerance('lots')).toThrow("bad tolerance 'lots'");
  });
});

describe('console tables', () => {
  it('formats threshold results with PASS/FAIL', () => {
    expect(
      formatThresholdTable([
        { expr: 'connect.p99 < 500ms', value: 12.345, ok: true },
        { expr: 'endToEnd.p99 < 100ms', value: null, ok: false },
      ]),
    ).toBe(['      threshold             value', 'PASS  connect.p99 < 500ms   12.345', 'FAIL  endToEnd.p99 < 100ms  no data'].join('\n'));
    expect(formatThresholdTable([])).toBe('no thresholds');
  });

  it('formats comparison rows', () => {
    const c = compareWithBaseline({ summary: summary({ latencyMs: { endToEnd: latency({ p99: 60 }) } }) }, { summary: summary() });
    const table = formatCompareTable(c.rows.filter((r) => r.metric === 'endToEnd.p99' || r.metric === 'throughput.publishedPerSec'));
    expect(table).toBe(
      [
        'metric                      unit   baseline  current  delta  tolerance  verdict',
        'throughput.publishedPerSec  msg/s  16000     16000    0%     ±10%       ok',
        'endToEnd.p99                ms     50        60       +20%   ±10%       REGRESSION',
      ].join('\n'),
    );
  });
});
