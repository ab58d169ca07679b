// How many sockets one process may hold. Every connection is a file descriptor, and the open-file
// limit cannot be raised past its hard value without privileges, so a fleet larger than one
// process's limit has to be spread over several processes.

import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Descriptors kept back per process for stdio, IPC, worker threads, libuv and the odd file. */
export const FD_RESERVE = 1000;

/** Parses the "Max open files" line of /proc/<pid>/limits → the soft limit (Infinity for "unlimited"). */
export function parseOpenFileLimit(limitsText: string): number | null {
  const line = limitsText.split('\n').find((l) => l.startsWith('Max open files'));
  if (!line) return null;
  const soft = line.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === 'unlimited') return Infinity;
  const n = Number(soft);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/**
 * This process's open-file limit. Node raises its soft limit to the hard one at start-up, and a
 * child inherits it, so this is what every local agent process gets too.
 */
export function openFileLimit(): number {
  try {
    const n = parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
    if (n !== null) return n;
  } catch {
    // not Linux: fall through to the shell
  }
  try {
    const text = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    if (text === 'unlimited') return Infinity;
    const n = Number(text);
    if (Number.isFinite(n) && n > 0) return n;
  } catch {
    // no shell either
  }
  return 1024; // the common default, and the safe guess
}

/** The limit as an agent tells its coordinator (JSON has no Infinity): 0 means no limit to check. */
export function advertisedFileLimit(): number {
  const limit = openFileLimit();
  return Number.isFinite(limit) ? limit : 0;
}

/** Client connections one process may hold under `limit`. */
export function clientsPerProcess(limit = openFileLimit()): number {
  return Math.max(1, limit - FD_RESERVE);
}
