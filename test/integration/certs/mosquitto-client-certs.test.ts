// `fleetstorm certs` against a broker that takes identity from client certificates: Mosquitto
// with require_certificate, use_identity_as_username and an ACL per user. Every device of the
// inventory connects with its own certificate through MQTT.js and publishes under its own id; a
// plain MQTT.js subscriber is the oracle. A device holding another device's certificate is denied.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadTlsIdentity, readInventoryBlock, scanInventory, type IdentityRow } from '../../../src/certs/inventory.ts';
import { startMosquitto, type MosquittoHandle } from '../../../src/broker/mosquitto.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { runCli, tempDir } from '../../helpers/cli.ts';
import { startOracle, type Oracle } from '../../helpers/oracle.ts';

const DEVICES = 500;
/** Connects in flight at once: TLS handshakes on a shared 2-core machine. */
const CONNECT_BATCH = 25;
const NOT_AUTHORIZED = 0x87;

const out = tempDir('fleetstorm-certs-it-');
afterAll(() => rmSync(out, { recursive: true, force: true }));

function connectDevice(
  broker: MosquittoHandle,
  ca: Buffer,
  clientId: string,
  identity: { cert: Buffer; key: Buffer },
): Promise<MqttClient> {
  return connectAsync(broker.tlsUrl!, {
    clientId,
    protocolVersion: 5,
    ca,
    ...identity,
    reconnectPeriod: 0,
    connectTimeout: 20_000,
  });
}

describeWithMosquitto('fleetstorm certs with a Mosquitto that requires client certificates', () => {
  let broker: MosquittoHandle;
  let rows: IdentityRow[];
  let ca: Buffer;
  let oracle: Oracle;
  const devices: MqttClient[] = [];

  beforeAll(async () => {
    const minted = await runCli(['certs', '--devices', String(DEVICES), '--out', out, '--client-id', 'lock-{i}'], { timeoutMs: 120_000 });
    expect(minted.stderr).toBe('');
    expect(minted.code).toBe(0);
    expect(minted.stdout).toMatch(new RegExp(`^minted ${DEVICES} device certificates in [\\d.]+ s`));
    const inventory = path.join(out, 'devices.csv');
    expect(minted.stdout).toContain(`sha256 ${(await scanInventory(inventory)).sha256}`);
    rows = await readInventoryBlock(inventory, 0, DEVICES);
    ca = loadTlsIdentity({ clientId: 'ca', cert: path.join(out, 'ca.pem'), key: path.join(out, 'ca.key') })!.cert;

    const acl = path.join(out, 'acl');
    // Anonymous clients (the oracle, on the plain listener) may read everything under home/;
    // a device (username = its certificate's CN) may use its own subtree only.
    writeFileSync(acl, 'topic read home/#\npattern readwrite home/%u/#\n');
    broker = await startMosquitto({
      tls: { ca: path.join(out, 'ca.pem'), cert: path.join(out, 'server.pem'), key: path.join(out, 'server.key'), requireClientCert: true },
      extraConfig: ['use_identity_as_username true', `acl_file ${acl}`],
    });
    oracle = await startOracle(broker.url, ['home/#'], { qos: 1 });
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled(devices.map((d) => d.endAsync(true)));
    await oracle?.stop();
    await broker?.stop();
  });

  it('connects every device with its own certificate; each publishes under its own id and the oracle sees all', async () => {
    for (let from = 0; from < DEVICES; from += CONNECT_BATCH) {
      const batch = rows.slice(from, from + CONNECT_BATCH);
      devices.push(...(await Promise.all(batch.map((row) => connectDevice(broker, ca, row.clientId, loadTlsIdentity(row)!)))));
    }
    expect(devices.filter((d) => d.connected).length).toBe(DEVICES);
    // A PUBACK with a failure reason code (MQTT 5) rejects publishAsync.
    const published = await Promise.allSettled(
      devices.map((d, i) => d.publishAsync(`home/${rows[i].clientId}/x`, rows[i].clientId, { qos: 1 })),
    );
    expect(published.filter((p) => p.status === 'fulfilled').length).toBe(DEVICES);
    const counts = await oracle.waitForTotal(DEVICES, 30_000);
    const expected = Object.fromEntries(rows.map((row) => [`home/${row.clientId}/x`, 1]));
    expect(counts.perTopic).toEqual(expected);
    expect(counts.total).toBe(DEVICES);
  }, 180_000);

  it("denies a device that holds another device's certificate when it publishes under its own id", async () => {
    // Client id lock-1, certificate of lock-0: the broker knows it as user lock-0.
    const impostor = await connectDevice(broker, ca, rows[1].clientId, loadTlsIdentity(rows[0])!);
    try {
      const denied = await impostor.publishAsync(`home/${rows[1].clientId}/stolen`, 'x', { qos: 1 }).then(
        () => 'delivered',
        (err: Error & { code?: number }) => err.code,
      );
      expect(denied).toBe(NOT_AUTHORIZED);
      // Same connection, the certificate's own subtree: allowed, so the denial was the identity.
      await impostor.publishAsync(`home/${rows[0].clientId}/own`, 'x', { qos: 1 });
      await oracle.waitForTotal(DEVICES + 1, 10_000);
      const counts = await oracle.waitForQuiet(500, 5000);
      expect(counts.perTopic[`home/${rows[0].clientId}/own`]).toBe(1);
      expect(counts.perTopic[`home/${rows[1].clientId}/stolen`]).toBeUndefined();
      expect(counts.total).toBe(DEVICES + 1);
    } finally {
      await impostor.endAsync(true);
    }
  }, 60_000);
});
