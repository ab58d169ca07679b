// `--events -` on a day-curve run (scenarios/day-curve.yaml, its five stages shortened to 2 s):
// the NDJSON stream holds every stage start and every second of result.json's timeline, in
// order, each second with the same merged figures as the timeline.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it, describe } from 'vitest';
import YAML from 'yaml';
import { readResultFile, REPO, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

interface Line {
  type: string;
  time: number;
  t: number;
  [k: string]: unknown;
}

function shortDayCurve() {
  const s = YAML.parse(readFileSync(path.join(REPO, 'scenarios/day-curve.yaml'), 'utf8')) as Record<string, unknown> & {
    stages: Record<string, unknown>[];
    groups: { name: string; count: number; connectRate?: string }[];
  };
  delete s.metricsPort;
  s.stages = s.stages.map((st) => ({ ...st, duration: '2s', at: undefined }));
  s.groups = s.groups.map((g) => (g.name === 'locks' ? { ...g, count: 60, connectRate: '300/s' } : g));
  s.drain = '1s';
  return JSON.parse(JSON.stringify(s)) as typeof s;
}

describe('--events on a day-curve run', () => {
  it('holds every stage start and every second, in order', async () => {
    const scenario = shortDayCurve();
    const out = tempDir();
    const run = await runCli(['run', writeScenario(scenario), '--out', out, '--quiet', '--events', '-'], { timeoutMs: 90_000 });
    expect(run.stderr).toMatch(/^(no broker named.*\n)?$/);
    expect(run.code).toBe(0);
    const result = readResultFile(out);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    for (const l of lines) {
      expect(typeof l.type).toBe('string');
      expect(l.time).toBeGreaterThan(1.7e12);
      expect(typeof l.t).toBe('number');
    }
    expect(lines[0]!.type).toBe('run');
    expect(lines.filter((l) => l.type === 'host-joined').map((l) => l.host)).toEqual(result.run.hosts.map((h) => h.id));
    expect(lines.at(-1)!.type).toBe('end');

    const stages = lines.filter((l) => l.type === 'stage');
    expect(stages.map((l) => l.name)).toEqual(scenario.stages.map((s) => s.name));
    expect(stages.map((l) => l.index)).toEqual([0, 1, 2, 3, 4]);
    result.run.stages!.forEach((st, k) => expect(Math.abs(stages[k]!.t - st.startMs / 1000)).toBeLessThan(1));

    const seconds = lines.filter((l) => l.type === 'second');
    expect(seconds.map((l) => l.t)).toEqual(result.timeline.map((p) => p.t));
    expect(seconds.map((l) => l.t)).toEqual(seconds.map((_, k) => k + 1));
    for (const [k, p] of result.timeline.entries()) {
      const s = seconds[k]!;
      for (const field of ['connected', 'plannedConnected', 'published', 'acked', 'received'] as const)
        expect(s[field], `${field} at ${p.t}`).toBe(p[field]);
    }
    expect(seconds.some((s) => s.stage === 'evening-peak')).toBe(true);
    // Each second carries the load hosts' own health, the same figures result.json keeps per host.
    for (const h of result.health!)
      h.series.t.forEach((t, k) => {
        const got = (seconds[t - 1]!.hosts as Record<string, { eldP99Ms: number; gcCount: number }>)[h.host]!;
        expect(got.eldP99Ms, `${h.host} at ${t}`).toBe(h.series.eldP99Ms[k]);
        expect(got.gcCount, `${h.host} at ${t}`).toBe(h.series.gcCount[k]);
      });

    // In order: t never goes back from one line to the next (the closing summary aside).
    const timed = lines.slice(0, -1).map((l) => l.t);
    for (let k = 1; k < timed.length; k++) expect(timed[k]!, `line ${k + 1}`).toBeGreaterThanOrEqual(timed[k - 1]!);

    const end = lines.at(-1)! as Line & { messages: { published: number } };
    expect(end.messages.published).toBe(result.summary.messages.published);
  }, 120_000);
});
