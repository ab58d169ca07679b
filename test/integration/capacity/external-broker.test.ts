// Capacity search against an external broker: between steps nothing of fleetstorm's own keeps
// the process alive (no embedded broker), so the search must still go on to the next step.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

describeWithMosquitto('capacity against Mosquitto', () => {
  const broker = useMosquitto();

  it('runs every step and states a capacity', async () => {
    const out = tempDir();
    const file = writeScenario({
      schema: 1,
      name: 'cap-external',
      drain: '500ms',
      groups: [
        { name: 'backend', count: 1, subscribe: [{ topic: 'cx/+/s', qos: 1 }] },
        { name: 'devices', count: 20, publish: [{ topic: 'cx/{i}/s', qos: 1, rate: '2/s' }] },
      ],
      capacity: { start: 1, step: 1, maxSteps: 3, hold: '2s' },
      thresholds: { 'messages.lossRate': '== 0' },
    });
    const run = await runCli(['capacity', file, '--broker', broker().url, '--out', out, '--quiet', '--no-warmup']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'capacity.json'), 'utf8'));
    expect(report.steps.map((s: { clients: number; ok: boolean }) => [s.clients, s.ok])).toEqual([
      [21, true],
      [42, true],
      [63, true],
    ]);
  });
});
