// The capacity finding in plain words: printed at the end of `fleetstorm capacity`, stored in
// capacity.json and shown at the top of the report's capacity section.

import { fmtFraction, fmtInt, fmtMs, fmtNumber } from '../report/html/format.ts';
import type { Analysis } from './capacity-analysis.ts';
import type { BrokeFirst, CapacityStep, LatencyMetric } from '../result/capacity.ts';

const METRIC_WORDS: Record<LatencyMetric, string> = { 'endToEnd.p99': 'e2e p99', 'connect.p99': 'connect p99' };

export function describeBrokeFirst(b: BrokeFirst | null): string {
  if (!b) return 'nothing identifiable';
  if (b.kind === 'threshold') return `threshold ${b.expr} failed (measured ${b.value === null ? 'nothing' : fmtNumber(b.value)})`;
  const others = b.total - b.count;
  return `${fmtInt(b.count)} × ${b.reason}${others > 0 ? ` (+${fmtInt(others)} other errors)` : ''}`;
}

function stepWords(s: CapacityStep): string {
  return `factor ${fmtFraction(s.factor)}, ${fmtInt(s.clients)} clients`;
}

function latencyWords(s: CapacityStep): string {
  const parts = [];
  if (s.endToEndSamples > 0) parts.push(`e2e p99 ${fmtMs(s.endToEndP99Ms)}`);
  if (s.connectSamples > 0) parts.push(`connect p99 ${fmtMs(s.connectP99Ms)}`);
  return parts.length ? parts.join(', ') : 'no latency measured';
}

export function capacityStatement(a: Analysis, opts: { interrupted: boolean; maxSteps: number; steps: number }): string[] {
  const lines: string[] = [];
  const { lastGood, firstBad, knee, recommendations: rec } = a;
  if (!lastGood) {
    if (firstBad)
      lines.push(`no capacity found: the first step (${stepWords(firstBad)}) already failed: ${describeBrokeFirst(a.brokeFirst)}.`);
    else lines.push('no capacity found: no step ran to its end.');
    return lines;
  }
  lines.push(
    `capacity: ${fmtInt(lastGood.connections)} connections at ${fmtNumber(lastGood.publishedPerSec)} msg/s published, ` +
      `${fmtNumber(lastGood.receivedPerSec)} msg/s received, with ${latencyWords(lastGood)} (${stepWords(lastGood)}).`,
  );
  if (firstBad) {
    lines.push(
      `first bad step: ${stepWords(firstBad)}, ${fmtInt(firstBad.connections)} connected; broke first: ${describeBrokeFirst(a.brokeFirst)}.`,
    );
  } else {
    const why = opts.interrupted ? 'the search was interrupted' : `all ${opts.steps} steps passed`;
    lines.push(`no step failed (${why}): the capacity is at least this; raise capacity.maxSteps or capacity.step to find the limit.`);
  }
  if (knee) {
    lines.push(
      `knee at factor ${fmtFraction(knee.factor)}: ${METRIC_WORDS[knee.metric]} rose from ${fmtMs(knee.fromP99Ms)} to ${fmtMs(knee.p99Ms)} ` +
        `for ${fmtNumber(((knee.factor - knee.fromFactor) / knee.fromFactor) * 100)} % more load (elasticity ${fmtNumber(knee.elasticity)}).`,
    );
  } else {
    lines.push('no knee: latency never rose faster than the knee elasticity between steps.');
  }
  if (rec) {
    const pct = (x: number) => `${fmtNumber(x * 100)} %`;
    let text =
      `monitoring (warn at ${pct(rec.warnAt)} / page at ${pct(rec.pageAt)} of capacity): ` +
      `warn at ${fmtInt(rec.connections.warn)} connections / page at ${fmtInt(rec.connections.page)}; ` +
      `warn at ${fmtNumber(rec.publishedPerSec.warn)} msg/s in / page at ${fmtNumber(rec.publishedPerSec.page)}; ` +
      `warn at ${fmtNumber(rec.receivedPerSec.warn)} msg/s out / page at ${fmtNumber(rec.receivedPerSec.page)}`;
    if (rec.p99) {
      const how = rec.p99.warnMethod === rec.p99.pageMethod ? rec.p99.warnMethod : `${rec.p99.warnMethod} / ${rec.p99.pageMethod}`;
      text += `; ${METRIC_WORDS[rec.p99.metric]} warn at ${fmtMs(rec.p99.warnMs)} / page at ${fmtMs(rec.p99.pageMs)} (latency at factor ${fmtFraction(rec.p99.warnAtFactor)} / ${fmtFraction(rec.p99.pageAtFactor)}, ${how})`;
    }
    lines.push(`${text}.`);
  }
  return lines;
}
