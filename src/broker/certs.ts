// Throwaway TLS material for tests: a CA, a server cert for 127.0.0.1/localhost and a client
// cert, all made with the openssl CLI (no extra npm dependency). Never use these anywhere real.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const OPENSSL = 'openssl';

export interface TestCerts {
  ca: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

export function opensslAvailable(): boolean {
  try {
    execFileSync(OPENSSL, ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync(OPENSSL, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '')
      .trim()
      .split('\n')
      .slice(-2)
      .join(' | ');
    throw new Error(`openssl ${args[0]} failed: ${stderr || (err as Error).message}`);
  }
}

// One leaf certificate signed by the CA; `ext` holds the X.509v3 extensions for its role.
function issue(dir: string, name: string, subject: string, ext: string[]): void {
  const extFile = `${name}.ext`;
  writeFileSync(path.join(dir, extFile), ext.join('\n') + '\n');
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-sha256',
      '-extfile',
      extFile,
    ],
    dir,
  );
}

/** Writes ca.pem, server.pem/.key and client.pem/.key into `dir` (created if missing). */
export function makeTestCerts(dir: string): TestCerts {
  if (!opensslAvailable()) throw new Error('openssl not found on PATH; it is needed to make test certificates');
  mkdirSync(dir, { recursive: true });
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-sha256',
      '-subj',
      '/CN=fleetstorm test CA',
    ],
    dir,
  );
  issue(dir, 'server', '/CN=127.0.0.1', [
    'basicConstraints=CA:FALSE',
    'keyUsage=digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  issue(dir, 'client', '/CN=fleetstorm-test-client', [
    'basicConstraints=CA:FALSE',
    'keyUsage=digitalSignature,keyEncipherment',
    'extendedKeyUsage=clientAuth',
  ]);
  const at = (f: string) => path.join(dir, f);
  return {
    ca: at('ca.pem'),
    caKey: at('ca.key'),
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    clientCert: at('client.pem'),
    clientKey: at('client.key'),
  };
}
