// The MQTT 5 limits scenario against Mosquitto 2, configured to announce them in its CONNACK
// (max_inflight_messages → Receive Maximum 5, max_packet_size → Maximum Packet Size 256,
// max_keepalive → Server Keep Alive 10 s; Topic Alias Maximum stays at its default 10). Mosquitto
// drops a client that exceeds any of them. fleetstorm's counts must equal an MQTT.js oracle's.
import { beforeAll, expect, it } from 'vitest';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCliInProcess, tempDir, writeScenario } from '../../helpers/cli.ts';
import { startOracle } from '../../helpers/oracle.ts';

// Loading the CLI (and tsx's first transform of the engine) takes seconds on a busy machine; done
// once here so each test's time is the run itself.
beforeAll(() => import('../../../src/cli/main.ts'), 60_000);

const RATE = 1500;
const SECONDS = 2;

describeWithMosquitto('MQTT 5 limits against Mosquitto 2', () => {
  const mosquitto = useMosquitto({ maxInflightMessages: 5, extraConfig: ['max_packet_size 256', 'max_keepalive 10'] });

  it('a fast publisher stays connected within Receive Maximum 5; counts equal the oracle; aliases resolve', async () => {
    const url = mosquitto().url;
    const oracle = await startOracle(url, ['mq5/#'], { protocolVersion: 5, qos: 1 });
    const topics = new Set<string>();
    const userProperties = new Set<string>();
    oracle.client.on('message', (topic, _payload, packet) => {
      topics.add(topic);
      userProperties.add(JSON.stringify(packet.properties?.userProperties ?? null));
    });
    try {
      const out = tempDir();
      const file = writeScenario({
        schema: 1,
        name: 'mqtt5-mosquitto',
        duration: `${SECONDS}s`,
        drain: '5s',
        broker: { url, protocol: 5 },
        monitor: { sys: false },
        groups: [
          {
            name: 'fast',
            count: 1,
            clientId: 'fast-{i}',
            keepalive: '60s',
            publish: [
              {
                topic: 'mq5/{i}/state',
                qos: 1,
                size: 64,
                rate: `${RATE}/s`,
                topicAlias: true,
                userProperties: { site: 'lab' },
                messageExpiry: '30s',
              },
            ],
          },
          { name: 'app', count: 1, clientId: 'app-{i}', subscribe: [{ topic: 'mq5/#', qos: 1 }] },
        ],
      });
      const run = await runCliInProcess(['run', file, '--quiet', '--out', out]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const result = readResultFile(out);
      const m = result.summary.messages;
      const counts = await oracle.waitForTotal(m.published, 5000);
      expect(m.published).toBe(RATE * SECONDS);
      expect(counts.total).toBe(m.published);
      expect(counts.tracked.unique).toBe(m.published);
      expect(m.acked).toBe(m.published);
      expect(m.received).toBe(m.expected);
      expect(m.lost).toBe(0);
      expect(result.summary.errors).toEqual({});
      expect(result.summary.connections.dropped ?? 0).toBe(0);
      // Sends beyond the 5 unacknowledged ones waited (timer batches send several at once).
      expect(m.delayedByReceiveMaximum).toBeGreaterThan(0);
      // The aliased publishes reached the oracle under their full topic.
      expect([...topics]).toEqual(['mq5/0/state']);
      expect([...userProperties]).toEqual([JSON.stringify({ site: 'lab' })]);
    } finally {
      await oracle.stop();
    }
  }, 20_000);
});
