// Runs `fleetstorm run` as its own process, the way a user does, with the loop probe preloaded:
// the benchmark can then read the generator's CPU and memory from /proc (the CLI and everything
// it started), follow the run through its --events stream, and read result.json at the end.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { Result } from '../../src/result/types.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROBE = path.join(ROOT, 'bench', 'lib', 'loop-probe.mjs');

export interface CliRun {
  child: ChildProcess;
  pid: number;
  dir: string;
  /** Resolves with the exit code once the CLI exits. */
  done: Promise<number>;
  /** Resolves with the wall-clock time steady state began (from the --events stream). */
  steady(timeoutMs: number): Promise<number>;
  /** Events of one type read so far from the --events file. */
  events(type: string): Record<string, unknown>[];
  result(): Result;
  /** Per-second probe lines of every process and thread. */
  probes(): ProbeLine[];
}

export interface ProbeLine {
  at: number;
  pid: number;
  thread: number;
  eldP50: number;
  eldP99: number;
  eldMax: number;
  gcCount: number;
  gcMs: number;
  gcMaxMs: number;
  heapUsed: number;
}

export interface CliOptions {
  processes?: number;
  threads?: number;
  /** Forward the CLI's progress lines to our stderr. Default true. */
  echo?: boolean;
  extraNodeArgs?: string[];
}

export function runCli(dir: string, scenario: unknown, opts: CliOptions = {}): CliRun {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'scenario.yaml');
  writeFileSync(file, YAML.stringify(scenario));
  const out = path.join(dir, 'out');
  const eventsFile = path.join(dir, 'events.ndjson');
  const probeDir = path.join(dir, 'probe');
  mkdirSync(probeDir, { recursive: true });
  const args = [
    '--import',
    PROBE,
    ...(opts.extraNodeArgs ?? []),
    path.join(ROOT, 'bin', 'fleetstorm.js'),
    'run',
    file,
    '--out',
    out,
    '--events',
    eventsFile,
  ];
  if (opts.processes) args.push('--processes', String(opts.processes));
  if (opts.threads) args.push('--threads', String(opts.threads));
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, FLEETSTORM_BENCH_PROBE_DIR: probeDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    if (opts.echo !== false) process.stderr.write(d);
  });
  process.once('exit', () => child.kill('SIGKILL'));
  const done = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  let exited = false;
  void done.then(() => (exited = true));

  const readEvents = (type: string) => {
    if (!existsSync(eventsFile)) return [];
    return readFileSync(eventsFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes(`"type":"${type}"`))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return {
    child,
    pid: child.pid!,
    dir,
    done,
    events: readEvents,
    async steady(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && !exited) {
        const phase = readEvents('phase').find((e) => e.phase === 'steady');
        if (phase) return phase.time as number;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(exited ? 'fleetstorm exited before steady state' : `no steady state within ${timeoutMs / 1000}s`);
    },
    result: () => JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')) as Result,
    probes: () =>
      readdirSync(probeDir).flatMap((f) =>
        readFileSync(path.join(probeDir, f), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as ProbeLine),
      ),
  };
}
