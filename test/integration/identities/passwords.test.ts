// A user name / password inventory against a Mosquitto password file: every device logs in with
// its own row, one row's wrong password is refused and counted under the CONNACK reason by name,
// no password appears in any output, and the same inventory split over 2 worker threads or
// 2 processes connects exactly the inventory's client ids (an MQTT.js oracle sees each id's topic).
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../../../src/broker/mosquitto.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';
import { startOracle } from '../../helpers/oracle.ts';

const DEVICES = 60;
const WRONG = 17; // the row whose password the broker does not know
const dir = tempDir('fleetstorm-identities-pw-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  clientId: string;
  username: string;
  password: string;
}

const rows: Row[] = Array.from({ length: DEVICES }, (_, i) => ({
  clientId: `meter-${i}-${randomBytes(3).toString('hex')}`,
  username: `user-${i}`,
  password: `pw-${randomBytes(12).toString('hex')}`,
}));
const ORACLE = { username: 'oracle', password: `pw-${randomBytes(12).toString('hex')}` };
const wrongPassword = `pw-${randomBytes(12).toString('hex')}`;

function scenario(name: string, url: string, count: number, inventory: string): Record<string, unknown> {
  return {
    schema: 1,
    name,
    duration: '2s',
    drain: '2s',
    broker: { url, protocol: 5 },
    groups: [
      {
        name: 'meters',
        count,
        identities: inventory,
        connectRate: '500/s',
        publish: [{ topic: 'pw/{clientId}', qos: 1, rate: '1/s' }],
      },
    ],
    thresholds: { 'connections.failed': '<= 1' },
  };
}

describeWithMosquitto('identities: a user name / password inventory against a Mosquitto password file', () => {
  let broker: MosquittoHandle;

  beforeAll(async () => {
    const users = Object.fromEntries([...rows.map((r) => [r.username, r.password]), [ORACLE.username, ORACLE.password]]);
    broker = await startMosquitto({ users });
    // JSONL with the wrong password in one row; CSV with every password right (for the split runs).
    const jsonl = rows.map((r, i) => JSON.stringify({ ...r, password: i === WRONG ? wrongPassword : r.password })).join('\n');
    writeFileSync(path.join(dir, 'devices.jsonl'), jsonl + '\n');
    writeFileSync(
      path.join(dir, 'devices.csv'),
      ['clientId,username,password', ...rows.map((r) => `${r.clientId},${r.username},${r.password}`)].join('\n') + '\n',
    );
  }, 30_000);

  afterAll(async () => {
    await broker?.stop();
  });

  async function runWith(name: string, inventory: string, flags: string[]) {
    const oracle = await startOracle(broker.url, ['pw/#'], { qos: 1, ...ORACLE });
    const out = path.join(dir, name);
    const file = writeScenario(scenario(name, broker.url, DEVICES, inventory), dir);
    const run = await runCli(['run', file, '--out', out, '--report', '--events', path.join(out, 'events.ndjson'), ...flags], {
      timeoutMs: 60_000,
    });
    const seen = await oracle.waitForQuiet(300, 10_000);
    await oracle.stop();
    return { run, seen, out, result: readResultFile(out) };
  }

  it('every row logs in with its own credentials; the wrong password is refused by name; no password in any output', async () => {
    const { run, seen, out, result } = await runWith('pw-jsonl', './devices.jsonl', []);
    expect(run.code, run.stderr).toBe(0);
    const meters = result.groups.meters;
    expect(meters.connections).toMatchObject({ attempted: DEVICES, succeeded: DEVICES - 1, failed: 1 });
    // Mosquitto 2.0 answers a wrong password under MQTT 5 with 0x87 (0x86 would also be fair).
    expect(meters.errors).toEqual({ 'connack:not-authorized': 1 });
    // The oracle saw every other row's client id, and the refused one's never.
    const ids = rows.filter((_, i) => i !== WRONG).map((r) => `pw/${r.clientId}`);
    expect(Object.keys(seen.perTopic).sort()).toEqual(ids.sort());
    expect(seen.total).toBe(meters.messages.acked);
    expect(meters.messages.acked).toBe(meters.messages.published);

    const outputs = [
      run.stdout,
      run.stderr,
      ...['result.json', 'report.html', 'events.ndjson'].map((f) => readFileSync(path.join(out, f), 'utf8')),
    ];
    for (const secret of [...rows.map((r) => r.password), wrongPassword])
      for (const text of outputs) expect(text.includes(secret), `a password leaked into an output`).toBe(false);
  }, 60_000);

  it.each([
    ['--threads 2', ['--threads', '2'], ['thread-0', 'thread-1']],
    ['--processes 2', ['--processes', '2', '--threads', '1'], ['process-0', 'process-1']],
  ])(
    '%s: each shard connects exactly its rows, and together exactly the inventory',
    async (label, flags, hostIds) => {
      const { run, seen, result } = await runWith(`pw-split-${label.slice(2, 9)}`, './devices.csv', flags);
      expect(run.code, run.stderr).toBe(0);
      expect(result.run.hosts.map((h) => h.clients.meters)).toEqual([DEVICES / 2, DEVICES / 2]);
      expect(result.run.hosts.map((h) => h.id.replace(/\.\d+$/, ''))).toEqual(hostIds);
      const meters = result.groups.meters;
      expect(meters.connections).toMatchObject({ attempted: DEVICES, succeeded: DEVICES, failed: 0 });
      // Each inventory id's topic, equally often: no id twice, none missing, none invented.
      const perDevice = meters.messages.published / DEVICES;
      expect(Number.isInteger(perDevice) && perDevice > 0).toBe(true);
      expect(seen.perTopic).toEqual(Object.fromEntries(rows.map((r) => [`pw/${r.clientId}`, perDevice])));
    },
    60_000,
  );
});
