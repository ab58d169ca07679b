import { execFileSync } from 'node:child_process';
import { createECDH, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecPrivateKeyPkcs8 } from '../../../src/certs/device-cert.ts';
import { scanInventory, readInventoryBlock, loadTlsIdentity } from '../../../src/certs/inventory.ts';
import { fleetClientIds, mintFleet, type MintSummary } from '../../../src/certs/mint.ts';
import { UsageError } from '../../../src/errors.ts';
import { tempDir } from '../../helpers/cli.ts';

const scratch = tempDir('fleetstorm-certs-unit-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const NOW = new Date();
const DEVICES = 40;

describe('mintFleet in this thread', () => {
  const out = path.join(scratch, 'fleet');
  let summary: MintSummary;
  let ca: X509Certificate;
  beforeAll(async () => {
    summary = await mintFleet({
      outDir: out,
      devices: DEVICES,
      clientId: { template: 'lock-{i}', group: 'g', seed: 1 },
      days: 7,
      threads: 0,
      now: NOW,
    });
    ca = new X509Certificate(readFileSync(path.join(out, 'ca.pem')));
  });

  it('writes an inventory that lists every device with its own files, in order', async () => {
    expect(summary).toMatchObject({ devices: DEVICES, threads: 0, inventory: path.join(out, 'devices.csv') });
    const lines = readFileSync(summary.inventory, 'utf8').split('\n');
    expect(lines[0]).toBe('clientId,username,password,cert,key');
    expect(lines[1]).toBe('lock-0,,,devices/000/0.pem,devices/000/0.key');
    expect(lines.length).toBe(DEVICES + 2); // header + rows + final newline
    const scan = await scanInventory(summary.inventory);
    expect(scan).toMatchObject({ rows: DEVICES, uses: { username: 0, password: 0, cert: DEVICES, key: DEVICES } });
  });

  it('gives each device a certificate signed by the CA, CN = client id, for its own key', async () => {
    const rows = await readInventoryBlock(summary.inventory, 0, DEVICES);
    const serials = new Set<string>();
    for (const [i, row] of rows.entries()) {
      const { cert, key } = loadTlsIdentity(row)!;
      const device = new X509Certificate(cert);
      expect(device.subject).toBe(`CN=lock-${i}`);
      expect(device.issuer).toBe('CN=fleetstorm test CA');
      expect(device.checkIssued(ca)).toBe(true);
      expect(device.verify(ca.publicKey)).toBe(true);
      expect(device.checkPrivateKey(createPrivateKey(key))).toBe(true);
      expect(device.ca).toBe(false);
      expect(device.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // extended key usage: clientAuth only
      expect(device.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
      serials.add(device.serialNumber);
    }
    expect(serials.size).toBe(DEVICES);
  });

  it('makes every certificate valid from an hour ago for the days asked', () => {
    const device = new X509Certificate(readFileSync(path.join(out, 'devices/000/7.pem')));
    const from = new Date(device.validFrom).getTime();
    const to = new Date(device.validTo).getTime();
    expect(Math.abs(from - (NOW.getTime() - 3600_000))).toBeLessThan(2000);
    expect(to - from).toBe(7 * 86_400_000 + 3600_000);
  });

  it('keeps private keys readable by their owner only', () => {
    expect(statSync(path.join(out, 'ca.key')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(out, 'devices/000/3.key')).mode & 0o777).toBe(0o600);
  });

  it('signs a broker certificate for 127.0.0.1 and localhost with the same CA', () => {
    const server = new X509Certificate(readFileSync(path.join(out, 'server.pem')));
    expect(server.checkIssued(ca) && server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkPrivateKey(createPrivateKey(readFileSync(path.join(out, 'server.key'))))).toBe(true);
    expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(ca.ca).toBe(true);
  });

  it('passes openssl verify, as a broker built on OpenSSL checks it', () => {
    const outText = execFileSync('openssl', ['verify', '-CAfile', 'ca.pem', 'server.pem', 'devices/000/0.pem', 'devices/000/39.pem'], {
      cwd: out,
      encoding: 'utf8',
    });
    expect(outText.trim().split('\n')).toEqual(['server.pem: OK', 'devices/000/0.pem: OK', 'devices/000/39.pem: OK']);
  });

  it('refuses to overwrite earlier certificates without force, and replaces them with it', async () => {
    const again = { outDir: out, devices: 3, clientId: { template: 'x-{i}', group: 'g', seed: 1 }, days: 1, threads: 0 };
    await expect(mintFleet(again)).rejects.toThrow(
      /already holds ca\.pem, ca\.key, server\.pem, server\.key, devices\.csv, devices; use --force/,
    );
    await mintFleet({ ...again, force: true });
    expect((await scanInventory(path.join(out, 'devices.csv'))).rows).toBe(3);
    expect(() => statSync(path.join(out, 'devices/000/39.pem'))).toThrow(/ENOENT/);
  });
});

describe('mintFleet on worker threads', () => {
  it('splits the fleet into blocks of 1000 across the threads and writes every device', async () => {
    const out = path.join(scratch, 'threads');
    const summary = await mintFleet({
      outDir: out,
      devices: 1100,
      clientId: { template: '{group}-{i}', group: 'locks', seed: 1 },
      days: 1,
      threads: 2,
    });
    expect(summary.threads).toBe(2);
    const scan = await scanInventory(summary.inventory); // checks every cert and key file exists
    expect(scan.rows).toBe(1100);
    const [last] = await readInventoryBlock(summary.inventory, 1099, 1);
    const cert = new X509Certificate(loadTlsIdentity(last)!.cert);
    expect(cert.subject).toBe('CN=locks-1099');
    expect(cert.verify(new X509Certificate(readFileSync(path.join(out, 'ca.pem'))).publicKey)).toBe(true);
  }, 120_000);
});

describe('fleetClientIds', () => {
  const spec = (template: string) => ({ template, group: 'locks', seed: 1 });

  it('expands the template as a scenario group does', () => {
    expect(fleetClientIds(spec('{group}-{i}'), 3)).toEqual(['locks-0', 'locks-1', 'locks-2']);
    const random = fleetClientIds(spec('dev-{rand:8}'), 2);
    expect(random[0]).toMatch(/^dev-[0-9a-z]{8}$/i);
    expect(fleetClientIds(spec('dev-{rand:8}'), 2)).toEqual(random); // reproducible from the seed
  });

  it('refuses templates that cannot give every device its own id', () => {
    expect(() => fleetClientIds(spec('lock'), 2)).toThrow(UsageError);
    expect(() => fleetClientIds(spec('lock'), 2)).toThrow('must contain {i} (or {rand:N})');
    expect(() => fleetClientIds(spec('lock-{target}'), 2)).toThrow('{target} is not available here');
    expect(() => fleetClientIds(spec('lock-{rand:1}'), 200)).toThrow(/gives device \d+ the id "lock-.*" of an earlier device/);
  });
});

describe('ecPrivateKeyPkcs8', () => {
  it('pads a scalar that ECDH returned short to 32 bytes, and the key still matches its point', () => {
    let ecdh = createECDH('prime256v1');
    let point = ecdh.generateKeys();
    // About one key in 256 has a leading zero byte; 5000 tries miss one with odds below 1e-8.
    for (let tries = 0; ecdh.getPrivateKey().length === 32 && tries < 5000; tries++) {
      ecdh = createECDH('prime256v1');
      point = ecdh.generateKeys();
    }
    const scalar = ecdh.getPrivateKey();
    expect(scalar.length).toBeLessThan(32);
    const key = createPrivateKey({ key: ecPrivateKeyPkcs8(scalar, point), format: 'der', type: 'pkcs8' });
    const jwk = createPublicKey(key).export({ format: 'jwk' });
    expect(Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')])).toEqual(point);
    expect(Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url')).toEqual(Buffer.concat([Buffer.alloc(32 - scalar.length), scalar]));
  });
});

describe('an output folder with other files in it', () => {
  it('is fine: only what certs writes counts as earlier certificates', async () => {
    const out = path.join(scratch, 'shared');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'scenario.yaml'), 'name: x\n');
    await mintFleet({ outDir: out, devices: 1, clientId: { template: 'd-{i}', group: 'g', seed: 1 }, days: 1, threads: 0 });
    expect(readFileSync(path.join(out, 'scenario.yaml'), 'utf8')).toBe('name: x\n');
  });
});
