// Fuzz: 200 mutated command lines of `run`, `compare` and `report` (arguments dropped, repeated,
// reordered, junk values, unknown options, files of the wrong kind). Nothing connects: every
// broker named is a closed port. Each ends with a contract exit code within 5 s and no stack
// trace; a run that reaches the network ends with "no client could connect" (exit 1).

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResult } from '../../fixtures/make-result.ts';
import { findFreePort } from '../../helpers/free-port.ts';
import { runCli, runCliInProcess, tempDir, type CliRun } from '../../helpers/cli.ts';
import { fill, mutateArgv, pick, rng } from './mutate.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const LINES = 200;
const SPAWNED = 6;
const LIMIT_MS = 5000;
const STACK = /\n\s+at .+[(:]\d+|internal error|RangeError|TypeError|ReferenceError/;

const EXITS: Record<string, number[]> = { run: [0, 1, 2, 3], compare: [0, 2, 3], report: [0, 2] };

const BASES: Record<string, { argv: string[]; extras: string[][] }> = {
  run: {
    argv: ['run', '{scenario}', '--broker', 'mqtt://127.0.0.1:{port}', '--duration', '1s', '--out', '{out}', '--quiet'],
    extras: [
      ['--threads', '0'],
      ['--threads', '2000'],
      ['--processes', 'x'],
      ['--agents', '0'],
      ['--agents', '2'],
      ['--set', 'groups.g.count=abc'],
      ['--set', 'groups.g.count=0'],
      ['--set', 'nosuch.key=1'],
      ['--set', '='],
      ['--set', 'groups[99].count=1'],
      ['--set', `description=${'['.repeat(3000)}`],
      ['--duration', '5'],
      ['--duration', '-1s'],
      ['--broker', 'http://x'],
      ['--broker', 'mqtt://127.0.0.1:99999'],
      ['--control-listen', 'nope'],
      ['--control', 'mqtt://127.0.0.1:{port}'],
      ['--agent-timeout', 'soon'],
      ['--junit', '{out}/junit.xml'],
      ['--out', '{file}'],
      ['--json'],
      ['{binary}'],
      ['{result}'],
    ],
  },
  compare: {
    argv: ['compare', '{result}', '--baseline', '{other}', '--tolerance', 'default=10%'],
    extras: [
      ['--tolerance', 'endToEnd.p99=abc'],
      ['--tolerance', 'nosuch=5%'],
      ['--tolerance', 'endToEnd.p99'],
      ['--baseline', '{missing}'],
      ['--baseline', '{foreign}'],
      ['--baseline', '{out}'],
      ['--baseline', '{binary}'],
      ['--baseline', '{scenario}'],
      ['--save-baseline', '{out}/saved.json'],
      ['--save-baseline', '{file}/x.json'],
      ['--allow-other-scenario'],
      ['--json'],
    ],
  },
  report: {
    argv: ['report', '{result}', '--out', '{out}', '--no-png'],
    extras: [['--baseline', '{other}'], ['--baseline', '{missing}'], ['--baseline', '{binary}'], ['--out', '{file}'], ['{scenario}']],
  },
};

describe(`fuzz: ${LINES} mutated command lines of run, compare and report (seed ${SEED})`, () => {
  const dir = tempDir('fleetstorm-fuzz-argv-');
  const values: Record<string, string> = {};
  const tally = new Map<string, number>();
  let slowest = 0;
  let slowestSpawn = 0;
  const started = Date.now();
  const cwd = process.cwd();

  beforeAll(async () => {
    const port = await findFreePort(); // nothing listens there: every connect is refused
    const scenario = path.join(dir, 'closed-port.yaml');
    writeFileSync(
      scenario,
      YAML.stringify({
        schema: 1,
        name: 'fuzz-closed-port',
        duration: '1s',
        drain: '0s',
        broker: { url: `mqtt://127.0.0.1:${port}`, connectTimeout: '1s' },
        groups: [{ name: 'g', count: 3, clientId: 'fuzz-{i}', connectRate: '1000/s', publish: [{ topic: 'f/{i}', qos: 1, rate: '1/s' }] }],
      }),
    );
    const result = path.join(dir, 'result.json');
    writeFileSync(result, JSON.stringify(makeResult()));
    const other = path.join(dir, 'other.json');
    const onOtherBroker = makeResult();
    onOtherBroker.run.brokers = ['mqtt://10.9.8.7:1883'];
    writeFileSync(other, JSON.stringify(onOtherBroker));
    const foreign = path.join(dir, 'foreign.json');
    writeFileSync(foreign, JSON.stringify({ ...makeResult(), scenario: { name: 'another', sha256: 'x' } }));
    const binary = path.join(dir, 'noise.bin');
    writeFileSync(binary, Buffer.from(Array.from({ length: 3000 }, (_, k) => (k * 131) % 256)));
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    Object.assign(values, { scenario, result, other, foreign, binary, file, port: String(port), missing: path.join(dir, 'missing.json') });
    // Default output folders (an --out dropped by a mutation) land in the temp dir, not the repo.
    process.chdir(dir);
    // Loads the modules a run needs once, so the first timed line does not pay for the imports.
    const warm = await runCliInProcess(fill(BASES.run!.argv, { ...values, out: path.join(dir, 'warm') }));
    expect(warm.code).toBe(1);
  }, 60_000);

  afterAll(() => {
    process.chdir(cwd);
    const codes = [...tally].map(([k, n]) => `${k}: ${n}`).join(', ');
    process.stdout.write(
      `fuzz command lines: ${LINES} lines (seed ${SEED}) — ${codes}; slowest ${slowest} ms in process, ${slowestSpawn} ms spawned; ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s in all\n`,
    );
  });

  const line = (n: number) => {
    const r = rng(SEED * 7919 + n);
    const command = pick(r, Object.keys(BASES));
    const base = BASES[command]!;
    const out = path.join(dir, `out-${n}`);
    mkdirSync(out, { recursive: true });
    const argv = fill(mutateArgv(r, base.argv, base.extras), { ...values, out });
    return { command, argv: fill(argv, { ...values, out }) };
  };

  const check = (command: string, argv: string[], run: CliRun, ms: number, limitMs: number) => {
    const where = `${argv.map((a) => (a.length > 60 ? `${a.slice(0, 57)}...` : a)).join(' ')} (FUZZ_SEED=${SEED})\n${run.stderr.slice(0, 2000)}`;
    tally.set(`${command} exit ${run.code}`, (tally.get(`${command} exit ${run.code}`) ?? 0) + 1);
    expect(EXITS[command], where).toContain(run.code);
    expect(run.stderr + run.stdout, where).not.toMatch(STACK);
    expect(ms, where).toBeLessThan(limitMs);
    if (run.code === 1)
      expect(run.stderr, where).toMatch(/fleetstorm: no client could connect to mqtt:\/\/127\.0\.0\.1:\d+ \(tcp:ECONNREFUSED\)/);
    if (run.code === 2) expect(run.stderr, where).toMatch(/^(fleetstorm: |error: |Usage: )/m);
  };

  it('each ends with a contract exit code within 5 s, without a stack trace (in process)', async () => {
    for (let n = 0; n < LINES; n++) {
      const { command, argv } = line(n);
      const t0 = performance.now();
      const run = await runCliInProcess(argv);
      const ms = Math.round(performance.now() - t0);
      slowest = Math.max(slowest, ms);
      if (process.env.FUZZ_DEBUG) process.stderr.write(`${command} ${run.code} ${ms}ms ${argv.slice(1).join(' ').slice(0, 200)}\n`);
      check(command, argv, run, ms, LIMIT_MS);
    }
    expect([...tally.keys()].some((k) => k.startsWith('run exit 1'))).toBe(true);
  }, 240_000);

  it('a spawned sample behaves the same as the binary', async () => {
    const queue = Array.from({ length: SPAWNED }, (_, k) => Math.floor((k * LINES) / SPAWNED) + 3);
    const worker = async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        const { command, argv } = line(n);
        const t0 = performance.now();
        const run = await runCli(argv, { cwd: dir, timeoutMs: 60_000 });
        const ms = Math.round(performance.now() - t0);
        slowestSpawn = Math.max(slowestSpawn, ms);
        // Wall time here is mostly node start-up on a shared machine; the in-process pass bounds
        // the command's own time. A hung process still fails (killed at 60 s → code null).
        check(command, argv, run, ms, 60_000);
        expect(run.signal).toBeNull();
      }
    };
    await Promise.all([worker(), worker()]);
  }, 240_000);
});
