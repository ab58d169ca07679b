// result.json is written atomically (temporary file, then rename) so a reader never sees half a
// file, and scrubbed of every secret value as a last line of defence.

import path from 'node:path';
import type { Result } from '../result/types.ts';
import { writeFileAtomic } from '../write-atomic.ts';

export function writeResultFile(result: Result, dir: string, secrets: readonly string[]): string {
  return writeFileAtomic(path.join(dir, 'result.json'), scrub(JSON.stringify(result, null, 2), secrets) + '\n');
}

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    const asJson = JSON.stringify(secret).slice(1, -1);
    out = out.split(asJson).join('[redacted]');
  }
  return out;
}
