// Truth: the broker cross-check compares like with like. fleetstorm's figures beside the deltas of
// Mosquitto's own $SYS counters between its samples inside the same window; peak connected
// against peak connected; with too few samples (Mosquitto's default sys_interval 10) it says so
// instead of printing 0. Before: "0 msgs received" beside 2,498 published, and totals marked red
// on a passing run.

import { expect, it } from 'vitest';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

const SENSORS = 20;
const scenario = (duration: string) => ({
  schema: 1,
  name: 'truth-broker-cross-check',
  duration,
  drain: '1s',
  groups: [
    {
      name: 'sensors',
      count: SENSORS,
      clientId: 'xcheck-{i}',
      connectRate: '400/s',
      publish: [{ topic: 'xcheck/{i}/t', qos: 1, size: 32, rate: '10/s' }],
    },
  ],
});

describeWithMosquitto('truth: broker cross-check, sys_interval 1', () => {
  const broker = useMosquitto({ sysInterval: 1 });

  it('agrees with the broker on the same span, and flags nothing on a clean run', { timeout: 60_000 }, async () => {
    const out = tempDir();
    const run = await runCli(['run', writeScenario(scenario('6s')), '--broker', broker().url, '--out', out, '--report'], {
      timeoutMs: 50_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const r = readResultFile(out);
    const h = r.broker!.highlights;
    // Mosquitto updates $SYS when more than sys_interval whole seconds have passed: every 2 s here.
    expect(h.sampleIntervalSec).toBe(2);
    // Peak against peak: the broker's count without the monitor's own connection.
    expect(h.connected! - h.monitorClients!).toBe(r.summary.connections.peakConcurrent);
    // Counter deltas between the first and last sample inside the steady window.
    const span = h.steadySamples!;
    expect(span.fromSec).toBeGreaterThanOrEqual(r.run.steadyStartMs! / 1000);
    expect(span.toSec).toBeLessThanOrEqual(r.run.steadyEndMs! / 1000);
    expect(span.toSec - span.fromSec).toBeGreaterThanOrEqual(3);
    // 200/s planned; the broker's rate over its own samples is within one second's worth at each edge.
    expect(Math.abs(h.messagesReceivedPerSec! - r.summary.throughput.publishedPerSec)).toBeLessThanOrEqual(
      (2 * 200) / (span.toSec - span.fromSec),
    );
    expect(run.stderr).toContain(`broker says: clients connected (peak) ${SENSORS} (fleetstorm ${SENSORS})`);
    expect(run.stderr).not.toContain('disagree');
    expect(run.stderr).not.toContain('not enough broker samples');
  });
});

describeWithMosquitto('truth: broker cross-check, default sys_interval 10', () => {
  const broker = useMosquitto();

  it('says there are not enough broker samples instead of printing 0', { timeout: 60_000 }, async () => {
    const out = tempDir();
    const run = await runCli(['run', writeScenario(scenario('10s')), '--broker', broker().url, '--out', out], { timeoutMs: 50_000 });
    expect(run.code, run.stderr).toBe(0);
    const h = readResultFile(out).broker!.highlights;
    expect(h.messagesReceivedPerSec).toBeUndefined();
    expect(h.notEnoughSamples).toBe('not enough broker samples: sys_interval 10 s (a $SYS update every 11 s)');
    expect(run.stderr).toContain('rate in (steady state): not enough broker samples: sys_interval 10 s (a $SYS update every 11 s)');
    expect(run.stderr).not.toMatch(/rate in \(steady state\) 0\/s/);
    expect(run.stderr).not.toContain('disagree');
  });
});
