// The control plane keeps device secrets and the fleet to token holders (issue 11), over real
// sockets: the real CLI coordinator and agent processes with the device password in the agents'
// own environment, sniffed by an MQTT.js client that holds the control broker's login; the
// embedded control broker's socket and login; a pinned TLS control broker; agents that refuse.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mqtt, { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { exitFor } from '../../../src/cli/exit-codes.ts';
import { startAgent } from '../../../src/hosts/agent-host.ts';
import { connectAgents } from '../../../src/hosts/control/connect-agents.ts';
import { openControl } from '../../../src/hosts/control/control-client.ts';
import { parseControlListen, startControlBroker } from '../../../src/hosts/control/control-broker.ts';
import { Verifier } from '../../../src/hosts/control/envelope.ts';
import type { CoordinatorBody } from '../../../src/hosts/control/messages.ts';
import { planAgentHosts } from '../../../src/hosts/control/plan-agents.ts';
import { controlLogin } from '../../../src/hosts/control/token-keys.ts';
import { describeWithMosquitto, describeWithOpenssl, useMosquitto } from '../../helpers/brokers.ts';
import { readResultFile, startCli, tempDir, writeScenario } from '../../helpers/cli.ts';
import { findFreePort } from '../../helpers/free-port.ts';
import { killAll, spawnAgent, type AgentProcess } from './harness.ts';
import { loadScenario } from '../../../src/scenario/load.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 20 locks and one backend, every one logging in as `lock` with the password from FS_LOCK_PASSWORD. */
function lockScenario(loadUrl: string) {
  const login = { username: 'lock', password: '${env:FS_LOCK_PASSWORD}' };
  return {
    schema: 1,
    name: 'secure-agents',
    seed: 3,
    duration: '2s',
    drain: '1s',
    broker: { url: loadUrl },
    groups: [
      {
        name: 'locks',
        count: 20,
        clientId: 'lock-{i}',
        ...login,
        connectRate: '200/s',
        publish: [{ topic: 'sec/{i}/state', qos: 1, size: 64, rate: '2/s' }],
      },
      { name: 'backend', count: 1, clientId: 'backend-{i}', ...login, subscribe: [{ topic: 'sec/+/state', qos: 1 }] },
    ],
  };
}

/** Listening TCP sockets on `port` from the kernel's socket table: local address as /proc writes it. */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f.length > 3 && f[3] === '0A' && f[1].endsWith(`:${hexPort}`))
      .map((f) => `${path.basename(file)} ${f[1].split(':')[0]}`),
  );
}

async function until<T>(what: string, probe: () => T | null | undefined | false, timeoutMs: number): Promise<T> {
  for (let i = 0; i < timeoutMs / 50; i++) {
    const v = probe();
    if (v) return v;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** 'connected', or why not: the error, or 'closed' when the server hung up without a CONNACK. */
function tryConnect(url: string, opts: IClientOptions = {}): Promise<string> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { ...opts, reconnectPeriod: 0, connectTimeout: 3000 });
    const done = (outcome: string) => {
      client.removeAllListeners();
      client.on('error', () => {});
      client.end(true);
      resolve(outcome);
    };
    client.once('connect', () => done('connected'));
    client.once('error', (err) => done(err.message));
    client.once('close', () => done('closed'));
  });
}

/** Every message on the control broker, read with the token's login (what an insider with the login sees). */
async function sniff(url: string, token: string): Promise<{ client: MqttClient; seen: { topic: string; payload: Buffer }[] }> {
  // The CLI coordinator compiles its sources first: on a busy machine that takes a while (bounded: 45 s).
  const deadline = Date.now() + 45_000;
  let client: MqttClient | null = null;
  for (let i = 0; i < 450 && !client && Date.now() < deadline; i++) {
    client = await connectAsync(url, { ...controlLogin(token), reconnectPeriod: 0, connectTimeout: 1000 }).catch(() => null);
    if (!client) await sleep(100);
  }
  if (!client) throw new Error(`sniffer could not reach ${url}`);
  const seen: { topic: string; payload: Buffer }[] = [];
  client.on('message', (topic, payload) => seen.push({ topic, payload: Buffer.from(payload) }));
  await client.subscribeAsync('#', { qos: 1 });
  return { client, seen };
}

describeWithMosquitto('a control plane closed to all but token holders', () => {
  const secret = `Lk-${randomBytes(12).toString('base64url')}`;
  const load = useMosquitto({ users: { lock: secret } });
  let agents: AgentProcess[] = [];
  afterEach(() => killAll(agents));

  it('coordinator + 2 agents: the password is nowhere on the control plane, and devices log in with it', async () => {
    const port = await findFreePort();
    const token = randomBytes(16).toString('hex');
    const file = writeScenario(lockScenario(load().url));
    const out = tempDir('fs-secure-out-');
    // As with a Kubernetes Secret mounted on the agents only: the coordinator has no value at all.
    const wrongValue = `wrong-${randomBytes(6).toString('hex')}`;
    const cli = ['run', file, '--agents', '2', '--control-listen', `127.0.0.1:${port}`, '--token', token, '--out', out, '--quiet'];
    const coordinator = startCli(cli, { env: { FLEETSTORM_FROM_SOURCE: '1' } });
    const sniffer = await sniff(`mqtt://127.0.0.1:${port}`, token);
    agents = [0, 1].map((k) =>
      spawnAgent({
        control: `mqtt://127.0.0.1:${port}`,
        token,
        id: `sec-a${k}`,
        index: k,
        prefix: 'fleetstorm',
        env: { FS_LOCK_PASSWORD: secret },
      }),
    );
    const run = await Promise.race([coordinator.done, sleep(90_000).then(() => null)]);
    await sniffer.client.endAsync();
    expect(run?.code).toBe(0);
    // --quiet keeps the control plane's own lines: how to start agents, who joined.
    expect(
      run?.stderr
        .trim()
        .split('\n')
        .map((l) => l.split(' ').slice(0, 2).join(' '))
        .sort(),
    ).toEqual(['agent sec-a0', 'agent sec-a1', 'control broker']);

    // Devices logged in with the agents' value (Mosquitto's password file refuses anything else).
    const result = readResultFile(out);
    expect(result.summary.connections).toMatchObject({ attempted: 21, succeeded: 21, failed: 0 });
    expect(result.summary.messages).toMatchObject({ published: 80, received: 80, lost: 0 });
    expect(result.run.hosts.map((h) => [h.id, h.kind, h.complete])).toEqual([
      ['sec-a0', 'agent', true],
      ['sec-a1', 'agent', true],
    ]);
    expect(await tryConnect(load().url, { username: 'lock', password: wrongValue })).toBe('Connection refused: Not authorized');
    expect(await tryConnect(load().url, { username: 'lock', password: secret })).toBe('connected');

    // Not one byte of the password crossed the control plane, sealed bodies included.
    const wire = Buffer.concat(sniffer.seen.flatMap((m) => [Buffer.from(m.topic), m.payload]));
    expect(wire.includes(secret)).toBe(false);
    const topics = new Set(sniffer.seen.map((m) => m.topic));
    for (const k of [0, 1]) for (const dir of ['in', 'out', 'status']) expect(topics.has(`fleetstorm/agents/sec-a${k}/${dir}`)).toBe(true);
    // The sniffer did see the plans: opened with the token, they carry the reference, not the value.
    const opened = sniffer.seen.flatMap(({ topic, payload }) => {
      const v = new Verifier(token, { windowMs: 3_600_000 }).verify<CoordinatorBody>(topic, payload);
      return v.ok ? [v.envelope.body] : [];
    });
    expect(JSON.stringify(opened).includes(secret)).toBe(false);
    const prepares = opened.filter((b) => b.kind === 'cmd' && b.cmd.type === 'prepare');
    expect(prepares).toHaveLength(2);
    for (const p of prepares) {
      if (p.kind !== 'cmd' || p.cmd.type !== 'prepare') continue;
      expect(p.cmd.plan.scenario.groups.map((g) => g.password)).toEqual(['${env:FS_LOCK_PASSWORD}', '${env:FS_LOCK_PASSWORD}']);
      expect(p.env?.map((f) => f.path.join('.'))).toEqual(['groups.0.password', 'groups.1.password']);
    }
    expect(opened.filter((b) => b.kind === 'claim').map((b) => b.kind === 'claim' && b.needs.env)).toEqual([
      ['FS_LOCK_PASSWORD'],
      ['FS_LOCK_PASSWORD'],
    ]);
    expect(await Promise.all(agents.map((a) => a.exited))).toEqual([0, 0]);
  }, 120_000);

  it('an agent with --allow-brokers refuses a plan aimed elsewhere: one line, the coordinator exits 2', async () => {
    const port = await findFreePort();
    const token = randomBytes(16).toString('hex');
    const file = writeScenario(lockScenario(load().url));
    const cli = ['run', file, '--agents', '1', '--control-listen', `127.0.0.1:${port}`, '--token', token, '--out', tempDir(), '--quiet'];
    const coordinator = startCli(cli, { env: { FS_LOCK_PASSWORD: secret, FLEETSTORM_FROM_SOURCE: '1' } });
    agents = [
      spawnAgent({
        control: `mqtt://127.0.0.1:${port}`,
        token,
        id: 'fenced',
        prefix: 'fleetstorm',
        args: ['--allow-brokers', '10.9.9.9:1883,mqtts://broker.example:8883'],
        env: { FS_LOCK_PASSWORD: secret },
      }),
    ];
    const run = await Promise.race([coordinator.done, sleep(60_000).then(() => null)]);
    const reason = `broker ${load().url} is outside --allow-brokers 10.9.9.9:1883,mqtts://broker.example:8883`;
    expect(run?.code).toBe(2);
    expect(run?.stderr.trim().split('\n').pop()).toMatch(
      new RegExp(`^fleetstorm: agent fenced \\([^)]+\\) refused the run: ${reason.replace(/[.*+?()[\]\\/]/g, '\\$&')}$`),
    );
    expect(await agents[0].exited).toBe(1);
    expect(agents[0].output()).toContain(`refused run `);
    expect(agents[0].output()).toContain(reason);
  }, 90_000);
});

it('the embedded control broker listens on loopback by default and admits only the token login', async () => {
  const token = randomBytes(16).toString('hex');
  const settled = connectAgents({ count: 1, token, timeoutMs: 3000, log: () => {} }).then(
    () => null,
    (e: Error) => e,
  );
  const sockets = await until('the control broker on 1884', () => listeners(1884).length > 0 && listeners(1884), 5000);
  expect(sockets).toEqual(['tcp 0100007F']);
  const url = 'mqtt://127.0.0.1:1884';
  const refused = 'Connection refused: Bad username or password';
  expect(await tryConnect(url)).toBe(refused);
  expect(await tryConnect(url, controlLogin('another-token'))).toBe(refused);
  expect(await tryConnect(url, { username: 'fleetstorm', password: token })).toBe(refused);
  expect(await tryConnect(url, controlLogin(token))).toBe('connected');
  expect((await settled)?.message).toMatch(/^waited 3 s for 1 agent\(s\) on mqtt:\/\/127\.0\.0\.1:1884; 0 joined/);

  // Told to, it listens on every interface (the same socket table shows the difference).
  const open = await findFreePort();
  const broker = await startControlBroker(parseControlListen(`0.0.0.0:${open}`), token);
  try {
    expect(listeners(open)).toEqual(['tcp 00000000']);
    expect(broker.agentUrl).toBe(`mqtt://<this-machine>:${open}`);
  } finally {
    await broker.close();
  }
}, 20_000);

it('an agent without the environment variable a run needs refuses it, and the coordinator names both (exit 2)', async () => {
  const port = await findFreePort();
  const token = randomBytes(16).toString('hex');
  const file = writeScenario(lockScenario('mqtt://127.0.0.1:1'));
  const loaded = loadScenario(file, { env: { FS_LOCK_PASSWORD: 'x' } });
  const agent = startAgent({ control: `mqtt://127.0.0.1:${port}`, token, id: 'bare', env: {}, log: () => {} });
  try {
    const err = await planAgentHosts(loaded.scenario, {
      count: 1,
      token,
      listen: `127.0.0.1:${port}`,
      source: loaded.redacted,
      timeoutMs: 8000,
      log: () => {},
    }).then(
      () => null,
      (e: Error) => e,
    );
    expect(exitFor(err)).toEqual({
      code: 2,
      message: expect.stringMatching(
        /^agent bare \([^)]+\) refused the run: environment variable FS_LOCK_PASSWORD not set on this agent$/,
      ) as string,
    });
  } finally {
    await agent.stop();
  }
}, 20_000);

describeWithOpenssl('a TLS control broker', () => {
  it('serves a self-signed certificate whose pin agents check; a wrong pin or plain MQTT gets nowhere', async () => {
    const port = await findFreePort();
    const token = randomBytes(16).toString('hex');
    const lines: string[] = [];
    const fleetP = connectAgents({ count: 1, token, listen: `mqtts://127.0.0.1:${port}`, timeoutMs: 10_000, log: (l) => lines.push(l) });
    const agentUrl = await until('the start line', () => /--control '([^']+)'/.exec(lines.join('\n'))?.[1], 8000);
    expect(agentUrl).toMatch(new RegExp(`^mqtts://127\\.0\\.0\\.1:${port}#sha256:[0-9a-f]{64}$`));
    const agent = startAgent({ control: agentUrl, token, id: 'pinned', log: () => {} });
    try {
      const fleet = await fleetP;
      expect(fleet.hosts.map((h) => h.info.id)).toEqual(['pinned']);
      const wrongPin = agentUrl.replace(/#sha256:.*/, `#sha256:${'0'.repeat(64)}`);
      const opening = openControl({
        url: wrongPin,
        token,
        from: 'x',
        clientId: 'x',
        subscribe: [],
        onMessage: () => {},
        connectTimeoutMs: 500,
      });
      await expect(opening).rejects.toThrow(/is not the pinned sha256:0{64}/);
      // Plain MQTT to the TLS port: the handshake fails and the connection closes, no CONNACK.
      expect(await tryConnect(`mqtt://127.0.0.1:${port}`, controlLogin(token))).not.toBe('connected');
      await fleet.close();
    } finally {
      await agent.stop();
    }
  }, 30_000);
});
