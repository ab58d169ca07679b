// Commands as MQTT 5 request/response against Mosquitto: each command carries a Response Topic and
// Correlation Data; the device answers on that topic (not its own reply topic), echoing the
// Correlation Data. An MQTT.js oracle on both topics sees every reply where it belongs, each
// carrying the correlation of the command it answers, and fleetstorm's round trips count the same.
import { beforeAll, expect, it } from 'vitest';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCliInProcess, tempDir, writeScenario } from '../../helpers/cli.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { decodeTrackingHeader } from '../../helpers/tracking-header.ts';

// Loading the CLI (and tsx's first transform of the engine) takes seconds on a busy machine; done
// once here so each test's time is the run itself.
beforeAll(() => import('../../../src/cli/main.ts'), 60_000);

describeWithMosquitto('MQTT 5 request/response commands', () => {
  const mosquitto = useMosquitto();

  it('devices answer on the Response Topic with the Correlation Data; round trips match the oracle', async () => {
    const url = mosquitto().url;
    const oracle = await startOracle(url, ['app/+/responses', 'home/+/lock/reply'], { protocolVersion: 5, qos: 1 });
    const correlated: boolean[] = [];
    oracle.client.on('message', (topic, payload, packet) => {
      if (!topic.startsWith('app/')) return;
      const header = decodeTrackingHeader(payload);
      const cd = packet.properties?.correlationData;
      correlated.push(header !== null && cd !== undefined && cd.length === 8 && cd.readUInt32BE(0) === header.streamId);
    });
    try {
      const out = tempDir();
      const file = writeScenario({
        schema: 1,
        name: 'mqtt5-request-response',
        duration: '2s',
        drain: '3s',
        broker: { url, protocol: 5 },
        monitor: { sys: false },
        groups: [
          {
            name: 'locks',
            count: 5,
            clientId: 'lock-{i}',
            subscribe: [{ topic: 'home/{i}/lock/cmd', qos: 1 }],
            reply: { topic: 'home/{i}/lock/reply', qos: 1, thinkTime: '20ms' },
          },
          {
            name: 'app',
            count: 2,
            clientId: 'app-{i}',
            subscribe: [{ topic: 'app/{i}/responses', qos: 1 }],
            commands: [
              { to: 'locks', topic: 'home/{target}/lock/cmd', responseTopic: 'app/{i}/responses', qos: 1, rate: '5/s', timeout: '2s' },
            ],
          },
        ],
      });
      const run = await runCliInProcess(['run', file, '--quiet', '--out', out]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const result = readResultFile(out);
      const cmds = result.groups.app.commands!;
      expect(cmds.sent).toBe(2 * 5 * 2);
      const counts = await oracle.waitForTotal(cmds.sent, 5000);
      expect(counts.perTopic['home/0/lock/reply'] ?? 0).toBe(0); // nothing on the devices' own reply topic
      expect(counts.perTopic['app/0/responses'] + counts.perTopic['app/1/responses']).toBe(cmds.sent);
      expect(correlated).toHaveLength(cmds.sent);
      expect(correlated.every(Boolean)).toBe(true);
      expect(cmds.replied).toBe(cmds.sent);
      expect(result.groups.app.latencyMs.commandRoundTrip?.count).toBe(cmds.replied);
      expect(result.summary.errors).toEqual({});
    } finally {
      await oracle.stop();
    }
  }, 20_000);
});
