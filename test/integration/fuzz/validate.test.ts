// Fuzz: 1,000 mutated scenario files through `fleetstorm validate`. Every one ends with exit 0
// (valid) or 2 (invalid) within 5 s, and no output carries a stack trace or an internal error.
// Most go through the CLI's entry in this process (the same parse, commands and exit codes as
// the binary); a sample is spawned as the real binary to prove the process-level behaviour.
// Seeded: FUZZ_SEED=<n> replays another set; a failure names the file's index and seed.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli, runCliInProcess, tempDir, type CliRun } from '../../helpers/cli.ts';
import { mutatedScenario } from './mutate.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const FILES = 1000;
const SPAWNED = 10;
const LIMIT_MS = 5000;
const STACK = /\n\s+at .+[(:]\d+|internal error|RangeError|TypeError|ReferenceError/;

const dir = tempDir('fleetstorm-fuzz-validate-');
const scenariosDir = path.join(REPO, 'scenarios');
const bases = readdirSync(scenariosDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(path.join(scenariosDir, f), 'utf8'));

function fileFor(n: number): string {
  const sub = path.join(dir, String(n % 10));
  mkdirSync(sub, { recursive: true });
  const file = path.join(sub, `m${n}.yaml`);
  writeFileSync(file, mutatedScenario(SEED, n, bases));
  return file;
}

const tally = { inProcess: new Map<number, number>(), spawned: new Map<number, number>(), slowestMs: 0, slowestSpawnMs: 0 };
const count = (m: Map<number, number>, code: number) => m.set(code, (m.get(code) ?? 0) + 1);

function expectClean(run: CliRun, n: number, ms: number, limitMs: number): void {
  const where = `file #${n} (FUZZ_SEED=${SEED})\n${run.stderr.slice(0, 2000)}`;
  expect([0, 2], where).toContain(run.code);
  expect(run.stderr + run.stdout, where).not.toMatch(STACK);
  expect(ms, where).toBeLessThan(limitMs);
  if (run.code === 2) expect(run.stderr, where).toMatch(/^fleetstorm: /);
  if (run.code === 0) expect(run.stdout, where).toMatch(/: valid \(/);
}

describe(`fuzz: ${FILES} mutated scenarios through fleetstorm validate (seed ${SEED})`, () => {
  const started = Date.now();
  // Loads the CLI's modules once, so the first timed file does not pay for the imports.
  beforeAll(async () => {
    expect((await runCliInProcess(['validate', path.join(scenariosDir, 'quickstart.yaml')])).code).toBe(0);
  }, 60_000);
  afterAll(() => {
    const codes = (m: Map<number, number>) => [...m].map(([c, k]) => `exit ${c}: ${k}`).join(', ');
    process.stdout.write(
      `fuzz validate: ${FILES} files (seed ${SEED}) — in process ${codes(tally.inProcess)}, slowest ${tally.slowestMs} ms; ` +
        `${SPAWNED} spawned ${codes(tally.spawned)}, slowest ${tally.slowestSpawnMs} ms; ${((Date.now() - started) / 1000).toFixed(1)} s in all\n`,
    );
  });

  it('every file ends with exit 0 or 2 within 5 s, without a stack trace (in process)', async () => {
    for (let n = 0; n < FILES; n++) {
      const file = fileFor(n);
      const t0 = performance.now();
      const run = await runCliInProcess(['validate', file]);
      const ms = Math.round(performance.now() - t0);
      tally.slowestMs = Math.max(tally.slowestMs, ms);
      count(tally.inProcess, run.code ?? -1);
      expectClean(run, n, ms, LIMIT_MS);
    }
    // A generator that only produced broken files would prove nothing about valid ones.
    expect(tally.inProcess.get(0) ?? 0).toBeGreaterThan(10);
    expect(tally.inProcess.get(2) ?? 0).toBeGreaterThan(FILES / 2);
  }, 120_000);

  it('a spawned sample behaves the same as the binary a user runs', async () => {
    const sample = Array.from({ length: SPAWNED }, (_, k) => Math.floor((k * FILES) / SPAWNED) + 7);
    const queue = [...sample];
    const worker = async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        const file = fileFor(n);
        const t0 = performance.now();
        const run = await runCli(['validate', file], { timeoutMs: 60_000 });
        const ms = Math.round(performance.now() - t0);
        tally.slowestSpawnMs = Math.max(tally.slowestSpawnMs, ms);
        count(tally.spawned, run.code ?? -1);
        // Wall time here is mostly node and module start-up on a shared machine; the in-process
        // pass bounds validate's own time. A hung process still fails (the 60 s kill → code null).
        expectClean(run, n, ms, 60_000);
        expect(run.signal).toBeNull();
        const inProcess = await runCliInProcess(['validate', file]);
        expect(run.code, `file #${n}`).toBe(inProcess.code);
      }
    };
    await Promise.all([worker(), worker()]);
  }, 180_000);
});
