import { connectAsync } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { useEmbeddedBroker } from '../../helpers/brokers.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { decodeTrackingHeader, encodeTrackingPayload } from '../../helpers/tracking-header.ts';

describe('tracking header decoder (oracle side)', () => {
  it('decodes a hand-written header byte for byte', () => {
    const bytes = Buffer.from([
      0x66,
      0x73,
      0x01,
      0x05, // "fs", version 1, flags 5
      0x00,
      0x01,
      0x02,
      0x03, // stream 0x00010203
      0xff,
      0xff,
      0xff,
      0xfe, // seq 4294967294
      0x42,
      0x70,
      0x00,
      0x00,
      0x00,
      0x00,
      0x00,
      0x00, // float64 BE 0x4270000000000000 = 2^40
      0xaa, // padding is ignored
    ]);
    expect(decodeTrackingHeader(bytes)).toEqual({ flags: 5, streamId: 0x00010203, seq: 4294967294, intendedSendTimeMs: 1099511627776 });
    expect(
      encodeTrackingPayload({ flags: 5, streamId: 0x00010203, seq: 4294967294, intendedSendTimeMs: 1099511627776 }, 21).subarray(0, 20),
    ).toEqual(bytes.subarray(0, 20));
  });

  it('returns null for short payloads, wrong magic and unknown versions', () => {
    const good = encodeTrackingPayload({ flags: 0, streamId: 1, seq: 1, intendedSendTimeMs: 0 });
    expect(decodeTrackingHeader(good.subarray(0, 19))).toBeNull();
    expect(decodeTrackingHeader(Buffer.concat([Buffer.from('Fs'), good.subarray(2)]))).toBeNull();
    const v2 = Buffer.from(good);
    v2[2] = 2;
    expect(decodeTrackingHeader(v2)).toBeNull();
  });

  it('decodes a header that sits at an odd offset inside a larger buffer', () => {
    const big = Buffer.alloc(41);
    encodeTrackingPayload({ flags: 1, streamId: 9, seq: 3, intendedSendTimeMs: 12.25 }).copy(big, 7);
    expect(decodeTrackingHeader(big.subarray(7))).toEqual({ flags: 1, streamId: 9, seq: 3, intendedSendTimeMs: 12.25 });
  });
});

describe('oracle', () => {
  const broker = useEmbeddedBroker();

  it('counts unique, duplicate, out-of-order and missing seqs per stream', async () => {
    const oracle = await startOracle(broker().url, ['o/#']);
    const pub = await connectAsync(broker().url, { reconnectPeriod: 0 });
    const send = (streamId: number, seq: number) =>
      pub.publishAsync(`o/${streamId}`, encodeTrackingPayload({ flags: 0, streamId, seq, intendedSendTimeMs: Date.now() }, 64), { qos: 1 });
    for (const seq of [0, 1, 2, 2, 1, 5, 4]) await send(1, seq);
    await send(2, 10);
    await pub.publishAsync('o/plain', 'no header', { qos: 1 });
    await pub.endAsync();
    await oracle.waitForTotal(9, 5000);
    const counts = await oracle.stop();
    expect(counts.total).toBe(9);
    expect(counts.untracked).toBe(1);
    expect(counts.perTopic).toEqual({ 'o/1': 7, 'o/2': 1, 'o/plain': 1 });
    expect(counts.streams).toEqual({
      1: { unique: 5, duplicates: 2, outOfOrder: 1, minSeq: 0, maxSeq: 5, gaps: 1 },
      2: { unique: 1, duplicates: 0, outOfOrder: 0, minSeq: 10, maxSeq: 10, gaps: 0 },
    });
    expect(counts.tracked).toEqual({ deliveries: 8, unique: 6, duplicates: 2, outOfOrder: 1 });
    expect(counts.latencyMs.count).toBe(8);
    expect(counts.latencyMs.min).toBeGreaterThanOrEqual(0);
    expect(counts.latencyMs.max).toBeLessThan(5000);
  });

  it('waitForTotal rejects with a clear message when the count is not reached in time', async () => {
    const oracle = await startOracle(broker().url, ['nothing/here']);
    await expect(oracle.waitForTotal(1, 100)).rejects.toThrow('oracle: 1 deliveries not reached within 100 ms (total 0)');
    await oracle.stop();
  });
});
