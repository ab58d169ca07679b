// Files other tools read (result.json, capacity.json, report.html, baselines) are written
// atomically: a temporary file beside the target, then a rename, so a reader never sees half a
// file and an interrupted write leaves the previous one in place. A path that cannot be written
// (a file where a folder should be, no permission, a full disk) is one line a user can act on.

import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.ts';

function cannotWrite(what: string, err: unknown): UsageError {
  const e = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    EEXIST: 'a file is in the way of a folder',
    ENOTDIR: 'part of the path is a file, not a folder',
    EACCES: 'permission denied',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EISDIR: 'it is a folder',
  };
  return new UsageError(`cannot write ${what}: ${reasons[e.code ?? ''] ?? e.code ?? e.message}`);
}

/** Creates `dir` (and its parents) or says in one line why it cannot; commands call it before any work. */
export function ensureDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw cannotWrite(`to ${dir}`, err);
  }
  return dir;
}

/** Writes `data` to `file` (creating its folder) via a temporary file and a rename; returns `file`. */
export function writeFileAtomic(file: string, data: string | Uint8Array): string {
  ensureDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw cannotWrite(file, err);
  }
  return file;
}
