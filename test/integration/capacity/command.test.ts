// `capacityCommand` end to end against a real Mosquitto: the files it writes and its exit codes
// (0 capacity found, 3 the first step already failed, 1 no broker reachable).

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { findFreePort } from '../../../src/broker/free-port.ts';
import { startMosquitto, type MosquittoHandle } from '../../../src/broker/mosquitto.ts';
import { capacityCommand } from '../../../src/cli/capacity.ts';
import { exitFor } from '../../../src/cli/exit-codes.ts';
import { RunError } from '../../../src/errors.ts';
import type { CapacityReport } from '../../../src/result/capacity.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { runCliInProcess, tempDir, writeScenario } from '../../helpers/cli.ts';

const fleet = (extra: Record<string, unknown> = {}) => ({
  schema: 1,
  name: 'capacity-cli',
  duration: '60s',
  drain: '500ms',
  broker: { connectTimeout: '2s' },
  groups: [
    { name: 'backend', count: 1, clientId: 'backend-{i}', connectRate: '100/s', subscribe: [{ topic: 'dev/+/state', qos: 1 }] },
    {
      name: 'devices',
      count: 20,
      clientId: 'dev-{i}',
      connectRate: '500/s',
      publish: [{ topic: 'dev/{i}/state', qos: 1, size: 64, rate: '5/s' }],
    },
  ],
  thresholds: { 'messages.lossRate': '== 0' },
  ...extra,
});

describeWithMosquitto('fleetstorm capacity (capacityCommand)', () => {
  let broker: MosquittoHandle;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes capacity.json, each step result and the report; exit 0 when every step passed', async () => {
    const out = tempDir();
    const file = writeScenario(fleet({ capacity: { vary: 'rate', start: 1, step: 1, maxSteps: 2, hold: '5s' } }));
    const code = await capacityCommand(file, { broker: [broker.url], out, quiet: true, hold: 1000 });
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'capacity.json'), 'utf8')) as CapacityReport;
    expect(report.schema).toBe('fleetstorm/capacity@1');
    expect(report.spec).toMatchObject({ vary: 'rate', holdMs: 1000, defaults: false });
    expect(report.steps.map((s) => [s.k, s.factor, s.clients, s.ok, s.resultFile])).toEqual([
      [0, 1, 21, true, path.join('steps', '0', 'result.json')],
      [1, 2, 21, true, path.join('steps', '1', 'result.json')],
    ]);
    expect(report.lastGood?.k).toBe(1);
    expect(report.firstBad).toBeNull();
    expect(report.statement[1]).toContain('no step failed (all 2 steps passed)');
    for (const k of [0, 1]) expect(existsSync(path.join(out, 'steps', String(k), 'result.json'))).toBe(true);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('data-testid="capacity-steps"');
    expect(html).toContain('<canvas id="chart-capacity"');
  }, 30_000);

  it('exit 3 when even the first step fails its gates; defaults announced without a capacity section', async () => {
    const out = tempDir();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const file = writeScenario(fleet({ thresholds: { 'connect.p99': '< 1us' } }));
    const code = await capacityCommand(file, { broker: [broker.url], out, quiet: true, hold: 1000 });
    expect(code).toBe(3);
    expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toContain(
      'has no capacity: section; using the defaults (vary both, factor 0.25 + 0.25/step',
    );
    const report = JSON.parse(readFileSync(path.join(out, 'capacity.json'), 'utf8')) as CapacityReport;
    expect(report.steps).toHaveLength(1);
    expect(report.steps[0]).toMatchObject({ factor: 0.25, clients: 6, ok: false });
    expect(report.brokeFirst).toMatchObject({ kind: 'threshold', expr: 'connect.p99 < 1us' });
    expect(report.lastGood).toBeNull();
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
  }, 30_000);

  it('exit 1 when no broker answers, with capacity.json still written', async () => {
    const out = tempDir();
    const port = await findFreePort();
    const file = writeScenario(fleet({ capacity: { start: 1, maxSteps: 3, hold: '1s' } }));
    const err = await capacityCommand(file, { broker: [`mqtt://127.0.0.1:${port}`], out, quiet: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect(exitFor(err)?.code).toBe(1);
    expect((err as Error).message).toContain('tcp:ECONNREFUSED');
    const report = JSON.parse(readFileSync(path.join(out, 'capacity.json'), 'utf8')) as CapacityReport;
    expect(report.steps).toHaveLength(1);
  }, 30_000);

  it('exit 2 for a bad --hold', async () => {
    const file = writeScenario(fleet());
    const run = await runCliInProcess(['capacity', file, '--broker', broker.url, '--hold', 'soon', '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^fleetstorm: --hold: must be a duration/);
  });
});
