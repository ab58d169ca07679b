import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEventSink } from '../../../../src/report/live/events.ts';
import { tempDir } from '../../../helpers/cli.ts';

describe('openEventSink to a file', () => {
  it('writes one JSON object a line, type first, and truncates an earlier file', async () => {
    const file = path.join(tempDir(), 'events.ndjson');
    const first = openEventSink(file);
    first.write({ type: 'second', t: 1, published: 3 });
    await first.close();
    const sink = openEventSink(file);
    sink.write({ type: 'stage', t: 2.5, name: 'peak' });
    sink.write({ type: 'second', t: 3, published: 9 });
    await sink.close();
    sink.write({ type: 'second', t: 4 }); // after close: dropped, not thrown
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\{"type":"stage","time":\d{13},"t":2.5,"name":"peak"\}$/);
    expect(JSON.parse(lines[1]!)).toMatchObject({ type: 'second', t: 3, published: 9 });
  });
});
