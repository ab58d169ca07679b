// Runs the real CLI in a child process, the way a user or CI does.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { Result } from '../../src/result/types.ts';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(REPO, 'bin/fleetstorm.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  const { child, done } = startCli(args, opts);
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
  return done.finally(() => clearTimeout(timer));
}

/**
 * Runs the CLI's entry (`main`) in this process with stdout and stderr captured: the same parse,
 * commands and exit-code mapping as the binary, without paying a node start per call.
 */
export async function runCliInProcess(args: string[]): Promise<CliRun> {
  const { main } = await import('../../src/cli/main.ts');
  const out = { stdout: '', stderr: '' };
  const streams = [
    [process.stdout, 'stdout'],
    [process.stderr, 'stderr'],
  ] as const;
  const saved = streams.map(([stream]) => stream.write.bind(stream));
  for (const [stream, key] of streams) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      out[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }
  let code: number;
  try {
    const returned: unknown = await main(['node', 'fleetstorm', ...args]);
    code = typeof returned === 'number' ? returned : Number(process.exitCode ?? 0);
  } finally {
    streams.forEach(([stream], k) => (stream.write = saved[k]!));
    process.exitCode = undefined;
  }
  return { code, signal: null, ...out };
}

export function tempDir(prefix = 'fleetstorm-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes a scenario object as YAML into a fresh temp dir; returns the file path. */
export function writeScenario(scenario: unknown, dir = tempDir()): string {
  const file = path.join(dir, 'scenario.yaml');
  writeFileSync(file, YAML.stringify(scenario));
  return file;
}

export function readResultFile(dir: string): Result {
  return JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')) as Result;
}
