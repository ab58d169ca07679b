// `fleetstorm compare` as a user meets it: either kind of file on either side, a baseline of
// another scenario refused, the broker of each side named, units printed, bad tolerances and a
// closed pipe ending without a stack trace.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../../../src/result/types.ts';
import { makeResult } from '../../fixtures/make-result.ts';
import { BIN, REPO, runCliInProcess, tempDir } from '../../helpers/cli.ts';

const dir = tempDir('fleetstorm-compare-');

function resultFile(name: string, edit: (r: Result) => void = () => {}): string {
  const r = makeResult();
  edit(r);
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(r));
  return file;
}

const current = resultFile('current');
const sameOnOtherBroker = resultFile('other-broker', (r) => {
  r.run.brokers = ['mqtts://10.1.2.3:8883'];
  r.run.brokerVersion = 'mosquitto version 2.0.18';
  (r.scenario.resolved as { broker: unknown }).broker = { url: 'mqtts://10.1.2.3:8883', tls: { ca: './ca.pem' } };
});
const otherScenario = resultFile('quickstart', (r) => {
  r.scenario.name = 'smart-home-quickstart';
});
const otherCount = resultFile('other-count', (r) => {
  (r.scenario.resolved as { groups: { count: number }[] }).groups[0]!.count = 13000;
});

describe('fleetstorm compare', () => {
  it('takes a plain result.json as the baseline, names both brokers, prints units, leaves out empty rows', async () => {
    const run = await runCliInProcess(['compare', current, '--baseline', sameOnOtherBroker]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `baseline: ${sameOnOtherBroker} (result): scenario fixture-smart-sensors, broker mqtts://10.1.2.3:8883 (mosquitto version 2.0.18)`,
    );
    expect(run.stdout).toContain(`current:  ${current} (result): scenario fixture-smart-sensors, broker mqtt://127.0.0.1:18830`);
    expect(run.stdout).toMatch(/^metric +unit +baseline +current/m);
    expect(run.stdout).toMatch(/^endToEnd\.p99 +ms /m);
    expect(run.stdout).toMatch(/^throughput\.publishedPerSec +msg\/s /m);
    // The fixture sends no commands: no commandRoundTrip rows at all.
    expect(run.stdout).not.toContain('commandRoundTrip');
    expect(run.stdout).not.toContain('no data');
  });

  it('saves a baseline and compares against it, either way round', async () => {
    const saved = path.join(dir, 'saved-baseline.json');
    expect((await runCliInProcess(['compare', current, '--save-baseline', saved])).code).toBe(0);
    const run = await runCliInProcess(['compare', current, '--baseline', saved]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`baseline: ${saved} (baseline)`);
    expect((await runCliInProcess(['compare', saved, '--baseline', current])).code).toBe(0);
  });

  it('refuses a baseline of another scenario or workload (exit 2) unless --allow-other-scenario', async () => {
    const saved = path.join(dir, 'quickstart-baseline.json');
    await runCliInProcess(['compare', otherScenario, '--save-baseline', saved]);
    const refused = await runCliInProcess(['compare', current, '--baseline', saved]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'fleetstorm: the baseline ran scenario "smart-home-quickstart", this result "fixture-smart-sensors": not a baseline for it (--allow-other-scenario compares anyway)\n',
    );
    const count = await runCliInProcess(['compare', current, '--baseline', otherCount]);
    expect(count.code).toBe(2);
    expect(count.stderr).toMatch(/another workload of "fixture-smart-sensors" \(groups\[0\]\.count: 13000 → 2000\)/);
    const allowed = await runCliInProcess(['compare', current, '--baseline', saved, '--allow-other-scenario']);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/^warning: the baseline ran scenario "smart-home-quickstart"/);
  });

  it('a bad --tolerance is a usage error naming the option, without a stack', async () => {
    for (const bad of ['endToEnd.p99=abc', 'endToEnd.p99', 'nosuch.metric=5%']) {
      const run = await runCliInProcess(['compare', current, '--baseline', current, '--tolerance', bad]);
      expect(run.code, bad).toBe(2);
      expect(run.stderr.trim().split('\n')[0], bad).toMatch(/^fleetstorm: (--tolerance|unknown metric)/);
      expect(run.stderr, bad).not.toMatch(/\n\s+at /);
    }
  });

  it('--json into a pipe that is closed (| true) or closes early (| head -1) ends quietly', () => {
    const compare = `"${process.execPath}" "${BIN}" compare "${current}" --baseline "${current}" --json`;
    const closed = spawnSync('bash', ['-c', `${compare} | true; exit \${PIPESTATUS[0]}`], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(closed.stderr).toBe('');
    expect(closed.status).toBe(0);
    const head = spawnSync('bash', ['-c', `${compare} | head -1`], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(head.stdout).toBe('{\n');
    expect(head.stderr).toBe('');
  });
});
