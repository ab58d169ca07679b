// Commands with a reply against a real Mosquitto: the app sends "unlock" commands round-robin
// to locks, the locks answer after a think time, and fleetstorm measures the round trip. Locks
// that never answer, and answers slower than the deadline, are counted as such. An MQTT.js
// oracle watching the command topics confirms every command reached the broker's subscribers.

import { expect, it } from 'vitest';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

const scenario = (thinkTime: string, timeout: string, reply = true) => ({
  schema: 1,
  name: 'commands',
  duration: '5s',
  drain: '2s',
  groups: [
    {
      name: 'app',
      count: 2,
      clientId: 'cmd-app-{i}',
      subscribe: [{ topic: 'cmdtest/+/reply', qos: 1 }],
      commands: [{ to: 'locks', topic: 'cmdtest/{target}/cmd', qos: 1, size: 64, totalRate: '20/s', timeout }],
    },
    {
      name: 'locks',
      count: 50,
      clientId: 'cmd-lock-{i}',
      subscribe: [{ topic: 'cmdtest/{i}/cmd', qos: 1 }],
      ...(reply ? { reply: { topic: 'cmdtest/{i}/reply', qos: 1, thinkTime } } : {}),
    },
  ],
});

describeWithMosquitto('commands with a reply', () => {
  const broker = useMosquitto();

  it('measures every round trip from the intended send time, think time included', async () => {
    const out = tempDir();
    const oracle = await startOracle(broker().url, ['cmdtest/+/cmd']);
    const run = await runCli(['run', writeScenario(scenario('40ms', '2s')), '--broker', broker().url, '--out', out, '--quiet']);
    const seen = await oracle.waitForQuiet(500, 5000);
    await oracle.stop();
    expect(run.code, run.stderr).toBe(0);
    const r = readResultFile(out);
    // 20 commands/s for 5 s, addressed round-robin: every lock gets exactly two.
    expect(r.groups.app.commands).toEqual({ sent: 100, replied: 100, late: 0, noReply: 0 });
    expect(seen.tracked.unique).toBe(100);
    expect(Object.values(seen.perTopic).every((n) => n === 2)).toBe(true);
    expect(r.groups.locks.messages).toMatchObject({ expected: 100, received: 100, lost: 0, duplicated: 0 });
    const rtt = r.summary.latencyMs.commandRoundTrip;
    expect(rtt.count).toBe(100);
    expect(rtt.min).toBeGreaterThanOrEqual(40);
  });

  it('counts answers after the deadline as late and silent devices as no reply', async () => {
    const slow = tempDir();
    const runSlow = await runCli(['run', writeScenario(scenario('300ms', '100ms')), '--broker', broker().url, '--out', slow, '--quiet']);
    expect(runSlow.code, runSlow.stderr).toBe(0);
    expect(readResultFile(slow).groups.app.commands).toEqual({ sent: 100, replied: 0, late: 100, noReply: 0 });

    const silent = tempDir();
    const runSilent = await runCli([
      'run',
      writeScenario(scenario('0ms', '1s', false)),
      '--broker',
      broker().url,
      '--out',
      silent,
      '--quiet',
    ]);
    expect(runSilent.code, runSilent.stderr).toBe(0);
    const r = readResultFile(silent);
    expect(r.groups.app.commands).toEqual({ sent: 100, replied: 0, late: 0, noReply: 100 });
    expect(r.summary.latencyMs.commandRoundTrip.count).toBe(0);
  });
});
