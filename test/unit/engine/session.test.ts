// A session on fake time with a fake broker: keepalive pings only when the line is idle, and the
// connect timeout, which fails the attempt and hands the client to the reconnect backoff.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/engine/clock.ts';
import { fakeShard, scenarioOf } from './shard-parts.ts';

describe('keepalive', () => {
  it('pings at 0.75 × keepalive of an idle line, measured from the last write', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const shard = fakeShard(scenarioOf({ groups: [{ name: 'd', count: 2, keepalive: '10s' }] }), clock);
    shard.parts.storm.begin([2], t0);
    clock.advance(100); // opened at 0 and 10 ms (connectRate 100/s), connected 10 ms later
    // client 1 writes something at 5 s: its next ping moves to 12.5 s after that write
    clock.advance(4900);
    shard.conns[1].write(Buffer.from([0x30, 0]), clock.now());
    clock.advance(25_000);
    expect(shard.conns[0].pings().map((t) => t - t0)).toEqual([7510, 15_010, 22_510]);
    expect(shard.conns[1].pings().map((t) => t - t0)).toEqual([12_500, 20_000, 27_500]);
  });

  it('stops pinging once the connection is gone', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const shard = fakeShard(scenarioOf({ groups: [{ name: 'd', count: 1, keepalive: '10s' }] }), clock);
    shard.parts.storm.begin([1], t0);
    clock.advance(8000);
    shard.conns[0].drop();
    clock.advance(30_000);
    expect(shard.conns[0].pings().map((t) => t - t0)).toEqual([7510]);
  });
});

describe('connect timeout', () => {
  it('fails a silent attempt after broker.connectTimeout and retries with backoff', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const scenario = scenarioOf({
      broker: { url: 'mqtt://127.0.0.1:1883', connectTimeout: '2s' },
      groups: [{ name: 'd', count: 1, reconnect: { initialDelay: '1s', multiplier: 2, jitter: 0 } }],
    });
    const shard = fakeShard(scenario, clock);
    shard.answer = () => null;
    shard.parts.storm.begin([1], t0);
    clock.advance(10_000);
    const counters = shard.ctx.metrics.counters[0];
    // attempts at 0, then 2 s timeout + 1 s, + 2 s timeout + 2 s; the third times out at 9 s
    expect(shard.conns[0].opens.map((o) => o.at - t0)).toEqual([0, 3000, 7000]);
    // the first attempt is `failed` (the client never connected); the two retries are reconnect failures
    expect(counters.failed).toBe(1);
    expect(counters.reconnectFailed).toBe(2);
    expect(Object.fromEntries(counters.errors)).toEqual({ 'connect:timeout': 3 });
    expect(shard.parts.phase.missingClients).toEqual([{ group: 0, i: 0 }]);
  });

  it('does not time out an attempt that got its CONNACK', () => {
    const clock = new FakeClock();
    const scenario = scenarioOf({ broker: { url: 'mqtt://127.0.0.1:1883', connectTimeout: '2s' }, groups: [{ name: 'd', count: 1 }] });
    const shard = fakeShard(scenario, clock);
    shard.answer = () => ({ accept: true, afterMs: 1900 });
    shard.parts.storm.begin([1], clock.now());
    clock.advance(10_000);
    expect(shard.ctx.metrics.counters[0].succeeded).toBe(1);
    expect(shard.ctx.metrics.counters[0].failed).toBe(0);
    expect(shard.conns[0].connected).toBe(true);
  });
});
