import { describe, expect, it } from 'vitest';
import { evaluateThresholds, parseThresholds, withImplicitGates } from '../../../src/gate/threshold.ts';
import { latency, summary } from './fixtures.ts';

const groups = ['locks', 'backend'];

function gate(key: string, expr: string, s = summary(), g: Record<string, ReturnType<typeof summary>> = {}) {
  const { parsed, issues } = parseThresholds({ [key]: expr }, groups);
  expect(issues).toEqual([]);
  return evaluateThresholds(parsed, { summary: s, groups: g })[0]!;
}

describe('threshold boundaries are exact', () => {
  const e2e = (p99: number) => summary({ latencyMs: { endToEnd: latency({ p99 }) } });
  it('< 100ms passes at 99.999 and fails at 100', () => {
    expect(gate('endToEnd.p99', '< 100ms', e2e(99.999))).toEqual({ expr: 'endToEnd.p99 < 100ms', value: 99.999, ok: true });
    expect(gate('endToEnd.p99', '< 100ms', e2e(100)).ok).toBe(false);
  });
  it('<= includes the boundary, > and >= mirror it, == and != are exact', () => {
    expect(gate('endToEnd.p99', '<= 100ms', e2e(100)).ok).toBe(true);
    expect(gate('endToEnd.p99', '<= 100ms', e2e(100.001)).ok).toBe(false);
    expect(gate('endToEnd.p99', '> 100ms', e2e(100)).ok).toBe(false);
    expect(gate('endToEnd.p99', '>= 100ms', e2e(100)).ok).toBe(true);
    expect(gate('endToEnd.p99', '== 100', e2e(100)).ok).toBe(true);
    expect(gate('endToEnd.p99', '!= 100', e2e(100)).ok).toBe(false);
  });
  it('converts units: s and us to ms, % to a fraction, /m to per second', () => {
    expect(gate('latencyMs.connect.p99', '< 0.5s', summary({ latencyMs: { connect: latency({ p99: 499.999 }) } })).ok).toBe(true);
    expect(gate('connect.p99', '< 0.5s', summary({ latencyMs: { connect: latency({ p99: 500 }) } })).ok).toBe(false);
    expect(gate('connect.p50', '< 1500us', summary({ latencyMs: { connect: latency({ p50: 1.499 }) } })).ok).toBe(true);
    expect(gate('connect.p50', '< 1500us', summary({ latencyMs: { connect: latency({ p50: 1.5 }) } })).ok).toBe(false);
    const loss = (lossRate: number) => summary({ messages: { lossRate } });
    expect(gate('messages.lossRate', '< 0.1%', loss(0.000999)).ok).toBe(true);
    expect(gate('messages.lossRate', '< 0.1%', loss(0.001)).ok).toBe(false);
    expect(gate('messages.lossRate', '== 0', loss(0)).ok).toBe(true);
    expect(gate('messages.lossRate', '== 0', loss(1e-9)).ok).toBe(false);
    const tput = (publishedPerSec: number) => summary({ throughput: { publishedPerSec } });
    expect(gate('throughput.publishedPerSec', '>= 16000/s', tput(16000)).ok).toBe(true);
    expect(gate('throughput.publishedPerSec', '>= 16000', tput(15999.999)).ok).toBe(false);
    expect(gate('throughput.publishedPerSec', '>= 600/m', tput(10)).ok).toBe(true);
    expect(gate('throughput.publishedPerSec', '>= 600/m', tput(9.999)).ok).toBe(false);
  });
  it('counts, errors and groups', () => {
    expect(gate('connections.failed', '<= 10', summary({ connections: { failed: 10 } })).ok).toBe(true);
    expect(gate('connections.failed', '<= 10', summary({ connections: { failed: 11 } })).ok).toBe(false);
    expect(gate('errors.total', '== 0', summary({ errors: { a: 1, b: 2 } }))).toMatchObject({ value: 3, ok: false });
    expect(gate('errors.tcp:ECONNREFUSED', '< 1', summary({ errors: { other: 4 } }))).toMatchObject({ value: 0, ok: true });
    const locks = summary({ latencyMs: { endToEnd: latency({ p99: 120 }) } });
    expect(gate('groups.locks.endToEnd.p99', '< 100ms', summary(), { locks })).toEqual({
      expr: 'groups.locks.endToEnd.p99 < 100ms',
      value: 120,
      ok: false,
    });
  });
});

describe('no data never passes', () => {
  it('latency with no samples, lossRate with nothing expected, a group missing from the result', () => {
    expect(gate('endToEnd.p99', '< 100ms', summary({ latencyMs: { endToEnd: latency({ count: 0, p99: 0 }) } }))).toEqual({
      expr: 'endToEnd.p99 < 100ms',
      value: null,
      ok: false,
    });
    expect(gate('endToEnd.count', '== 0', summary({ latencyMs: { endToEnd: latency({ count: 0 }) } }))).toMatchObject({
      value: 0,
      ok: true,
    });
    expect(gate('messages.lossRate', '== 0', summary({ messages: { expected: 0, lossRate: 0 } }))).toMatchObject({
      value: null,
      ok: false,
    });
    expect(gate('groups.backend.connect.p99', '< 1s')).toMatchObject({ value: null, ok: false });
    expect(gate('commandRoundTrip.p99', '< 1s')).toMatchObject({ value: null, ok: false });
  });
});

describe('parseThresholds reports every problem with its path', () => {
  it('collects all issues at once', () => {
    const { parsed, issues } = parseThresholds(
      {
        'conect.p99': '< 500ms',
        'connect.p95': '< 500ms',
        'messages.lossRat': '== 0',
        'groups.lock.endToEnd.p99': '< 1s',
        'endToEnd.p99': '< 100 parsecs',
        'messages.lossRate': '< 5ms',
        'connections.failed': '<= 10%',
        'throughput.publishedPerSec': 16000,
        'connect.max': { expr: '< 1s', abortOnFail: 'yes' },
        'connect.min': { expr: '< 1s', abort: true },
        'connect.p99': { expr: '< 500ms', abortOnFail: true },
      },
      groups,
    );
    expect(issues).toEqual([
      { path: 'thresholds["conect.p99"]', message: "unknown metric 'conect' (did you mean 'connect'?)" },
      {
        path: 'thresholds["connect.p95"]',
        message: "unknown statistic 'p95' for connect; one of count, min, mean, p50, p90, p99, p999, max",
      },
      {
        path: 'thresholds["messages.lossRat"]',
        message:
          "unknown field 'lossRat' in messages (did you mean 'lossRate'?); one of published, acked, received, expected, lost, duplicated, outOfOrder, lossRate",
      },
      { path: 'thresholds["groups.lock.endToEnd.p99"]', message: "unknown group 'lock' (did you mean 'locks'?)" },
      {
        path: 'thresholds["endToEnd.p99"]',
        message: `cannot read '< 100 parsecs': expected an operator (< <= > >= == !=), a number and an optional unit, e.g. "< 500ms"`,
      },
      { path: 'thresholds["messages.lossRate"]', message: "unit 'ms' does not fit messages.lossRate (a ratio; use a number or %)" },
      { path: 'thresholds["connections.failed"]', message: "unit '%' does not fit connections.failed (a count; use a plain number)" },
      { path: 'thresholds["throughput.publishedPerSec"]', message: 'must be a condition such as "< 500ms" (or { expr, abortOnFail })' },
      { path: 'thresholds["connect.max"]', message: 'abortOnFail must be true or false' },
      { path: 'thresholds["connect.min"]', message: "unknown key 'abort' (allowed: expr, abortOnFail, abortGrace)" },
    ]);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ key: 'connect.p99', condition: '< 500ms', op: '<', limit: 500, abortOnFail: true });
    expect(parsed[0]!.ref.path).toBe('latencyMs.connect.p99');
  });

  it('normalises limits without float noise', () => {
    const { parsed } = parseThresholds({ 'messages.lossRate': '< 0.1%', 'connect.p99': '< 0.3s', 'endToEnd.p99': '<1500µs' }, []);
    expect(parsed.map((p) => p.limit)).toEqual([0.001, 300, 1.5]);
  });
});

describe('implicit connections.failed gate', () => {
  const result = (failed: number) => ({ summary: { connections: { failed } } }) as never;

  it('applies connections.failed == 0 unless the scenario gates connections.failed itself', () => {
    const own = parseThresholds({ 'connections.failed': '<= 5', 'connect.p99': '< 1s' }, []).parsed;
    expect(withImplicitGates(own, []).map((t) => t.key)).toEqual(['connections.failed', 'connect.p99']);
    const none = withImplicitGates(parseThresholds({}, []).parsed, []);
    expect(evaluateThresholds(none, result(3))).toEqual([{ expr: 'connections.failed == 0', value: 3, ok: false, implicit: true }]);
    expect(evaluateThresholds(none, result(0))).toEqual([{ expr: 'connections.failed == 0', value: 0, ok: true, implicit: true }]);
    // A group's own connections.failed gate leaves the run-wide implicit one in place.
    const group = withImplicitGates(parseThresholds({ 'groups.a.connections.failed': '<= 5' }, ['a']).parsed, ['a']);
    expect(group.map((t) => `${t.key}${t.implicit ? ' (implicit)' : ''}`)).toEqual([
      'groups.a.connections.failed',
      'connections.failed (implicit)',
    ]);
  });
});
