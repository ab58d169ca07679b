import { describe, expect, it } from 'vitest';
import { escapeXml, renderJUnit } from '../../../src/report/junit.ts';
import { makeResult } from '../../fixtures/make-result.ts';

describe('renderJUnit', () => {
  const result = makeResult();
  const xml = renderJUnit(result);

  it('is one suite named after the scenario with a test case per threshold', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(xml).toContain(
      '<testsuite name="fixture-smart-sensors" tests="3" failures="1" errors="0" skipped="0" time="60.000" timestamp="2025-05-01T10:00:00.000Z">',
    );
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain(
      '<testcase classname="fleetstorm.thresholds.fixture-smart-sensors" name="connect.p99 &lt; 500ms" time="0"></testcase>',
    );
    expect(xml).toContain('<property name="interrupted" value="false"/>');
    expect(xml).toContain('<property name="hosts.incomplete" value="1"/>');
  });

  it('puts expected vs actual in the failure of the failed threshold only', () => {
    const p99 = result.summary.latencyMs.endToEnd.p99;
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml).toContain(
      `<testcase classname="fleetstorm.thresholds.fixture-smart-sensors" name="endToEnd.p99 &lt; 100ms" time="0">
      <failure message="expected endToEnd.p99 &lt; 100ms, actual 312.1 ms" type="threshold">expected: endToEnd.p99 &lt; 100ms
actual: 312.1 ms (raw value ${p99})</failure>
    </testcase>`,
    );
  });

  it('escapes hostile names and drops characters XML forbids', () => {
    expect(escapeXml('a<b>&"\'\u0001c')).toBe('a&lt;b&gt;&amp;&quot;&apos;c');
    const evil = renderJUnit(makeResult({ name: '</testsuite><x>"' }));
    expect(evil).toContain('<testsuite name="&lt;/testsuite&gt;&lt;x&gt;&quot;"');
    expect(evil.match(/<testsuite /g)).toHaveLength(1);
    expect(evil.match(/<\/testsuite>/g)).toHaveLength(1);
  });

  it('names the implicit connections.failed gate as implicit', () => {
    const r = makeResult();
    r.thresholds = [{ expr: 'connections.failed == 0', value: 20, ok: false, implicit: true }];
    expect(renderJUnit(r)).toContain('name="connections.failed == 0 (implicit)"');
  });

  it('reports an empty suite when no thresholds were set', () => {
    const r = makeResult();
    r.thresholds = [];
    const out = renderJUnit(r);
    expect(out).toContain('tests="0" failures="0"');
    expect(out).not.toContain('<testcase');
  });
});
