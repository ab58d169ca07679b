// MQTT 5 limits as a strict broker enforces them (test/helpers/strict-broker.ts): Receive
// Maximum 5, Maximum Packet Size 256, Topic Alias Maximum 0, Server Keep Alive 1 s, acks 20 ms
// late, and a DISCONNECT for any client that breaks one. A publisher faster than the broker's
// acks stays connected, every publish arrives, the backlog is counted as delayed, and an idle
// client pings at the server's keepalive, not its own 60 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResultFile, runCliInProcess, tempDir, writeScenario } from '../../helpers/cli.ts';
import { startStrictBroker, type StrictBroker } from '../../helpers/strict-broker.ts';

// Loading the CLI (and tsx's first transform of the engine) takes seconds on a busy machine; done
// once here so each test's time is the run itself.
beforeAll(() => import('../../../src/cli/main.ts'), 60_000);

const RATE = 320; // per second; the broker acks at most 5 per 20 ms = 250/s, so sends must wait
const SECONDS = 2;

describe('MQTT 5 limits against a strict broker', () => {
  let broker: StrictBroker;
  beforeAll(async () => {
    broker = await startStrictBroker({
      receiveMaximum: 5,
      maximumPacketSize: 256,
      topicAliasMaximum: 0,
      serverKeepAlive: 1,
      ackDelayMs: 20,
    });
  });
  afterAll(() => broker?.stop());

  it('a fast publisher stays connected; delayed sends are counted; keepalive follows the server', async () => {
    const out = tempDir();
    const file = writeScenario({
      schema: 1,
      name: 'mqtt5-strict',
      duration: `${SECONDS}s`,
      drain: '5s',
      broker: { url: broker.url, protocol: 5 },
      monitor: { sys: false }, // the strict broker has no $SYS
      groups: [
        {
          name: 'fast',
          count: 1,
          clientId: 'fast-{i}',
          keepalive: '60s',
          publish: [
            {
              topic: 'strict/{i}/state',
              qos: 1,
              size: 64,
              rate: `${RATE}/s`,
              topicAlias: true, // the broker allows none: no alias may be sent
              userProperties: { site: 'lab' },
              messageExpiry: '30s',
            },
          ],
        },
        { name: 'idle', count: 1, clientId: 'idle-{i}', keepalive: '60s' },
      ],
    });
    const run = await runCliInProcess(['run', file, '--quiet', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = readResultFile(out);
    const m = result.summary.messages;
    const c = broker.counts;
    // Nobody broke a limit: no DISCONNECT sent, nothing arrived over the Receive Maximum, no alias.
    expect(c.disconnectsSent).toEqual({});
    expect(c.overReceiveMaximum).toBe(0);
    expect(c.maxInFlight).toBe(5);
    expect(c.aliased).toBe(0);
    expect(c.connects.filter((id) => !id.startsWith('fleetstorm-'))).toEqual(['fast-0', 'idle-0']);
    expect(result.summary.connections.dropped ?? 0).toBe(0);
    expect(result.summary.errors).toEqual({});
    // Every planned publish went out and arrived, and each was acknowledged.
    expect(m.published).toBe(RATE * SECONDS);
    expect(c.publishes).toBe(m.published);
    expect(m.acked).toBe(m.published);
    // The broker can take 250/s: at least the excess over that had to wait.
    expect(m.delayedByReceiveMaximum).toBeGreaterThanOrEqual((RATE - 250) * SECONDS);
    expect(m.delayedByReceiveMaximum).toBeLessThan(m.published);
    // The properties went out as written.
    const props = c.lastProperties['strict/0/state'];
    expect(props?.userProperties).toEqual({ site: 'lab' });
    expect(props?.messageExpiryInterval).toBe(30);
    // The idle client asked for 60 s but pinged at 0.75 × the server's 1 s.
    expect(c.keepalive['idle-0']).toBe(60);
    const gaps = c.pingGaps['idle-0'] ?? [];
    expect(gaps.length).toBeGreaterThanOrEqual(2);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(600);
      expect(gap).toBeLessThan(1200);
    }
  }, 20_000);

  it('a fixed publish larger than the Maximum Packet Size fails fast with the reason', async () => {
    const out = tempDir();
    const file = writeScenario({
      schema: 1,
      name: 'mqtt5-too-large',
      duration: '60s',
      broker: { url: broker.url, protocol: 5 },
      monitor: { sys: false },
      groups: [{ name: 'big', count: 3, clientId: 'big-{i}', publish: [{ topic: 'big/{i}', qos: 1, size: 300, rate: '1/s' }] }],
    });
    const before = broker.counts.publishes;
    const started = Date.now();
    const run = await runCliInProcess(['run', file, '--quiet', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('broker:maximum-packet-size-256-below-');
    expect(run.stderr).toContain('group big');
    expect(Date.now() - started).toBeLessThan(15_000); // not the 60 s run
    expect(broker.counts.publishes).toBe(before); // nothing was published
  }, 20_000);
});

describe('availability flags and DISCONNECT reasons', () => {
  it('a shared subscription against a broker without them fails fast with the reason by name', async () => {
    const broker = await startStrictBroker({ sharedSubscriptionAvailable: false });
    try {
      const file = writeScenario({
        schema: 1,
        name: 'mqtt5-no-shared',
        duration: '60s',
        broker: { url: broker.url, protocol: 5 },
        monitor: { sys: false },
        groups: [
          { name: 'devices', count: 5, clientId: 'dev-{i}', publish: [{ topic: 'home/{i}/state', qos: 1, rate: '1/s' }] },
          { name: 'backend', count: 2, clientId: 'backend-{i}', subscribe: [{ topic: '$share/b/home/+/state', qos: 1 }] },
        ],
      });
      const started = Date.now();
      const run = await runCliInProcess(['run', file, '--quiet', '--out', tempDir()]);
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('broker:shared-subscription-not-available (group backend)');
      expect(Date.now() - started).toBeLessThan(15_000); // not the 60 s run
    } finally {
      await broker.stop();
    }
  }, 20_000);

  it('a DISCONNECT with a reason code is counted by its name', async () => {
    const broker = await startStrictBroker({ kick: { afterMs: 300, reasonCode: 0x8d } });
    try {
      const out = tempDir();
      const file = writeScenario({
        schema: 1,
        name: 'mqtt5-kicked',
        duration: '1500ms',
        broker: { url: broker.url, protocol: 5 },
        monitor: { sys: false },
        groups: [{ name: 'devices', count: 4, clientId: 'dev-{i}', publish: [{ topic: 'k/{i}', qos: 1, rate: '2/s' }] }],
      });
      const run = await runCliInProcess(['run', file, '--quiet', '--out', out]);
      const result = readResultFile(out);
      const kicked = Object.entries(broker.counts.disconnectsSent)
        .filter(([id]) => id.startsWith('dev-'))
        .sort();
      expect(kicked).toEqual([0, 1, 2, 3].map((i) => [`dev-${i}`, 0x8d]));
      expect(result.summary.errors).toEqual({ 'disconnect:keep-alive-timeout': 4 });
      expect(result.summary.connections.dropped).toBe(4);
      expect(run.code).toBe(0);
    } finally {
      await broker.stop();
    }
  }, 20_000);
});

describe('topic aliases and assigned client identifiers', () => {
  it('uses aliases only up to the Topic Alias Maximum: topic once, then the alias alone', async () => {
    const broker = await startStrictBroker({ topicAliasMaximum: 1 });
    try {
      const out = tempDir();
      const file = writeScenario({
        schema: 1,
        name: 'mqtt5-aliases',
        duration: '1s',
        broker: { url: broker.url, protocol: 5 },
        monitor: { sys: false },
        groups: [
          {
            name: 'devices',
            count: 2,
            clientId: 'dev-{i}',
            publish: [
              { topic: 'alias/{i}/first', qos: 1, rate: '20/s', topicAlias: true },
              { topic: 'alias/{i}/second', qos: 1, rate: '20/s', topicAlias: true }, // alias 2 > maximum 1: full topic
            ],
          },
        ],
      });
      const run = await runCliInProcess(['run', file, '--quiet', '--out', out]);
      expect(run.code).toBe(0);
      const m = readResultFile(out).summary.messages;
      const c = broker.counts;
      expect(c.disconnectsSent).toEqual({});
      expect(c.publishes).toBe(m.published);
      expect(m.published).toBe(2 * 2 * 20);
      // Per client: the first stream sets alias 1 up once and then sends it alone; the second never aliases.
      expect(c.aliased).toBe(m.published / 2);
      expect(c.aliasOnly).toBe(m.published / 2 - 2);
      expect(Object.keys(c.aliases)).toEqual(['1']);
    } finally {
      await broker.stop();
    }
  }, 20_000);

  it('a client with a session reconnects under the identifier the broker assigned', async () => {
    const broker = await startStrictBroker({ assignClientId: true, kick: { afterMs: 400, reasonCode: 0x98 } });
    try {
      const out = tempDir();
      const file = writeScenario({
        schema: 1,
        name: 'mqtt5-assigned',
        duration: '1500ms',
        broker: { url: broker.url, protocol: 5 },
        monitor: { sys: false },
        groups: [
          { name: 'gateway', count: 1, clientId: '', clean: false, sessionExpiry: '60s', reconnect: { initialDelay: '100ms', jitter: 0 } },
        ],
        thresholds: { 'connections.failed': '== 0' },
      });
      const run = await runCliInProcess(['run', file, '--quiet', '--out', out]);
      const result = readResultFile(out);
      expect(broker.counts.connects.slice(0, 2)).toEqual(['', 'auto-1']);
      expect(result.summary.errors['disconnect:administrative-action']).toBeGreaterThanOrEqual(1);
      expect(result.summary.connections.reconnects).toBeGreaterThanOrEqual(1);
      expect(run.code).toBe(0);
    } finally {
      await broker.stop();
    }
  }, 20_000);
});
