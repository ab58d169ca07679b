import { describe, expect, it } from 'vitest';
import { checkPayloadTemplate, PayloadProgram, writeInteger, type MessageValues } from '../../../src/scenario/payload-template.ts';
import { PAYLOAD_PLACEHOLDERS } from '../../../src/scenario/template.ts';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';
import { readIntendedMs, readSeq, readStream, readTrackingField, writeTrackingField } from '../../../src/client/tracking.ts';
import { decodeTrackingHeader } from '../../helpers/tracking-header.ts';

const client = { i: 7, group: 'locks', clientId: 'lock-7' };

/** Renders `n` messages of a template as strings (tracking bytes left as spaces). */
function renderMany(text: string, n: number, opts: { track?: boolean; size?: number; seed?: number } = {}): string[] {
  const program = new PayloadProgram(text, opts.track ?? false, opts.size ?? 0);
  const chunks = program.bind(client);
  const out = Buffer.alloc(program.maxBytes(chunks));
  const rng = new Uint32Array([opts.seed ?? 12345]);
  const values: MessageValues = { seq: 0, nowMs: 1_700_000_000_123.75, target: 3 };
  const rendered: string[] = [];
  for (let k = 0; k < n; k++) {
    values.seq = k;
    out.fill(0x20);
    const end = program.render(out, 0, chunks, values, rng, 0);
    rendered.push(out.toString('utf8', 0, end));
  }
  return rendered;
}

describe('payload templates: rendering', () => {
  it('writes integers digit by digit exactly as String() does', () => {
    const buf = Buffer.alloc(32);
    const values = [0, 7, 9, 10, 99_999_999, 100_000_000, 100_000_001, 4_294_967_295, 1_700_000_000_123, 2 ** 53 - 1, -1, -100_000_000];
    for (let k = 0; k < 2000; k++) values.push(Math.floor(Math.random() * 10 ** (k % 16)));
    for (const n of values) expect(buf.toString('latin1', 0, writeInteger(buf, 0, n))).toBe(String(n));
  });

  it('renders JSON with per-client and per-message values that JSON.parse reads back', () => {
    const text =
      '{"lock":"{clientId}","i":{i},"g":"{group}","seq":{seq},"ts":{now},"battery":{rand:20-100},"state":"{pick:locked|unlocked|jammed}"}';
    const docs = renderMany(text, 2000).map((s) => JSON.parse(s));
    docs.forEach((d, k) => {
      expect(d.lock).toBe('lock-7');
      expect(d.i).toBe(7);
      expect(d.g).toBe('locks');
      expect(d.seq).toBe(k);
      expect(d.ts).toBe(1_700_000_000_123);
      expect(Number.isInteger(d.battery)).toBe(true);
      expect(d.battery).toBeGreaterThanOrEqual(20);
      expect(d.battery).toBeLessThanOrEqual(100);
      expect(['locked', 'unlocked', 'jammed']).toContain(d.state);
    });
    // Every value of the range and every option shows up over 2,000 draws.
    expect(new Set(docs.map((d) => d.battery)).size).toBe(81);
    expect(new Set(docs.map((d) => d.state)).size).toBe(3);
  });

  it('draws decimals and negative ranges with exactly the bounds’ decimals', () => {
    const values = renderMany('{rand:-5.25-3.5}', 3000).map((s) => {
      expect(s).toMatch(/^-?\d+\.\d\d$/);
      return Number(s);
    });
    expect(Math.min(...values)).toBe(-5.25);
    expect(Math.max(...values)).toBe(3.5);
    expect(renderMany('{rand:0.001-0.001}', 1)).toEqual(['0.001']);
    expect(renderMany('{rand:-3--3}', 1)).toEqual(['-3']);
    expect(renderMany('t={target} s={seq}', 2)).toEqual(['t=3 s=0', 't=3 s=1']);
  });

  it('never renders more than maxBytes (the scratch buffer is sized by it)', () => {
    const text =
      '{"s":{seq},"n":{now},"a":{rand:-999999.999999-999999.999999},"b":{rand:-2147483648-2147483647},"p":"{pick:x|yyyyyyyy}","t":{target}}';
    for (const track of [false, true]) {
      const program = new PayloadProgram(text, track, 0);
      const chunks = program.bind(client);
      const bound = program.maxBytes(chunks);
      const rng = new Uint32Array([3]);
      for (let k = 0; k < 500; k++) {
        const end = program.render(
          Buffer.alloc(1024),
          0,
          chunks,
          { seq: 4_294_967_295, nowMs: 9_999_999_999_999.9, target: 4_294_967_295 },
          rng,
          0,
        );
        expect(end).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('keeps literal braces of JSON, and {{ as a literal brace', () => {
    expect(renderMany('{"a":{"b":[{}]},"c":"{{i}"}', 1)).toEqual(['{"a":{"b":[{}]},"c":"{i}"}']);
    expect(renderMany('{ "x": {i} }', 1)).toEqual(['{ "x": 7 }']);
  });

  it('pads to size with spaces (still JSON) and never cuts a longer rendering', () => {
    const [padded] = renderMany('{"seq":{seq}}', 1, { size: 64 });
    expect(padded.length).toBe(64);
    expect(JSON.parse(padded)).toEqual({ seq: 0 });
    const [whole] = renderMany('{"lock":"{clientId}","state":"{pick:locked|unlocked}"}', 1, { size: 10 });
    expect(JSON.parse(whole).lock).toBe('lock-7');
  });

  it('is reproducible from the generator state and differs across states', () => {
    const text = '{rand:0-1000000}/{pick:a|b|c|d}';
    expect(renderMany(text, 50, { seed: 99 })).toEqual(renderMany(text, 50, { seed: 99 }));
    expect(renderMany(text, 50, { seed: 99 })).not.toEqual(renderMany(text, 50, { seed: 98 }));
  });

  it('puts a tracking field first in JSON that both decoders read and JSON.parse accepts', () => {
    for (const text of ['{"state":"{pick:on|off}","seq":{seq}}', '{}', '  { }\n']) {
      const program = new PayloadProgram(text, true, 120);
      const chunks = program.bind(client);
      const out = Buffer.alloc(program.maxBytes(chunks));
      const end = program.render(out, 0, chunks, { seq: 41, nowMs: 1234.5, target: 0 }, new Uint32Array([1]), 0);
      writeTrackingField(out, 0, program.trackComma, 0x01020304, 41, 1234.5, 2);
      const payload = out.subarray(0, end);
      expect(end).toBe(120);
      const doc = JSON.parse(payload.toString());
      expect(Object.keys(doc)[0]).toBe('_fs');
      expect(decodeTrackingHeader(payload)).toEqual({ flags: 2, streamId: 0x01020304, seq: 41, intendedSendTimeMs: 1234.5 });
      const header = Buffer.alloc(20);
      expect(readTrackingField(payload, 0, end, header)).toBe(true);
      expect([readStream(header, 0), readSeq(header, 0), readIntendedMs(header, 0)]).toEqual([0x01020304, 41, 1234.5]);
    }
  });

  it('reads no tracking field from payloads that only look alike', () => {
    const header = Buffer.alloc(20);
    const good = Buffer.alloc(60, 0x20);
    writeTrackingField(good, 0, false, 5, 6, 7);
    expect(readTrackingField(good, 0, good.length, header)).toBe(true);
    const bad = Buffer.from(good);
    bad[20] = 0x67; // 'g' is no hex digit
    expect(readTrackingField(bad, 0, bad.length, header)).toBe(false);
    expect(readTrackingField(good, 0, 48, header)).toBe(false);
    expect(readTrackingField(Buffer.from('{"_fx":"' + '0'.repeat(41)), 0, 49, header)).toBe(false);
  });
});

describe('payload templates: validation', () => {
  const problem = (text: string, track = false) => checkPayloadTemplate(text, PAYLOAD_PLACEHOLDERS, track);

  it('accepts good templates', () => {
    expect(problem('{"a":{rand:1-2},"b":"{pick:x|y}","c":{seq},"d":{now},"e":"{clientId}"}')).toBeUndefined();
    expect(problem('state {pick:on|off} at {now}')).toBeUndefined();
  });

  it.each([
    ['{"a":{foo}}', '{foo} is not a placeholder (use {i}, {group}, {clientId}, {seq}, {now}, {rand:a-b}, {pick:a|b}, {target})'],
    ['{"a":{rand:9-1}}', '{rand:9-1}: the range is empty (9 is above 1)'],
    ['{"a":{rand:x-1}}', '{rand:x-1}: write {rand:a-b} with numbers a <= b'],
    ['{"a":{rand:8}}', '{rand:8}: write {rand:a-b}'],
    ['{"a":{rand:0.0000001-1}}', '{rand:0.0000001-1}: at most 6 decimals'],
    ['{"a":"{pick:only}"}', '{pick:only}: write {pick:a|b|c} with two or more options'],
    ['{"a":{seq:2}}', '{seq:2}: {seq} takes no argument'],
    ['{"a":{i}', 'is not valid JSON with sample values'],
    ['{"a":"{pick:x|y"z}"}', 'is not valid JSON with sample values'],
    ['{"a":{pick:1|two}}', 'is not valid JSON with sample values'],
    ['[{seq}]', 'a tracked JSON payload must be an object'],
  ])('%s → %s', (text, message) => {
    expect(problem(text, text.startsWith('['))).toContain(message);
  });

  it('reports each problem at its path in a scenario, and sizes as padding only', () => {
    const scenario = (publish: Record<string, unknown>, commands: unknown[] = []) => ({
      schema: 1,
      name: 't',
      groups: [
        { name: 'app', count: 1, commands },
        { name: 'locks', count: 2, publish: [{ topic: 't/{i}', rate: '1/s', ...publish }] },
      ],
    });
    const issues = (s: unknown) => validateScenarioObject(s).issues.map((i) => `${i.path}: ${i.message}`);
    expect(issues(scenario({ payload: '{"t":{target}}' }))).toEqual([
      expect.stringMatching(/^groups\[1\]\.publish\[0\]\.payload: \{target\} is not available here/),
    ]);
    expect(issues(scenario({ payload: '[1,{seq}]' }))).toEqual([
      expect.stringMatching(/^groups\[1\]\.publish\[0\]\.payload: a tracked JSON payload must be an object/),
    ]);
    expect(issues(scenario({ payload: '[1,{seq}]', track: false }))).toEqual([]);
    expect(issues(scenario({}, [{ to: 'locks', topic: 'c/{target}', rate: '1/s', payload: '[{target}]' }]))).toEqual([
      expect.stringMatching(/^groups\[0\]\.commands\[0\]\.payload: a tracked JSON payload must be an object/),
    ]);
    const ok = validateScenarioObject(
      scenario({ payload: '{"s":{seq}}', size: 8 }, [{ to: 'locks', topic: 'c/{target}', rate: '1/s', payload: 'go {target}' }]),
    );
    expect(ok.issues).toEqual([]);
    const locks = ok.scenario!.groups[1];
    expect(locks.publish[0]).toMatchObject({ payload: '{"s":{seq}}', size: 8, track: true });
    expect(ok.scenario!.groups[0].commands![0]).toMatchObject({ payload: 'go {target}', size: 0 });
    const plain = validateScenarioObject(scenario({})).scenario!;
    expect(plain.groups[1].publish[0].size).toBe(64);
    expect(plain.groups[1].publish[0].payload).toBeUndefined();
  });
});
