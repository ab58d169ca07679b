// Failures on either side of the control plane: a SIGKILLed agent is noticed within seconds and
// its shard is marked missing while the run finishes; a SIGKILLed coordinator makes its agents
// stop their load instead of running on.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import type { Host } from '../../../src/hosts/host.ts';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { agentScenario, killAll, REPO, runOnAgents, spawnAgent, STATE_FILTER, type AgentProcess } from './harness.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, done: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  for (let i = 0; i < timeoutMs / 50; i++) {
    if (done()) return Date.now() - start;
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describeWithMosquitto('agent failures', () => {
  const control = useMosquitto();
  const load = useMosquitto();
  const token = randomBytes(16).toString('hex');
  let agents: AgentProcess[] = [];
  afterEach(() => killAll(agents));

  it('an agent killed mid-run: noticed within seconds, its shard marked missing, the run finishes', async () => {
    const prefix = `fs-kill-${randomBytes(3).toString('hex')}`;
    const loaded = agentScenario(load().url, { duration: '6s' });
    agents = [0, 1, 2].map((k) => spawnAgent({ control: control().url, token, id: `kill-a${k}`, index: k, prefix }));
    let hosts: Host[] = [];
    let killedAt = 0;
    const started = Date.now();
    const running = runOnAgents(loaded, {
      controlUrl: control().url,
      count: 3,
      token,
      prefix,
      onHosts: (h) => {
        hosts = h;
        // Well inside the steady state: connect takes a few tens of ms, then 6 s of publishing.
        setTimeout(() => {
          killedAt = Date.now();
          agents[1].kill('SIGKILL');
        }, 2500);
      },
    });
    const settled = running.then(
      (r) => ({ r }),
      (e: Error) => ({ e }),
    );
    await Promise.race([until('the kill', () => killedAt > 0, 40_000), settled]);
    const noticedMs = killedAt ? await until('the coordinator to notice', () => hosts[1]?.info.complete === false, 6000) : -1;
    const outcome = await settled;
    if ('e' in outcome) throw outcome.e;
    const result = outcome.r;
    const totalMs = Date.now() - started;

    expect(noticedMs).toBeGreaterThanOrEqual(0);
    expect(noticedMs).toBeLessThan(5000); // the will arrives at once; the silence bound is 3.5 s
    expect(result.run.hosts.map((h) => [h.id, h.complete, h.complete ? '' : h.note])).toEqual([
      ['kill-a0', true, ''],
      ['kill-a1', false, expect.stringMatching(/^agent kill-a1 \(.+\) (went offline|silent for)/)],
      ['kill-a2', true, ''],
    ]);
    expect(result.run.hosts[1].note).toMatch(/^agent kill-a1 \(.+\) (went offline|silent for)/);
    expect(result.run.hosts[1].clients).toEqual({ devices: 10, backend: 0 });
    // The surviving shards' clients are all there; the lost one contributes nothing.
    expect(result.summary.connections.attempted).toBe(21);
    expect(result.summary.connections.succeeded).toBe(21);
    expect(totalMs).toBeLessThan(45_000); // joining + 6 s steady + drain; nothing waits on the lost agent
    expect(await agents[1].exited).toBe(null); // killed by signal
    expect(await Promise.all([agents[0].exited, agents[2].exited])).toEqual([0, 0]);
  }, 60_000);

  it('the coordinator killed mid-run: its agents stop their load within seconds and exit 1', async () => {
    const prefix = `fs-coord-${randomBytes(3).toString('hex')}`;
    agents = [0, 1].map((k) => spawnAgent({ control: control().url, token, id: `orphan-a${k}`, prefix }));
    const oracle = await startOracle(load().url, [STATE_FILTER]);
    const coordinator = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/integration/agents/coordinator-entry.ts',
        '--load',
        load().url,
        '--control',
        control().url,
        '--agents',
        '2',
        '--prefix',
        prefix,
        '--duration',
        '60s',
      ],
      { cwd: REPO, env: { ...process.env, FLEETSTORM_TOKEN: token }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    coordinator.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    const coordinatorExit = new Promise((r) => coordinator.once('exit', r));
    try {
      await until('2 agents to join', () => (log.match(/joined/g) ?? []).length === 2, 30_000);
      await until('load to flow', () => oracle.counts().total >= 40, 10_000);
    } catch (err) {
      coordinator.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n${log}`);
    }
    coordinator.kill('SIGKILL');
    const killedAt = Date.now();
    await coordinatorExit;

    const codes = await Promise.race([Promise.all(agents.map((a) => a.exited)), sleep(10_000).then(() => 'still running')]);
    const exitedMs = Date.now() - killedAt;
    expect(codes).toEqual([1, 1]);
    expect(exitedMs).toBeLessThan(8000);
    // Nothing is published once the agents are gone: the count stays put.
    const atExit = oracle.counts().total;
    await sleep(1500);
    expect(oracle.counts().total).toBe(atExit);
    expect(agents[0].output()).toMatch(/coordinator is gone|no heartbeat from the coordinator/);
    await oracle.stop();
  }, 60_000);
});
