import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BASELINE_SCHEMA, environmentDiffs, environmentOf, makeBaseline, readBaseline, readResult } from '../../../src/gate/baseline.ts';
import { ResultFileError } from '../../../src/errors.ts';
import type { Result } from '../../../src/result/types.ts';
import { summary } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'fleetstorm-baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function result(): Result {
  return {
    schema: 'fleetstorm/result@1',
    interrupted: false,
    scenario: { name: 'smart-home', sha256: 'abc' },
    run: {
      startedAt: '2025-01-01T00:00:00.000Z',
      endedAt: '2025-01-01T00:01:00.000Z',
      durationMs: 60_000,
      version: '0.1.0',
      node: 'v20.20.2',
      hosts: [{ id: 'local', kind: 'local', hostname: 'box1', clients: { locks: 10 }, complete: true }],
      brokers: ['mqtt://127.0.0.1:1883'],
      steadyStartMs: 1000,
      steadyEndMs: 61_000,
    },
    summary: summary(),
    groups: { locks: summary() },
    timeline: [],
    histograms: { connect: '', subscribe: '', publishAck: '', endToEnd: '', reconnect: '', commandRoundTrip: '' },
    thresholds: [],
  };
}

function write(name: string, content: string): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ResultFileError);
  return (err as Error).message;
}

describe('baseline files', () => {
  it('round-trips a baseline made from a result', async () => {
    const r = result();
    const env = environmentOf(r, 'mosquitto 2.0.18');
    expect(env).toEqual({
      hostname: 'box1',
      node: 'v20.20.2',
      fleetstormVersion: '0.1.0',
      brokers: ['mqtt://127.0.0.1:1883'],
      brokerVersion: 'mosquitto 2.0.18',
    });
    const b = makeBaseline(r, env, new Date('2025-02-03T04:05:06.000Z'));
    expect(b).toMatchObject({
      schema: BASELINE_SCHEMA,
      savedAt: '2025-02-03T04:05:06.000Z',
      scenario: { name: 'smart-home', sha256: 'abc' },
    });
    const file = write('baseline.json', JSON.stringify(b));
    expect(await readBaseline(file)).toEqual(b);
    expect(environmentDiffs(b, env)).toEqual([]);
    expect(environmentDiffs(b, { ...env, hostname: 'ci-7', node: 'v22.1.0', brokerVersion: undefined })).toEqual([
      'host differs: baseline box1, now ci-7',
      'node differs: baseline v20.20.2, now v22.1.0',
    ]);
  });

  it('reads a result file', async () => {
    expect((await readResult(write('result.json', JSON.stringify(result())))).scenario.name).toBe('smart-home');
  });
});

describe('unusable files give one clear line', () => {
  it('missing file, directory, corrupt JSON, not an object', async () => {
    expect(await errorOf(readResult(join(dir, 'nope.json')))).toBe(`cannot read result file ${join(dir, 'nope.json')}: no such file`);
    const sub = join(dir, 'sub');
    mkdirSync(sub);
    expect(await errorOf(readBaseline(sub))).toBe(`cannot read baseline file ${sub}: it is a directory`);
    const corrupt = write('corrupt.json', '{"schema": "fleetstorm/result@1", ');
    const msg = await errorOf(readResult(corrupt));
    expect(msg.startsWith(`result file ${corrupt} is not valid JSON (`)).toBe(true);
    expect(msg).not.toContain('\n');
    expect(await errorOf(readResult(write('array.json', '[]')))).toContain('does not hold a JSON object');
  });

  it('newer, foreign or missing schema; damaged summary', async () => {
    const newer = write('newer.json', JSON.stringify({ ...result(), schema: 'fleetstorm/result@2' }));
    expect(await errorOf(readResult(newer))).toBe(
      `result file ${newer} is from a newer fleetstorm (schema fleetstorm/result@2); this one reads fleetstorm/result@1`,
    );
    const asBaseline = write('result-as-baseline.json', JSON.stringify(result()));
    expect(await errorOf(readBaseline(asBaseline))).toBe(
      `${asBaseline} is not a fleetstorm baseline file (schema fleetstorm/result@1; expected fleetstorm/baseline@1)`,
    );
    const none = write('none.json', '{}');
    expect(await errorOf(readResult(none))).toBe(`${none} is not a fleetstorm result file (no schema field; expected fleetstorm/result@1)`);
    const damaged = write('damaged.json', JSON.stringify({ ...result(), summary: { connections: {} } }));
    expect(await errorOf(readResult(damaged))).toBe(`result file ${damaged} is incomplete: its summary is missing or damaged`);
  });
});
