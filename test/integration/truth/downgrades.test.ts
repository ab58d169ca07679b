// Downgrades a broker makes without refusing are reported with their likely cause, through the
// CLI: a `$share/` group on the embedded broker (aedes has no shared subscriptions, so the filter
// is a literal topic and the group gets nothing), and a QoS 2 subscription Mosquitto grants at
// QoS 1 (`max_qos 1`), checked against what an MQTT.js client is granted for the same filter.
import { connectAsync } from 'mqtt';
import { expect, it } from 'vitest';
import { startMosquitto } from '../../../src/broker/mosquitto.ts';
import { describeWithMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

const devices = {
  name: 'devices',
  count: 5,
  clientId: 'dev-{i}',
  connectRate: '500/s',
  publish: [{ topic: 'd/{i}/up', qos: 1, rate: '2/s' }],
};

it('a share group on aedes gets nothing: the run names the likely cause (no shared subscriptions)', async () => {
  const out = tempDir();
  const run = await runCli([
    'run',
    writeScenario({
      schema: 1,
      name: 'share-on-aedes',
      duration: '2s',
      drain: '1s',
      groups: [{ name: 'backend', count: 2, clientId: 'be-{i}', subscribe: [{ topic: '$share/be/d/+/up', qos: 1 }] }, devices],
    }),
    '--out',
    out,
  ]);
  const r = readResultFile(out);
  // The plan owed the share group one copy of each of the 20 publishes; it received none.
  expect(r.summary.messages.published).toBe(20);
  expect(r.groups.backend.messages).toMatchObject({ expected: 20, received: 0, lost: 20 });
  expect(r.downgrades).toEqual([
    {
      kind: 'share-group',
      group: 'backend',
      detail: '$share/be/d/+/up received none of 20 owed deliveries',
      likelyCause: expect.stringContaining('broker has no shared subscriptions?') as string,
    },
  ]);
  expect(run.stderr).toContain(
    'downgrade (backend): $share/be/d/+/up received none of 20 owed deliveries — broker has no shared subscriptions?',
  );
  expect(run.code, run.stderr).toBe(0); // no gate asked about loss: reported, not failed
});

describeWithMosquitto('granted QoS below the one asked for', () => {
  it('Mosquitto max_qos 1 grants QoS 1 for a QoS 2 subscription: reported as a downgrade, as MQTT.js is granted', async () => {
    const broker = await startMosquitto({ extraConfig: ['max_qos 1'] });
    const out = tempDir();
    let granted: number[] = [];
    let run;
    try {
      run = await runCli([
        'run',
        writeScenario({
          schema: 1,
          name: 'max-qos',
          duration: '2s',
          drain: '1s',
          broker: { protocol: 5 },
          groups: [
            {
              name: 'backend',
              count: 3,
              clientId: 'be-{i}',
              subscribe: [
                { topic: 'd/+/up', qos: 2 },
                { topic: 'x/#', qos: 0 },
              ],
            },
            devices,
          ],
        }),
        '--broker',
        broker.url,
        '--out',
        out,
      ]);
      const oracle = await connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
      granted = (await oracle.subscribeAsync({ 'd/+/up': { qos: 2 }, 'x/#': { qos: 0 } })).map((g) => g.qos);
      await oracle.endAsync();
    } finally {
      await broker.stop();
    }
    expect(granted).toEqual([1, 0]); // the witness: one downgrade per client, the QoS 0 one is as asked
    const r = readResultFile(out);
    expect(r.downgrades).toEqual([
      {
        kind: 'subscribe-qos',
        group: 'backend',
        detail: '3 subscription(s) granted a lower QoS than asked (up to QoS 2)',
        likelyCause: expect.stringContaining('max_qos') as string,
      },
    ]);
    expect(run.stderr).toContain('downgrade (backend): 3 subscription(s) granted a lower QoS than asked');
    expect(r.groups.backend.messages).toMatchObject({ expected: 60, received: 60, lost: 0 });
  });
});
