// Files a scenario names (the TLS CA, client certificate and key), checked before anything
// connects: each must exist, be readable and parse, so a typo is a validation issue with its
// path rather than an ENOENT from deep inside a run.

import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ValidationIssue } from '../errors.ts';
import type { TlsOptions } from './types.ts';

/** A CA bundle of a few hundred certificates is well under this. */
const MAX_PEM_BYTES = 4 * 1024 * 1024;

type PemKind = 'certificate' | 'key';

const TLS_FILES: { field: 'ca' | 'cert' | 'key'; kind: PemKind }[] = [
  { field: 'ca', kind: 'certificate' },
  { field: 'cert', kind: 'certificate' },
  { field: 'key', kind: 'key' },
];

function readProblem(file: string): { text?: string; problem?: string } {
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) return { problem: 'is a directory, not a file' };
    if (stat.size > MAX_PEM_BYTES) return { problem: `is larger than ${MAX_PEM_BYTES / 1024 / 1024} MB; expected a PEM file` };
    return { text: readFileSync(file, 'latin1') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (code ?? 'cannot be read') };
  }
}

function parseProblem(text: string, kind: PemKind): string | undefined {
  try {
    if (kind === 'certificate') {
      if (!text.includes('-----BEGIN CERTIFICATE-----')) return 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)';
      new X509Certificate(text);
    } else createPrivateKey(text);
    return undefined;
  } catch (err) {
    return `is not a usable PEM ${kind}: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** One issue per TLS file that is missing, unreadable or not PEM; paths resolve from `baseDir`. */
export function checkTlsFiles(tls: TlsOptions | undefined, baseDir: string): ValidationIssue[] {
  if (!tls) return [];
  const issues: ValidationIssue[] = [];
  for (const { field, kind } of TLS_FILES) {
    const named = tls[field];
    if (named === undefined) continue;
    const file = path.resolve(baseDir, named);
    const shown = path.relative(process.cwd(), file) || file;
    const read = readProblem(file);
    const problem = read.problem ?? parseProblem(read.text!, kind);
    if (problem) issues.push({ path: `broker.tls.${field}`, message: `${shown}: ${problem}` });
  }
  return issues;
}
