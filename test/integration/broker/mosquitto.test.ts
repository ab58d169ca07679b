import { existsSync } from 'node:fs';
import { connectAsync } from 'mqtt';
import { expect, it } from 'vitest';
import { renderMosquittoConfig } from '../../../src/broker/mosquitto-config.ts';
import { mosquittoAvailable, startMosquitto, startMosquittoFleet } from '../../../src/broker/mosquitto.ts';
import { describeWithMosquitto, suiteMode } from '../../helpers/brokers.ts';
import { startOracle } from '../../helpers/oracle.ts';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function pubSubRoundTrip(url: string, topic: string): Promise<number> {
  const oracle = await startOracle(url, [topic]);
  const pub = await connectAsync(url, { reconnectPeriod: 0 });
  await pub.publishAsync(topic, 'hello', { qos: 1 });
  await pub.endAsync();
  await oracle.waitForTotal(1, 5000);
  return (await oracle.stop()).perTopic[topic];
}

describeWithMosquitto('startMosquitto', () => {
  it('starts on a free loopback port, carries messages, and leaves no process after stop()', async () => {
    const broker = await startMosquitto();
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect(broker.port).not.toBe(1883);
    expect(processAlive(broker.pid)).toBe(true);
    expect(await pubSubRoundTrip(broker.url, 'm/one')).toBe(1);
    const { pid, dir } = broker;
    await broker.stop();
    expect(processAlive(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    await broker.stop(); // idempotent
  });

  it('opens one listener per requested port, all on the same broker', async () => {
    const broker = await startMosquitto({ ports: 3 });
    try {
      expect(broker.ports).toHaveLength(3);
      expect(new Set(broker.ports).size).toBe(3);
      expect(broker.urls).toEqual(broker.ports.map((p) => `mqtt://127.0.0.1:${p}`));
      // Subscribe on the first listener, publish on the last: one broker behind both.
      const oracle = await startOracle(broker.urls[0], ['multi/#']);
      const pub = await connectAsync(broker.urls[2], { reconnectPeriod: 0 });
      await pub.publishAsync('multi/x', 'via third listener', { qos: 1 });
      await pub.endAsync();
      await oracle.waitForTotal(1, 5000);
      expect((await oracle.stop()).perTopic).toEqual({ 'multi/x': 1 });
    } finally {
      await broker.stop();
    }
  });

  it('publishes $SYS topics every sysInterval seconds', async () => {
    const broker = await startMosquitto({ sysInterval: 1 });
    try {
      const oracle = await startOracle(broker.url, ['$SYS/broker/uptime'], { qos: 0 });
      // One retained value on subscribe, then a fresh one each second.
      const counts = await oracle.waitForTotal(2, 4000);
      await oracle.stop();
      expect(counts.perTopic['$SYS/broker/uptime']).toBeGreaterThanOrEqual(2);
    } finally {
      await broker.stop();
    }
  });

  it('with users: accepts the right password and refuses a wrong one with CONNACK code 5', async () => {
    const broker = await startMosquitto({ users: { alice: 's3cret', bob: 'hunter2' } });
    try {
      const ok = await connectAsync(broker.url, { username: 'bob', password: 'hunter2', reconnectPeriod: 0 });
      await ok.endAsync();
      const bad = await connectAsync(broker.url, { username: 'alice', password: 'nope', reconnectPeriod: 0 }).then(
        () => null,
        (e: Error & { code?: number }) => e.code,
      );
      expect(bad).toBe(5);
      const anon = await connectAsync(broker.url, { reconnectPeriod: 0 }).then(
        () => null,
        (e: Error & { code?: number }) => e.code,
      );
      expect(anon).toBe(5);
    } finally {
      await broker.stop();
    }
  });

  it('fails with one line that quotes mosquitto stderr when the config is bad, and leaves nothing running', async () => {
    const err = await startMosquitto({ extraConfig: ['no_such_option 1'] }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/^mosquitto exited \(code \d+\) before listening on 127\.0\.0\.1:\d+: .*no_such_option/);
    expect(err?.message.includes('\n')).toBe(false);
  });

  it('startMosquittoFleet runs independent brokers and stops them all', async () => {
    const fleet = await startMosquittoFleet(3);
    const pids = fleet.brokers.map((b) => b.pid);
    expect(new Set(fleet.urls).size).toBe(3);
    expect(pids.every(processAlive)).toBe(true);
    // Independent: a message published on one broker never reaches another.
    const oracle = await startOracle(fleet.urls[1], ['fleet/t']);
    const pub = await connectAsync(fleet.urls[0], { reconnectPeriod: 0 });
    await pub.publishAsync('fleet/t', 'only on broker 0', { qos: 1 });
    await pub.endAsync();
    expect((await oracle.waitForQuiet(300, 2000)).total).toBe(0);
    await oracle.stop();
    await fleet.stop();
    expect(pids.some(processAlive)).toBe(false);
  });
});

it('renders the options into mosquitto config lines', () => {
  const conf = renderMosquittoConfig(
    {
      persistence: true,
      maxInflightMessages: 5,
      maxQueuedMessages: 50,
      maxConnections: 10,
      sysInterval: 1,
      tls: { ca: '/c/ca.pem', cert: '/c/s.pem', key: '/c/s.key', requireClientCert: true },
      extraConfig: ['retain_available false'],
    },
    { dir: '/tmp/x', host: '127.0.0.1', plainPorts: [2001, 2002], tlsPort: 2003, passwordFile: '/tmp/x/passwd', runningAsRoot: false },
  );
  expect(conf.split('\n').slice(1)).toEqual([
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'connection_messages false',
    'set_tcp_nodelay true',
    'allow_anonymous false',
    'password_file /tmp/x/passwd',
    'persistence true',
    'persistence_location /tmp/x/',
    'persistence_file mosquitto.db',
    'autosave_on_changes true',
    'autosave_interval 1',
    'max_inflight_messages 5',
    'max_queued_messages 50',
    'sys_interval 1',
    'listener 2001 127.0.0.1',
    'max_connections 10',
    'listener 2002 127.0.0.1',
    'max_connections 10',
    'listener 2003 127.0.0.1',
    'max_connections 10',
    'cafile /c/ca.pem',
    'certfile /c/s.pem',
    'keyfile /c/s.key',
    'require_certificate true',
    'retain_available false',
    '',
  ]);
});

it('suites that need a missing broker skip locally and fail on CI', () => {
  expect(suiteMode(true, true)).toBe('run');
  expect(suiteMode(true, false)).toBe('run');
  expect(suiteMode(false, false)).toBe('skip');
  expect(suiteMode(false, true)).toBe('fail');
});

it('mosquittoAvailable is false for a binary that does not exist', () => {
  expect(mosquittoAvailable('/nonexistent/mosquitto')).toBe(false);
});
