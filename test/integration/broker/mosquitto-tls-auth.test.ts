import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, expect, it } from 'vitest';
import { makeTestCerts } from '../../../src/broker/certs.ts';
import { startMosquitto } from '../../../src/broker/mosquitto.ts';
import { passwordLine, writePasswordFile } from '../../../src/broker/mosquitto-passwd.ts';
import { describeWithMosquitto, describeWithOpenssl } from '../../helpers/brokers.ts';
import { startOracle } from '../../helpers/oracle.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-tls-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describeWithMosquitto('mosquitto with TLS', () => {
  describeWithOpenssl('mutual TLS listener', () => {
    it('accepts a client with a CA-signed certificate on mqtts:// and refuses one without', async () => {
      const certs = makeTestCerts(path.join(scratch, 'certs'));
      const broker = await startMosquitto({
        tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey, requireClientCert: true },
      });
      try {
        expect(broker.tlsUrl).toBe(`mqtts://127.0.0.1:${broker.tlsPort}`);
        const tls = { ca: readFileSync(certs.ca), cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) };
        const oracle = await startOracle(broker.tlsUrl!, ['tls/t'], tls);
        const pub = await connectAsync(broker.url, { reconnectPeriod: 0 }); // plain listener, same broker
        await pub.publishAsync('tls/t', 'over tls', { qos: 1 });
        await pub.endAsync();
        await oracle.waitForTotal(1, 5000);
        expect((await oracle.stop()).perTopic).toEqual({ 'tls/t': 1 });

        const noCert = await connectAsync(broker.tlsUrl!, { ca: tls.ca, reconnectPeriod: 0, connectTimeout: 3000 }).then(
          () => 'connected',
          () => 'refused',
        );
        expect(noCert).toBe('refused');
      } finally {
        await broker.stop();
      }
    });
  });
});

describeWithMosquitto('mosquitto password files', () => {
  it('reads a password file written without mosquitto_passwd ($6$ salted SHA-512)', async () => {
    const file = path.join(scratch, 'builtin-passwd');
    writePasswordFile(file, { carol: 'pa:ss wörd' }, { builtIn: true });
    expect(readFileSync(file, 'utf8')).toMatch(/^carol:\$6\$[A-Za-z0-9+/=]{16}\$[A-Za-z0-9+/=]{88}\n$/);
    const broker = await startMosquitto({ extraConfig: ['allow_anonymous false', `password_file ${file}`] });
    try {
      const ok = await connectAsync(broker.url, { username: 'carol', password: 'pa:ss wörd', reconnectPeriod: 0 });
      await ok.endAsync();
      const bad = await connectAsync(broker.url, { username: 'carol', password: 'pa:ss word', reconnectPeriod: 0 }).then(
        () => null,
        (e: Error & { code?: number }) => e.code,
      );
      expect(bad).toBe(5);
    } finally {
      await broker.stop();
    }
  });

  it('hashes the password followed by the salt', () => {
    const salt = Buffer.from('000102030405060708090a0b', 'hex');
    // sha512("pw" || salt), computed independently with the openssl CLI (openssl dgst -sha512 -binary | base64)
    expect(passwordLine('u', 'pw', salt)).toBe(`u:$6$AAECAwQFBgcICQoL$${EXPECTED_HASH}`);
  });
});

const EXPECTED_HASH = 'nJi904LR9MHJuWsrxoeU9OYCwKeAwjEX7WYcVbBePPtrX4Wvr0lZ3vRYd/exlGmyC2Y9jK1b1PhAE1Rwd9Srdw==';
