// Password files for mosquitto's `password_file`. mosquitto_passwd is used when installed; without
// it we write the same `$6$` format ourselves (salted SHA-512, which mosquitto 1.5+ reads), so
// tests with users do not depend on a second binary.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';

export const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';

/** One `name:$6$salt$hash` line: base64 salt, base64 SHA-512 of password followed by salt. */
export function passwordLine(name: string, password: string, salt = randomBytes(12)): string {
  const hash = createHash('sha512').update(password, 'utf8').update(salt).digest();
  return `${name}:$6$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export interface WritePasswordFileOptions {
  /** Force the built-in writer even when mosquitto_passwd is installed. */
  builtIn?: boolean;
  passwdBinary?: string;
}

/** Writes `users` (name → password) into `file`, replacing it. */
export function writePasswordFile(file: string, users: Record<string, string>, opts: WritePasswordFileOptions = {}): void {
  for (const name of Object.keys(users)) {
    if (name === '' || name.includes(':')) throw new Error(`mosquitto user name ${JSON.stringify(name)} is not allowed`);
  }
  const binary = opts.passwdBinary ?? MOSQUITTO_PASSWD;
  if (opts.builtIn || !existsSync(binary)) {
    const lines = Object.entries(users).map(([name, pw]) => passwordLine(name, pw));
    writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
    return;
  }
  writeFileSync(file, '', { mode: 0o600 });
  for (const [name, pw] of Object.entries(users)) {
    execFileSync(binary, ['-b', file, name, pw], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
}
