// JUnit XML for CI systems that chart test results: one test case per threshold, so a failed
// gate shows up as a failed test with expected vs actual.

import { fmtMetricValue, splitThresholdExpr } from './html/format.ts';
import type { Result } from '../result/types.ts';
import { implicitNote } from '../gate/format.ts';

/** Escapes text for XML content and double-quoted attributes; drops characters XML 1.0 forbids. */
export function escapeXml(value: unknown): string {
  return (
    String(value ?? '')
      // eslint-disable-next-line no-control-regex -- XML 1.0 allows exactly these characters
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

export function renderJUnit(result: Result): string {
  const name = result.scenario.name;
  const failures = result.thresholds.filter((t) => !t.ok).length;
  const seconds = (result.run.durationMs / 1000).toFixed(3);
  const cases = result.thresholds.map((t) => {
    const { metric, condition } = splitThresholdExpr(t.expr);
    const actual = fmtMetricValue(metric, t.value);
    const head = `    <testcase classname="fleetstorm.thresholds.${escapeXml(name)}" name="${escapeXml(t.expr + implicitNote(t))}" time="0">`;
    if (t.ok) return `${head}</testcase>`;
    const message = `expected ${metric} ${condition}, actual ${actual}`;
    return `${head}
      <failure message="${escapeXml(message)}" type="threshold">expected: ${escapeXml(`${metric} ${condition}`)}
actual: ${escapeXml(actual)}${t.value === null ? '' : ` (raw value ${escapeXml(t.value)})`}</failure>
    </testcase>`;
  });
  const properties = [
    ['interrupted', String(result.interrupted)],
    ['scenario.sha256', result.scenario.sha256],
    ['fleetstorm.version', result.run.version],
    ['hosts.incomplete', String(result.run.hosts.filter((h) => !h.complete).length)],
  ]
    .map(([k, v]) => `      <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="fleetstorm" tests="${result.thresholds.length}" failures="${failures}" errors="0" time="${seconds}">
  <testsuite name="${escapeXml(name)}" tests="${result.thresholds.length}" failures="${failures}" errors="0" skipped="0" time="${seconds}" timestamp="${escapeXml(result.run.startedAt)}">
    <properties>
${properties}
    </properties>
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
