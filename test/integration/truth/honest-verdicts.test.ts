// Truth: a run where clients never connected does not pass. A Mosquitto that accepts only 100
// connections per listener faces 251 clients: the implicit `connections.failed == 0` gate fails
// the run with exit 3 and says so in the console, result.json, JUnit and the HTML report. Before,
// every threshold passed, exit 0, and the badge said "PASSED – every gate passed".

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

const scenario = (thresholds: Record<string, string>) => ({
  schema: 1,
  name: 'truth-honest-verdicts',
  duration: '2s',
  drain: '1s',
  broker: { connectTimeout: '3s' },
  groups: [
    {
      name: 'devices',
      count: 251,
      clientId: 'honest-{i}',
      connectRate: '500/s',
      publish: [{ topic: 'honest/{i}/t', qos: 0, size: 32, rate: '1/s' }],
    },
  ],
  thresholds,
});

describeWithMosquitto('truth: honest verdicts', () => {
  const broker = useMosquitto({ maxConnections: 100 });

  it('fails the implicit connections.failed == 0 gate with exit 3 when clients never connected', { timeout: 90_000 }, async () => {
    const out = tempDir();
    const junit = path.join(out, 'junit.xml');
    const args = ['run', writeScenario(scenario({ 'connect.p99': '< 5s' })), '--broker', broker().url, '--out', out];
    const run = await runCli([...args, '--report', '--junit', junit], { timeoutMs: 80_000 });
    const r = readResultFile(out);
    // At most 100 at once, so at least 151 of 251 failed (counted by the engine, checked against the plan).
    expect(r.summary.connections.succeeded).toBeLessThanOrEqual(100);
    expect(r.summary.connections.failed).toBeGreaterThanOrEqual(151);
    expect(run.code, run.stderr).toBe(3);
    const implicit = r.thresholds.find((t) => t.implicit)!;
    expect(implicit).toEqual({ expr: 'connections.failed == 0', value: r.summary.connections.failed, ok: false, implicit: true });
    expect(run.stderr).toMatch(/FAIL\s+connections\.failed == 0 connections \(implicit\)/);
    expect(readFileSync(junit, 'utf8')).toContain('name="connections.failed == 0 (implicit)"');
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(/data-testid="verdict">(.*?)<\/div>/.exec(html)?.[1]).toBe('<span>FAILED</span><small>1 threshold(s) failed</small>');
    const row = /<tr[^>]*><td><code>connections\.failed<\/code>(.*?)<\/tr>/.exec(html)?.[1];
    expect(row).toBe(
      ` <span class="muted" data-testid="implicit">(implicit)</span></td><td><code>== 0</code></td><td class="num">${r.summary.connections.failed}</td><td class="status fail">FAIL</td>`,
    );
    expect(html.includes('every gate passed')).toBe(false);
  });

  it(
    'leaves the gate to the scenario when it sets its own, and still names the clients that never connected',
    { timeout: 90_000 },
    async () => {
      const out = tempDir();
      const file = writeScenario(scenario({ 'connections.failed': '<= 251' }));
      const run = await runCli(['run', file, '--broker', broker().url, '--out', out, '--report'], { timeoutMs: 80_000 });
      expect(run.code, run.stderr).toBe(0);
      const r = readResultFile(out);
      expect(r.thresholds.map((t) => t.expr)).toEqual(['connections.failed <= 251']);
      const html = readFileSync(path.join(out, 'report.html'), 'utf8');
      expect(/data-testid="verdict">(.*?)<\/div>/.exec(html)?.[1]).toBe(
        `<span>PASSED</span><small>gates passed, but ${r.summary.connections.failed} client(s) never connected</small>`,
      );
    },
  );
});
