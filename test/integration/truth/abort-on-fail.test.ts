// Truth: abortOnFail stops a run. A gate nothing can pass (end-to-end p99 under 1 µs) with
// abortOnFail, on a 60 s run: the run stops within the default grace (10 s of steady state)
// plus 2 s, exits 3 and records which gate stopped it and when. Before, it ran all 60 s.

import { expect, it } from 'vitest';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

const scenario = {
  schema: 1,
  name: 'truth-abort-on-fail',
  duration: '60s',
  drain: '1s',
  groups: [
    {
      name: 'sensors',
      count: 20,
      clientId: 'abort-s-{i}',
      connectRate: '200/s',
      publish: [{ topic: 'abort/{i}/t', qos: 1, size: 32, rate: '5/s' }],
    },
    { name: 'backend', count: 1, clientId: 'abort-b-{i}', subscribe: [{ topic: 'abort/+/t', qos: 1 }] },
  ],
  thresholds: { 'endToEnd.p99': { expr: '< 0.001ms', abortOnFail: true }, 'connect.p99': '< 5s' },
};

describeWithMosquitto('truth: abortOnFail', () => {
  const broker = useMosquitto();

  it('stops the run within grace + 2 s, exit 3, aborted recorded', { timeout: 90_000 }, async () => {
    const out = tempDir();
    const started = Date.now();
    const run = await runCli(['run', writeScenario(scenario), '--broker', broker().url, '--out', out], { timeoutMs: 80_000 });
    const wallMs = Date.now() - started;
    expect(run.code, run.stderr).toBe(3);
    const r = readResultFile(out);
    expect(r.aborted?.threshold).toBe('endToEnd.p99 < 0.001ms');
    const afterSteady = r.aborted!.atMs - r.run.steadyStartMs!;
    expect(afterSteady).toBeGreaterThanOrEqual(10_000);
    expect(afterSteady).toBeLessThanOrEqual(12_000);
    // Publishing stopped there: the window ends at the abort, not after 60 s.
    expect(r.run.steadyEndMs! - r.run.steadyStartMs!).toBeLessThanOrEqual(13_000);
    expect(wallMs).toBeLessThan(40_000);
    expect(r.interrupted).toBe(false);
    expect(r.thresholds.find((t) => t.expr === 'endToEnd.p99 < 0.001ms')!.ok).toBe(false);
    expect(run.stderr).toContain('aborted by endToEnd.p99 < 0.001ms');
    console.log(`aborted ${afterSteady} ms after steady start; run ${r.run.durationMs} ms; wall ${wallMs} ms`);
  });
});
