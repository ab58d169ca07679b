// Files other tools read (result.json, capacity.json, report.html, baselines) are written
// atomically: a temporary file beside the target, then a rename, so a reader never sees half a
// file and an interrupted write leaves the previous one in place.

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes `data` to `file` (creating its folder) via a temporary file and a rename; returns `file`. */
export function writeFileAtomic(file: string, data: string | Uint8Array): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return file;
}
