import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { certsCommand } from '../../../src/cli/certs.ts';
import { buildProgram } from '../../../src/cli/main.ts';
import { UsageError } from '../../../src/errors.ts';
import { readClientIds } from '../../../src/certs/inventory.ts';
import { tempDir } from '../../helpers/cli.ts';

const dir = tempDir('fleetstorm-certs-cli-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fleetstorm certs flags', () => {
  it.each([
    [{ out: dir }, '--devices <n> is required'],
    [{ devices: '3' }, '--out <dir> is required'],
    [{ devices: '0', out: dir }, '--devices must be a whole number from 1 to 10000000, got "0"'],
    [{ devices: '2.5', out: dir }, '--devices must be a whole number from 1 to 10000000, got "2.5"'],
    [{ devices: '3', out: dir, days: '0' }, '--days must be a whole number from 1 to 36500, got "0"'],
    [{ devices: '3', out: dir, threads: 'many' }, '--threads must be a whole number from 0 to 64, got "many"'],
    [{ devices: '3', out: dir, clientId: 'lock' }, '--client-id "lock" must contain {i} (or {rand:N}) so devices get distinct ids'],
  ])('refuses %j as a usage error', async (flags, message) => {
    const err = await certsCommand(flags).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(message);
  });

  it('parses argv through the option table: defaults, --group, repeatable --server-name', async () => {
    const out = path.join(dir, 'fleet');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let printed = '';
    try {
      const program = buildProgram();
      await program.parseAsync(
        ['certs', '--devices', '3', '--out', out, '--group', 'locks', '--server-name', 'broker.test', '--server-name', '10.0.0.1'],
        {
          from: 'user',
        },
      );
      printed = write.mock.calls.map((c) => String(c[0])).join('');
    } finally {
      write.mockRestore();
    }
    expect(process.exitCode ?? 0).toBe(0);
    expect(await readClientIds(path.join(out, 'devices.csv'), 3)).toEqual(['locks-0', 'locks-1', 'locks-2']);
    const server = new (await import('node:crypto')).X509Certificate(readFileSync(path.join(out, 'server.pem')));
    expect(server.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost, DNS:broker.test, IP Address:10.0.0.1');
    expect(printed).toMatch(/^minted 3 device certificates in [\d.]+ s in one thread \(EC P-256, CN = client id\)\n/);
    expect(printed).toContain('for 127.0.0.1, localhost, broker.test, 10.0.0.1');
  });
});
