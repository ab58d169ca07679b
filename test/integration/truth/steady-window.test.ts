// Truth: steady-state throughput counts only the steady window. 400 devices connect at 40/s and
// each publishes one onConnect message, then the group publishes 200/s for 30 s. Before the
// steady window existed publishedPerSec was (6,000 + 400) / 30 = 213.333. Checked against the
// broker's own $SYS/broker/publish/messages/received counter (sys_interval 1) over the window.

import { expect, it } from 'vitest';
import type { Point } from '../../../src/result/broker-side.ts';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

const RATE = 200;
const scenario = {
  schema: 1,
  name: 'truth-steady-window',
  duration: '30s',
  drain: '1s',
  groups: [
    {
      name: 'devices',
      count: 400,
      clientId: 'steady-{i}',
      connectRate: '40/s',
      publish: [
        { topic: 'steady/{i}/hello', qos: 0, size: 32, onConnect: true },
        { topic: 'steady/{i}/t', qos: 0, size: 32, totalRate: `${RATE}/s` },
      ],
    },
  ],
};

/** The counter's increase per second between its first and last sample inside [from, to] (s). */
function rateInside(points: Point[], from: number, to: number): { rate: number; span: number } {
  const inside = points.filter(([t]) => t >= from && t <= to);
  const first = inside[0]!;
  const last = inside[inside.length - 1]!;
  return { rate: (last[1] - first[1]) / (last[0] - first[0]), span: last[0] - first[0] };
}

describeWithMosquitto('truth: one steady window', () => {
  const broker = useMosquitto({ sysInterval: 1 });

  it('publishedPerSec is the steady rate, and the broker counted the same over the window', { timeout: 120_000 }, async () => {
    const out = tempDir();
    const run = await runCli(['run', writeScenario(scenario), '--broker', broker().url, '--out', out], { timeoutMs: 110_000 });
    expect(run.code, run.stderr).toBe(0);
    const r = readResultFile(out);
    const s = r.summary;
    // Totals keep the connect phase: every onConnect message is in `published`.
    expect(s.messages.published).toBeGreaterThanOrEqual(400 + RATE * 29);
    // The rate does not: within 0.5 % of the plan (it was 213.333).
    expect(Math.abs(s.throughput.publishedPerSec - RATE) / RATE).toBeLessThan(0.005);
    expect(r.run.steadySeconds).toBeGreaterThanOrEqual(29);
    // The rates cover the exact window (the engine's own record); the timeline labels its whole seconds.
    const steadyPoints = r.timeline.filter((p) => p.phase === 'steady').length;
    expect(steadyPoints).toBeGreaterThanOrEqual(Math.floor(r.run.steadySeconds!) - 1);
    expect(steadyPoints).toBeLessThanOrEqual(Math.ceil(r.run.steadySeconds!));
    expect(r.timeline.some((p) => p.phase === 'before')).toBe(true);

    // The broker's own counter over the same window, read from its $SYS samples (about one a second).
    const series = r.broker!.sources[0]!.series['$SYS/broker/publish/messages/received']!;
    const { rate, span } = rateInside(series, r.run.steadyStartMs! / 1000, r.run.steadyEndMs! / 1000);
    expect(span).toBeGreaterThan(25);
    // Sampling resolution: each $SYS sample's time is known to about ±0.25 s, at both ends.
    const resolution = (RATE * 0.5) / span;
    expect(Math.abs(rate - s.throughput.publishedPerSec), `broker ${rate}/s over ${span}s`).toBeLessThanOrEqual(resolution);
    console.log(`publishedPerSec ${s.throughput.publishedPerSec}, broker ${rate.toFixed(3)}/s over ${span.toFixed(2)} s`);
  });
});
