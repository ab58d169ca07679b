import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BASELINE_SCHEMA,
  environmentDiffs,
  environmentOf,
  makeBaseline,
  readComparable,
  readResult,
  scenarioMismatch,
} from '../../../src/gate/baseline.ts';
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
    r.run.brokerVersion = 'mosquitto 2.0.18';
    const fromResult = await readComparable(write('r.json', JSON.stringify(r)));
    expect(fromResult).toMatchObject({ kind: 'result', environment: env });
    const b = makeBaseline(fromResult, new Date('2025-02-03T04:05:06.000Z'));
    expect(b).toMatchObject({
      schema: BASELINE_SCHEMA,
      savedAt: '2025-02-03T04:05:06.000Z',
      scenario: { name: 'smart-home', sha256: 'abc' },
    });
    const file = write('baseline.json', JSON.stringify(b));
    const { file: _f, kind, ...read } = await readComparable(file);
    expect(kind).toBe('baseline');
    expect({ schema: BASELINE_SCHEMA, ...read }).toEqual(b);
    expect(environmentDiffs(b.environment, env)).toEqual([]);
    expect(environmentDiffs(b.environment, { ...env, hostname: 'ci-7', node: 'v22.1.0', brokerVersion: undefined })).toEqual([
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
    expect(await errorOf(readComparable(sub))).toBe(`cannot read result or baseline file ${sub}: it is a directory`);
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
    const foreign = write('foreign.json', JSON.stringify({ ...result(), schema: 'k6/summary' }));
    expect(await errorOf(readComparable(foreign))).toBe(
      `${foreign} is neither a fleetstorm result nor a baseline file (schema "k6/summary"; expected fleetstorm/result@1 or fleetstorm/baseline@1)`,
    );
    const none = write('none.json', '{}');
    expect(await errorOf(readResult(none))).toBe(`${none} is not a fleetstorm result file (no schema field; expected fleetstorm/result@1)`);
    const damaged = write('damaged.json', JSON.stringify({ ...result(), summary: { connections: {} } }));
    expect(await errorOf(readResult(damaged))).toBe(`result file ${damaged} is incomplete: its summary is missing or damaged`);
  });
});

describe('what a baseline is a baseline for', () => {
  const resolved = (over: Record<string, unknown> = {}) => ({
    schema: 1,
    name: 'smart-home',
    seed: 1,
    duration: '60s',
    broker: { url: 'mqtt://10.0.0.1:1883', tls: { ca: './ca.pem' } },
    groups: [{ name: 'locks', count: 200, username: 'u', password: '${env:PW}', publish: [{ topic: 't', qos: 1, size: 96, rate: '1/s' }] }],
    thresholds: { 'connect.p99': '< 1s' },
    ...over,
  });
  const side = async (name: string, res: unknown, scenario = 'smart-home') => {
    const r = result();
    r.scenario = { name: scenario, sha256: name, resolved: res };
    return readComparable(write(`${name}.json`, JSON.stringify(r)));
  };

  it('is the same workload on another broker, with other TLS files, credentials and thresholds', async () => {
    const a = await side('w1', resolved());
    const b = await side('w2', resolved({ broker: { url: 'mqtts://10.0.0.2:8883' }, thresholds: {}, seed: 9 }));
    const c = await side('w3', { ...resolved(), groups: [{ ...resolved().groups[0], username: 'other', password: 'x' }] });
    expect(scenarioMismatch(a, b)).toBeNull();
    expect(scenarioMismatch(a, c)).toBeNull();
    expect(scenarioMismatch(await readComparable(write('wb.json', JSON.stringify(makeBaseline(a)))), b)).toBeNull();
  });

  it('refuses another scenario name, or another count, rate, size, QoS or duration', async () => {
    const a = await side('x1', resolved());
    expect(scenarioMismatch(a, await side('x2', resolved(), 'smart-home-quickstart'))).toBe(
      'the baseline ran scenario "smart-home", this result "smart-home-quickstart"',
    );
    const group = resolved().groups[0]!;
    const variants: [Record<string, unknown>, string][] = [
      [{ groups: [{ ...group, count: 13000 }] }, 'groups[0].count: 200 → 13000'],
      [{ groups: [{ ...group, publish: [{ ...group.publish[0], rate: '2/s' }] }] }, 'groups[0].publish[0].rate: 1/s → 2/s'],
      [{ groups: [{ ...group, publish: [{ ...group.publish[0], size: 64 }] }] }, 'groups[0].publish[0].size: 96 → 64'],
      [{ groups: [{ ...group, publish: [{ ...group.publish[0], qos: 0 }] }] }, 'groups[0].publish[0].qos: 1 → 0'],
      [{ duration: '30s' }, 'duration: 60s → 30s'],
    ];
    for (const [over, diff] of variants) {
      expect(scenarioMismatch(a, await side(`v${diff.length}`, resolved(over)))).toBe(
        `the baseline ran another workload of "smart-home" (${diff})`,
      );
    }
  });
});
