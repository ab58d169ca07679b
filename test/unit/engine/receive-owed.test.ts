// What a delivery counts as, through the production wiring (session → receiver → metrics) on fake
// time: only a delivery the receiver was owed — inside the window, of a stream its subscriptions
// match — is received; retained replays, wills and everything else are counted apart by kind.
// And a refused publish is settled for the drain without ever being acked.
import { describe, expect, it } from 'vitest';
import { writeTrackingHeader } from '../../../src/client/tracking.ts';
import { FakeClock } from '../../../src/engine/clock.ts';
import { fakeShard, scenarioOf } from './shard-parts.ts';

const scenario = scenarioOf({
  duration: '10s',
  groups: [
    { name: 'backend', count: 1, clientId: 'be-{i}', subscribe: [{ topic: 't/#', qos: 1 }] },
    {
      name: 'dev',
      count: 2,
      clientId: 'dev-{i}',
      will: { topic: 'w/{i}', payload: 'gone-{i}', qos: 0, retain: false },
      publish: [{ topic: 't/{i}', qos: 1, rate: '1/s' }],
    },
    { name: 'x', count: 1, clientId: 'x-{i}', publish: [{ topic: 'x/{i}', qos: 1, rate: '1/s' }] },
  ],
});

function tracked(stream: number, seq: number, intendedMs: number): Buffer {
  const buf = Buffer.alloc(32);
  writeTrackingHeader(buf, 0, stream, seq, intendedMs);
  return buf;
}

describe('owed-only receive accounting', () => {
  it('counts owed deliveries as received and everything else apart, by kind', () => {
    const clock = new FakeClock();
    const shard = fakeShard(scenario, clock);
    const { session } = shard.parts;
    const backend = shard.conns[0];
    const deliver = (buf: Buffer, retained = false) => session.onMessage(backend, buf, 0, buf.length, clock.now(), retained);
    deliver(tracked(0, 0, clock.now())); // before steady state: nothing is owed yet
    shard.steady();
    const t0 = clock.now();
    clock.advance(500);
    deliver(tracked(0, 0, t0 - 1)); // intended before the window
    deliver(tracked(0, 0, t0 + 5)); // dev 0 → t/0: owed
    deliver(tracked(0, 0, t0 + 5)); // the same again: a duplicate of an owed delivery
    deliver(tracked(1, 0, t0 + 5)); // dev 1 → t/1: owed
    deliver(tracked(2, 0, t0 + 5)); // x 0 → x/0: t/# does not match it
    deliver(tracked(999, 0, t0 + 5)); // a stream this run does not have
    deliver(tracked(1, 1, t0 + 6), true); // a retained replay
    deliver(Buffer.from('gone-1')); // dev 1's will
    deliver(Buffer.from('hello')); // someone else's message
    deliver(tracked(1, 2, t0 + scenario.durationMs)); // intended at the window's end: outside
    expect(shard.ctx.metrics.counters[0]).toMatchObject({ received: 3, duplicated: 1, retained: 1, will: 1, notOwed: 6 });
  });

  it('a refused publish is counted under its reason and settles the drain, never as acked', () => {
    const clock = new FakeClock();
    const shard = fakeShard(scenario, clock);
    const metrics = shard.ctx.metrics;
    metrics.publishedNeedingAck[1] = 3;
    shard.parts.session.onPublishAck(shard.conns[1], clock.now());
    shard.parts.session.onPublishRefused(shard.conns[1], 'puback:not-authorized');
    expect(metrics.settled()).toBe(false);
    shard.parts.session.onPublishRefused(shard.conns[2], 'protocol:puback-for-qos2');
    expect(metrics.settled()).toBe(true);
    expect(metrics.counters[1]).toMatchObject({ acked: 1, refused: 2 });
    expect(Object.fromEntries(metrics.counters[1].errors)).toEqual({ 'puback:not-authorized': 1, 'protocol:puback-for-qos2': 1 });
    expect(metrics.histograms[1].publishAck.totalCount).toBe(1);
  });
});
