// The per-second timeline against the clock, on real runs against Mosquitto:
//  - a constant 200/s stream for 30 s: every steady second's `published` within ±10 % of 200,
//    consecutive t values, and the last t no later than ⌈duration⌉ + 1;
//  - a day curve of 500 locks: every stage's per-second `published` within ±15 % of that stage's
//    plan, after its first second (newcomers send from SETTLE_MS after their planned connect).
// Point t covers [runStart + (t−1)·1000, runStart + t·1000); run.steadyStartMs and the stages'
// startMs count from the same runStart, so a second is "steady" when it lies inside the window.
import { expect, it } from 'vitest';
import type { Result } from '../../../src/result/types.ts';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

/** Timeline points whose whole second lies inside [fromMs, toMs) of run time. */
const inside = (r: Result, fromMs: number, toMs: number) => r.timeline.filter((p) => (p.t - 1) * 1000 >= fromMs && p.t * 1000 <= toMs);

describeWithMosquitto('wall-clock timeline', () => {
  const broker = useMosquitto();

  it('a constant 200/s stream shows 200 every steady second, on consecutive seconds', async () => {
    const out = tempDir();
    const file = writeScenario({
      schema: 1,
      name: 'timeline-200',
      duration: '30s',
      groups: [{ name: 'p', count: 100, clientId: 'tl-{i}', publish: [{ topic: 'tl/{i}', qos: 0, size: 32, totalRate: '200/s' }] }],
    });
    const run = await runCli(['run', file, '--broker', broker().url, '--out', out, '--quiet'], { timeoutMs: 90_000 });
    expect(run.code, run.stderr).toBe(0);
    const r = readResultFile(out);
    const ts = r.timeline.map((p) => p.t);
    expect(ts).toEqual(Array.from({ length: ts.length }, (_, k) => ts[0]! + k));
    expect(ts.at(-1)!).toBeLessThanOrEqual(Math.ceil(r.run.durationMs / 1000) + 1);
    const start = r.run.steadyStartMs!;
    const steady = inside(r, start, start + 30_000);
    expect(steady.length).toBeGreaterThanOrEqual(28);
    const off = steady.filter((p) => Math.abs(p.published / 200 - 1) > 0.1).map((p) => `t=${p.t}: ${p.published}`);
    expect(off).toEqual([]);
  }, 120_000);

  it('a day curve of 500 locks publishes each stage at its planned rate', async () => {
    const out = tempDir();
    const file = writeScenario({
      schema: 1,
      name: 'day-curve',
      stages: [
        { name: 'night', duration: '8s', connections: '20%' },
        { name: 'day', duration: '8s', connections: '100%' },
        { name: 'evening', duration: '8s', connections: '40%', rate: 2 },
      ],
      groups: [{ name: 'locks', count: 500, clientId: 'day-{i}', connectRate: '1000/s', publish: [{ topic: 'day/{i}', rate: '0.2/s' }] }],
    });
    const run = await runCli(['run', file, '--broker', broker().url, '--out', out, '--quiet'], { timeoutMs: 90_000 });
    expect(run.code, run.stderr).toBe(0);
    const r = readResultFile(out);
    const plan = [100 * 0.2, 500 * 0.2, 200 * 0.2 * 2];
    const off: string[] = [];
    r.run.stages!.forEach((st, k) => {
      const seconds = inside(r, st.startMs + 1000, st.startMs + st.durationMs);
      expect(seconds.length).toBeGreaterThanOrEqual(5);
      for (const p of seconds) if (Math.abs(p.published / plan[k]! - 1) > 0.15) off.push(`${st.name} t=${p.t}: ${p.published}`);
    });
    expect(off).toEqual([]);
  }, 120_000);
});
