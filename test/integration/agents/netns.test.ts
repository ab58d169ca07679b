// "Several machines for real": Mosquitto in one network namespace, three agents each in their
// own, the coordinator in another; every byte between them crosses veth pairs and a bridge.
// The 3-agent run's merged counts must equal a one-host run of the same scenario, and both must
// equal what an MQTT.js oracle saw on the broker.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MOSQUITTO_BINARY, mosquittoAvailable } from '../../../src/broker/mosquitto.ts';
import { describeIfAvailable } from '../../helpers/brokers.ts';
import { killAll, REPO, spawnAgent, type AgentProcess } from './harness.ts';
import { BROKER_IP, createLab, netnsUsable, type Lab } from './netns.ts';

const CONTROL_PORT = 1883;
const LOAD_PORT = 1884;
const usable = mosquittoAvailable() && process.platform === 'linux' && netnsUsable();
const describeWithNetns = describeIfAvailable(usable, `network namespaces (root and \`ip netns\`) and ${MOSQUITTO_BINARY}`);

/** Runs the coordinator entry inside a namespace; resolves with its JSON line. */
function coordinatorRun(
  lab: Lab,
  args: string[],
  token: string,
): Promise<{
  counts: Record<string, number>;
  hosts: { id: string; complete: boolean; clients: Record<string, number> }[];
  oracle: { total: number; unique: number };
}> {
  const argv = [...lab.exec('coord'), process.execPath, '--import', 'tsx', 'test/integration/agents/coordinator-entry.ts', ...args];
  const child = spawn(argv[0], argv.slice(1), {
    cwd: REPO,
    env: { ...process.env, FLEETSTORM_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()!));
      else reject(new Error(`coordinator exited ${code}: ${err}`));
    });
  });
}

describeWithNetns('agents in network namespaces', () => {
  let lab: Lab;
  let dir: string;
  let broker: ReturnType<typeof spawn> | null = null;
  let agents: AgentProcess[] = [];
  const token = randomBytes(16).toString('hex');

  beforeAll(async () => {
    lab = createLab(['coord', 'a1', 'a2', 'a3']);
    dir = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-netns-'));
    const conf = path.join(dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        'user root',
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        'allow_anonymous true',
        'set_tcp_nodelay true',
        `listener ${CONTROL_PORT} ${BROKER_IP}`,
        `listener ${LOAD_PORT} ${BROKER_IP}`,
        '',
      ].join('\n'),
    );
    const argv = [...lab.exec('broker'), MOSQUITTO_BINARY, '-c', conf];
    broker = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
    // Wait (bounded) until the load listener answers from the coordinator's namespace.
    for (let i = 0; i < 50; i++) {
      const probe = spawn(
        lab.exec('coord')[0],
        [...lab.exec('coord').slice(1), 'bash', '-c', `exec 3<>/dev/tcp/${BROKER_IP}/${LOAD_PORT}`],
        { stdio: 'ignore' },
      );
      if ((await new Promise((r) => probe.once('exit', r))) === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('mosquitto in the broker namespace did not start listening');
  }, 20_000);

  afterAll(async () => {
    await killAll(agents);
    if (broker && broker.exitCode === null) {
      broker.kill('SIGTERM');
      await Promise.race([new Promise((r) => broker!.once('exit', r)), new Promise((r) => setTimeout(r, 3000))]);
      if (broker.exitCode === null) broker.kill('SIGKILL');
    }
    lab?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('3 agents in 3 namespaces: merged counts equal a one-host run and the oracle', async () => {
    const load = `mqtt://${BROKER_IP}:${LOAD_PORT}`;
    const control = `mqtt://${BROKER_IP}:${CONTROL_PORT}`;
    const prefix = `fs-netns-${randomBytes(3).toString('hex')}`;
    // Agents start first, so their start-up overlaps the one-host run.
    agents = ['a1', 'a2', 'a3'].map((m, k) => spawnAgent({ control, token, id: `ns-${m}`, index: k, prefix, wrap: lab.exec(m) }));
    const single = await coordinatorRun(lab, ['--load', load, '--oracle'], token);
    const distributed = await coordinatorRun(
      lab,
      ['--load', load, '--oracle', '--control', control, '--agents', '3', '--prefix', prefix],
      token,
    );

    const expected = {
      attempted: 31,
      succeeded: 31,
      failed: 0,
      published: 180,
      acked: 180,
      received: 180,
      expected: 180,
      lost: 0,
      duplicated: 0,
    };
    expect(single.counts).toEqual(expected);
    expect(distributed.counts).toEqual(expected);
    expect([single.oracle, distributed.oracle]).toEqual([
      { total: 180, unique: 180 },
      { total: 180, unique: 180 },
    ]);
    expect(distributed.hosts.map((h) => [h.id, h.complete])).toEqual([
      ['ns-a1', true],
      ['ns-a2', true],
      ['ns-a3', true],
    ]);
    expect(distributed.hosts.reduce((n, h) => n + h.clients.devices, 0)).toBe(30);
    expect(await Promise.all(agents.map((a) => a.exited))).toEqual([0, 0, 0]);
  }, 60_000);
});
