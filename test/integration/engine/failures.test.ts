// What a user sees when things go wrong: each cause gets a one-line reason in the summary and in
// `errors`, the contract's exit code, and the result file is still written.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCerts } from '../../../src/broker/certs.ts';
import { findFreePort } from '../../../src/broker/free-port.ts';
import { startMosquitto, type MosquittoHandle } from '../../../src/broker/mosquitto.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, startCli, tempDir, writeScenario } from '../../helpers/cli.ts';

const fleet = (extra: Record<string, unknown> = {}, group: Record<string, unknown> = {}) => ({
  schema: 1,
  name: 'failures',
  duration: '2s',
  drain: '1s',
  broker: { connectTimeout: '3s' },
  groups: [{ name: 'devices', count: 20, clientId: 'dev-{i}', connectRate: '200/s', ...group }],
  ...extra,
});

describe('scenario problems are usage errors (exit 2), nothing runs', () => {
  it('lists every mistake with its path, without a stack trace', async () => {
    const file = writeScenario({
      schema: 1,
      name: 'bad',
      duration: 'ten seconds',
      colour: 'blue',
      groups: [
        { name: 'a', count: -5, clientId: 'a-{i}', publish: [{ topic: 'x/{i}', qos: 3, rate: '1/s' }] },
        { name: 'b', count: 'many', clientId: 'b-{i}' },
      ],
    });
    const run = await runCli(['run', file, '--quiet']);
    expect(run.code).toBe(2);
    for (const p of [
      'duration:',
      'colour: unknown key',
      'groups[0].count:',
      'groups[0].publish[0].qos: must be 0, 1 or 2',
      'groups[1].count:',
    ]) {
      expect(run.stderr).toContain(p);
    }
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const validate = await runCli(['validate', file]);
    expect(validate.code).toBe(2);
    expect(validate.stderr).toBe(run.stderr);
  });

  it('a missing scenario file is one line, exit 2', async () => {
    const run = await runCli(['run', '/nonexistent/scenario.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('file not found');
  });

  it('a threshold on an unknown metric is caught before the run', async () => {
    const file = writeScenario(fleet({ thresholds: { 'conect.p99': '< 5ms' } }));
    const run = await runCli(['run', file, '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('thresholds["conect.p99"]');
  });
});

describe('unreachable broker', () => {
  it('exits 1 with tcp:ECONNREFUSED counted per client, and still writes the result', async () => {
    const port = await findFreePort();
    const out = tempDir();
    const file = writeScenario(fleet());
    const run = await runCli(['run', file, '--broker', `mqtt://127.0.0.1:${port}`, '--out', out, '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`fleetstorm: no client could connect to mqtt://127.0.0.1:${port} (tcp:ECONNREFUSED)`);
    const r = readResultFile(out);
    expect(r.summary.connections).toMatchObject({ attempted: 20, succeeded: 0, failed: 20 });
    expect(r.summary.errors).toEqual({ 'tcp:ECONNREFUSED': 20 });
  });
});

describe('the embedded broker', () => {
  it('runs the quickstart with every delivery accounted for', async () => {
    const out = tempDir();
    // Latency gates depend on the machine; this test is about accounting, so they are loosened.
    const loose = ['--set', 'thresholds.connect.p99=< 60s', '--set', 'thresholds.endToEnd.p99=< 60s'];
    const run = await runCli(['run', 'scenarios/quickstart.yaml', '--duration', '3s', '--out', out, '--json', ...loose]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('started the embedded broker (aedes, MQTT 3.1.1)');
    const printed = JSON.parse(run.stdout);
    const r = readResultFile(out);
    expect(printed.summary).toEqual(r.summary);
    expect(r.summary.connections.succeeded).toBe(251);
    // 200 locks × 0.2/s × 3 s + 50/s × 3 s
    expect(r.summary.messages.published).toBe(120 + 150);
    expect(r.summary.messages.expected).toBe(270);
    expect(r.summary.messages.received).toBe(270);
    expect(r.summary.messages.lost).toBe(0);
  });

  it('refuses MQTT 5 clients with a clear reason instead of hanging', async () => {
    const out = tempDir();
    const file = writeScenario(fleet({ broker: { protocol: 5, connectTimeout: '3s' } }));
    const started = Date.now();
    const run = await runCli(['run', file, '--out', out, '--quiet']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('connack:unsupported-protocol-version');
    expect(readResultFile(out).summary.errors).toEqual({ 'connack:unsupported-protocol-version': 20 });
  });

  it('a failed threshold exits 3 after a complete run', async () => {
    const out = tempDir();
    const file = writeScenario(
      fleet({ thresholds: { 'connect.p99': '< 0.001ms', 'connections.failed': '== 0' } }, { publish: [{ topic: 'd/{i}', rate: '1/s' }] }),
    );
    const run = await runCli(['run', file, '--out', out, '--quiet', '--junit', path.join(out, 'junit.xml')]);
    expect(run.code).toBe(3);
    const r = readResultFile(out);
    expect(r.thresholds.map((t) => t.ok)).toEqual([false, true]);
    expect(existsSync(path.join(out, 'junit.xml'))).toBe(true);
  });

  it('Ctrl-C writes what was measured, marked interrupted', async () => {
    const out = tempDir();
    const file = writeScenario(fleet({ duration: '60s' }, { publish: [{ topic: 'd/{i}', qos: 1, rate: '5/s' }] }));
    const { child, done } = startCli(['run', file, '--out', out]);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 20_000;
    while (!stderr.includes('steady state') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const run = await done;
    expect(run.code).toBe(1);
    const r = readResultFile(out);
    expect(r.interrupted).toBe(true);
    expect(r.summary.messages.published).toBeGreaterThan(0);
    expect(r.summary.connections.succeeded).toBe(20);
  });
});

describeWithMosquitto('refused credentials and TLS failures against Mosquitto', () => {
  let broker: MosquittoHandle;
  beforeAll(async () => {
    const certs = makeTestCerts(tempDir('fleetstorm-certs-'));
    broker = await startMosquitto({
      users: { device: 'right-password' },
      tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey },
    });
  });
  afterAll(async () => broker?.stop());

  it('a wrong password is connack:not-authorized (or bad-username-or-password), exit 1, secret never written', async () => {
    const out = tempDir();
    const file = writeScenario(fleet({}, { username: 'device', password: '${env:FS_TEST_PASSWORD}' }));
    const run = await runCli(['run', file, '--broker', broker.url, '--out', out, '--quiet'], {
      env: { FS_TEST_PASSWORD: 'wrong-password-42' },
    });
    expect(run.code).toBe(1);
    const r = readResultFile(out);
    const reasons = Object.keys(r.summary.errors);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^connack:(not-authorized|bad-username-or-password)$/);
    expect(r.summary.errors[reasons[0]]).toBe(20);
    expect(JSON.stringify(r)).not.toContain('wrong-password-42');
  });

  it('the right password connects', async () => {
    const out = tempDir();
    const file = writeScenario(fleet({}, { username: 'device', password: '${env:FS_TEST_PASSWORD}' }));
    const run = await runCli(['run', file, '--broker', broker.url, '--out', out, '--quiet'], {
      env: { FS_TEST_PASSWORD: 'right-password' },
    });
    expect(run.code).toBe(0);
    expect(readResultFile(out).summary.connections.succeeded).toBe(20);
  });

  it('a certificate the client does not trust is a tls: reason, exit 1', async () => {
    const out = tempDir();
    const file = writeScenario(fleet());
    const run = await runCli(['run', file, '--broker', broker.tlsUrl!, '--out', out, '--quiet']);
    expect(run.code).toBe(1);
    const reasons = Object.keys(readResultFile(out).summary.errors);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/^tls:/);
  });
});
