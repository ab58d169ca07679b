// Per-device certificates end to end: `fleetstorm certs` mints a CA and 501 device certificates,
// Mosquitto requires a client certificate, takes each device's CN as its user name and lets each
// user write only under home/<its CN>/#. A scenario with `identities: ./certs/devices.csv` runs
// 500 devices through the CLI, each with its own certificate and client id; an MQTT.js oracle,
// logged in with the 501st certificate, counts what the broker delivered. A device holding another
// device's certificate (client id `intruder`, CN lock-1) is denied, and fleetstorm counts it refused.
// One more device carries its certificate and key inline (PEM text in a .jsonl row).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readInventoryBlock, type IdentityRow } from '../../../src/certs/inventory.ts';
import { startMosquitto, type MosquittoHandle } from '../../../src/broker/mosquitto.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';
import { startOracle } from '../../helpers/oracle.ts';

const DEVICES = 500;
const RATE = 1; // per device per second
const dir = tempDir('fleetstorm-identities-mtls-');
const certs = path.join(dir, 'certs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The base64 body of a PEM (what would leak if a key were printed). */
const pemBody = (pem: string) =>
  pem
    .split('\n')
    .filter((line) => line && !line.startsWith('-----'))
    .join('');

describeWithMosquitto('identities: 500 devices with their own certificates against Mosquitto (require_certificate)', () => {
  let broker: MosquittoHandle;
  let rows: IdentityRow[];

  beforeAll(async () => {
    const minted = await runCli(['certs', '--devices', String(DEVICES + 1), '--out', certs, '--client-id', 'lock-{i}'], {
      timeoutMs: 120_000,
    });
    expect(minted.code, minted.stderr).toBe(0);
    rows = await readInventoryBlock(path.join(certs, 'devices.csv'), 0, DEVICES + 1);
    // The intruder: its own client id, lock-1's certificate and key.
    const relative = (file: string) => path.relative(dir, file);
    writeFileSync(path.join(dir, 'intruder.csv'), `clientId,cert,key\nintruder,${relative(rows[1].cert!)},${relative(rows[1].key!)}\n`);
    // Inline PEM (JSONL): the oracle's certificate (CN lock-500) on a device with its own client id.
    const inline = { clientId: 'inline-0', cert: readFileSync(rows[DEVICES].cert!, 'utf8'), key: readFileSync(rows[DEVICES].key!, 'utf8') };
    writeFileSync(path.join(dir, 'inline.jsonl'), JSON.stringify(inline) + '\n');
    const acl = path.join(dir, 'acl');
    writeFileSync(acl, `pattern readwrite home/%u/#\nuser ${rows[DEVICES].clientId}\ntopic read home/#\ntopic read $SYS/#\n`);
    broker = await startMosquitto({
      tls: {
        ca: path.join(certs, 'ca.pem'),
        cert: path.join(certs, 'server.pem'),
        key: path.join(certs, 'server.key'),
        requireClientCert: true,
      },
      extraConfig: ['use_identity_as_username true', `acl_file ${acl}`],
    });
  }, 180_000);

  afterAll(async () => {
    await broker?.stop();
  });

  it('every device connects with its own certificate and publishes under its own id; counts equal the oracle; the intruder is refused', async () => {
    const oracleRow = rows[DEVICES];
    const oracle = await startOracle(broker.tlsUrl!, ['home/#'], {
      qos: 1,
      protocolVersion: 5,
      clientId: oracleRow.clientId,
      ca: readFileSync(path.join(certs, 'ca.pem')),
      cert: readFileSync(oracleRow.cert!),
      key: readFileSync(oracleRow.key!),
    });
    const out = path.join(dir, 'out');
    const file = writeScenario(
      {
        schema: 1,
        name: 'identities-mtls',
        duration: '3s',
        drain: '2s',
        // TLS handshakes on a shared 2-core machine: few at once, and time for each.
        // broker.tls.cert/key (lock-500's, as the oracle's) serve connections without their own
        // identity: here the $SYS monitor. Every device's row overrides it, or the ACL would deny them.
        broker: {
          url: broker.tlsUrl,
          protocol: 5,
          tls: { ca: './certs/ca.pem', cert: path.relative(dir, rows[DEVICES].cert!), key: path.relative(dir, rows[DEVICES].key!) },
          connectTimeout: '30s',
        },
        groups: [
          {
            name: 'locks',
            count: DEVICES,
            identities: './certs/devices.csv',
            connectRate: '100/s',
            maxConnectsInFlight: 25,
            publish: [{ topic: 'home/{clientId}/state', qos: 1, rate: `${RATE}/s` }],
          },
          {
            name: 'intruder',
            count: 1,
            identities: './intruder.csv',
            publish: [{ topic: 'home/{clientId}/state', qos: 1, rate: `${RATE}/s` }],
          },
          {
            name: 'inline',
            count: 1,
            identities: './inline.jsonl',
            publish: [{ topic: `home/${rows[DEVICES].clientId}/{clientId}`, qos: 1, rate: `${RATE}/s` }],
          },
        ],
      },
      dir,
    );
    const started = Date.now();
    const run = await runCli(['run', file, '--out', out, '--report', '--events', path.join(out, 'events.ndjson')], { timeoutMs: 120_000 });
    const wallSeconds = (Date.now() - started) / 1000;
    const seen = await oracle.waitForQuiet(500, 10_000);
    await oracle.stop();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('certificate required'); // the monitor got in with broker.tls's certificate
    const result = readResultFile(out);
    const locks = result.groups.locks;
    const intruder = result.groups.intruder;

    // Every device connected, each with its own identity: the oracle saw exactly the inventory's ids.
    expect(locks.connections).toMatchObject({ attempted: DEVICES, succeeded: DEVICES, failed: 0 });
    const inlineTopic = `home/${rows[DEVICES].clientId}/inline-0`;
    const lockTopics = Object.keys(seen.perTopic).filter((t) => t !== inlineTopic);
    expect(lockTopics.sort()).toEqual(
      rows
        .slice(0, DEVICES)
        .map((r) => `home/${r.clientId}/state`)
        .sort(),
    );
    // Counts equal the oracle's: every acked publish was delivered, nothing else.
    const delivered = lockTopics.reduce((n, t) => n + seen.perTopic[t], 0);
    expect(locks.messages.published).toBeGreaterThanOrEqual(DEVICES);
    expect(locks.messages.acked).toBe(locks.messages.published);
    expect(delivered).toBe(locks.messages.acked);
    expect(seen.tracked.duplicates).toBe(0);

    // The inline-PEM device presented the certificate from its row: its publishes were allowed.
    const inlineGroup = result.groups.inline;
    expect(inlineGroup.connections).toMatchObject({ attempted: 1, succeeded: 1, failed: 0 });
    expect(inlineGroup.messages.acked).toBeGreaterThan(0);
    expect(seen.perTopic[inlineTopic]).toBe(inlineGroup.messages.acked);

    // The intruder connected (a valid certificate) but every publish under its own id was denied.
    expect(intruder.connections).toMatchObject({ attempted: 1, succeeded: 1, failed: 0 });
    expect(intruder.messages.published).toBeGreaterThan(0);
    expect(intruder.messages.refused).toBe(intruder.messages.published);
    expect(intruder.messages.acked).toBe(0);
    expect(intruder.errors).toEqual({ 'puback:not-authorized': intruder.messages.published });
    expect(seen.perTopic['home/intruder/state']).toBeUndefined();

    // No key leaves the machine's files: no output holds a PEM body.
    const outputs = [
      run.stdout,
      run.stderr,
      ...['result.json', 'report.html', 'events.ndjson'].map((f) => readFileSync(path.join(out, f), 'utf8')),
    ];
    for (const row of [rows[0], rows[1], rows[DEVICES - 1], rows[DEVICES]]) {
      const body = pemBody(readFileSync(row.key!, 'utf8'));
      for (const text of outputs) expect(text.includes(body.slice(0, 40))).toBe(false);
    }

    const connect = locks.latencyMs.connect;
    console.log(
      `identities mTLS: ${DEVICES} devices connected (connect p50 ${connect.p50.toFixed(1)} ms, p99 ${connect.p99.toFixed(1)} ms, ` +
        `max ${connect.max.toFixed(1)} ms); published ${locks.messages.published}, acked ${locks.messages.acked}, oracle ${delivered}; ` +
        `intruder refused ${intruder.messages.refused}/${intruder.messages.published}; run took ${wallSeconds.toFixed(1)} s`,
    );
  }, 180_000);

  it('a device whose certificate and key are not a pair fails its connect under its own reason; the others connect', async () => {
    const relative = (file: string) => path.relative(dir, file);
    // lock-3's certificate with lock-4's key: both files exist, so validate accepts the row.
    writeFileSync(
      path.join(dir, 'mixed.csv'),
      `clientId,cert,key\n${rows[2].clientId},${relative(rows[2].cert!)},${relative(rows[2].key!)}\n` +
        `mismatched,${relative(rows[3].cert!)},${relative(rows[4].key!)}\n`,
    );
    const out = path.join(dir, 'out-mixed');
    const file = writeScenario(
      {
        schema: 1,
        name: 'identities-mixed',
        duration: '1s',
        broker: { url: broker.tlsUrl, protocol: 5, tls: { ca: './certs/ca.pem' } },
        groups: [
          { name: 'mixed', count: 2, identities: './mixed.csv', publish: [{ topic: 'home/{clientId}/state', qos: 1, rate: '1/s' }] },
        ],
        thresholds: { 'connections.failed': '<= 1' },
      },
      dir,
    );
    const run = await runCli(['run', file, '--out', out, '--quiet'], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    const mixed = readResultFile(out).groups.mixed;
    expect(mixed.connections).toMatchObject({ attempted: 2, succeeded: 1, failed: 1 });
    expect(mixed.errors).toEqual({ 'tls:unusable-client-certificate': 1 });
  }, 60_000);
});
