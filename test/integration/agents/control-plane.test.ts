// The control plane in one process against a real Mosquitto: forged messages are refused and
// counted, a coordinator waiting for agents gives up with one clear line, and an agent
// announces itself and is claimed.
import { randomBytes } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { expect, it } from 'vitest';
import { startAgent } from '../../../src/hosts/agent-host.ts';
import { connectAgents } from '../../../src/hosts/control/connect-agents.ts';
import { findFreePorts } from '../../../src/broker/free-port.ts';
import { Signer } from '../../../src/hosts/control/envelope.ts';
import { controlTopics } from '../../../src/hosts/control/topics.ts';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';

const hello = (id: string) => ({
  kind: 'hello',
  busy: false,
  agent: { id, hostname: 'forger', pid: 1, fdLimit: 1024, cores: 1, index: null, version: '0' },
});

describeWithMosquitto('control plane', () => {
  const control = useMosquitto();

  it('refuses and counts a hello signed with the wrong token; the wait ends with a clear error', async () => {
    const prefix = `fs-cp-${randomBytes(3).toString('hex')}`;
    const topics = controlTopics(prefix);
    const forger = await connectAsync(control().url, { reconnectPeriod: 0 });
    const lines: string[] = [];
    const waiting = connectAgents({
      controlUrl: control().url,
      count: 1,
      token: 'right',
      prefix,
      timeoutMs: 1500,
      log: (l) => lines.push(l),
    });
    // Keep forging until the coordinator has subscribed and seen one (bounded: 1.5 s).
    for (let i = 0; i < 15 && !lines.some((l) => l.includes('rejected')); i++) {
      await forger.publishAsync(topics.status('evil'), new Signer('wrong', 'evil').sign(topics.status('evil'), hello('evil')), { qos: 1 });
      await new Promise((r) => setTimeout(r, 100));
    }
    await expect(waiting).rejects.toThrow(
      /^waited 2 s for 1 agent\(s\) on mqtt:\/\/127\.0\.0\.1:\d+; 0 joined: check that agents run with the same --control URL and token$/,
    );
    expect(lines.find((l) => l.includes('rejected'))).toBe(`control: rejected a message on ${topics.status('evil')} (bad-mac)`);
    expect(lines.some((l) => l.includes('joined'))).toBe(false);
    await forger.endAsync();
  }, 10_000);

  it('an agent that started first is found, claimed and released', async () => {
    const prefix = `fs-cp-${randomBytes(3).toString('hex')}`;
    const token = randomBytes(8).toString('hex');
    const agentLog: string[] = [];
    const agent = startAgent({ control: control().url, token, id: 'early', index: 4, prefix, log: (l) => agentLog.push(l) });
    try {
      for (let i = 0; i < 40 && !agentLog.some((l) => l.startsWith('connected')); i++) await new Promise((r) => setTimeout(r, 50));
      const fleet = await connectAgents({ controlUrl: control().url, count: 1, token, prefix, timeoutMs: 5000, log: () => {} });
      expect(fleet.hosts.map((h) => h.info)).toEqual([
        { id: 'early', kind: 'agent', hostname: fleet.agents[0].hostname, clients: {}, complete: true },
      ]);
      expect(fleet.agents[0]).toMatchObject({ id: 'early', index: 4, pid: process.pid });
      expect(fleet.rejected()).toEqual({ malformed: 0, 'bad-mac': 0, stale: 0, replay: 0 });
      await fleet.close();
      for (let i = 0; i < 40 && !agentLog.some((l) => l.includes('released')); i++) await new Promise((r) => setTimeout(r, 50));
      expect(agentLog.filter((l) => !l.startsWith('connected'))).toEqual([
        `claimed by run ${fleet.runId}`,
        `run ${fleet.runId} released by the coordinator`,
      ]);
    } finally {
      await agent.stop();
    }
    expect(await agent.done).toMatchObject({ runs: 1, last: { complete: false, reason: 'released by the coordinator' } });
  }, 15_000);

  it('without --control the coordinator starts the embedded broker and agents join through it', async () => {
    const [port] = await findFreePorts(1, '127.0.0.1');
    const token = randomBytes(8).toString('hex');
    const lines: string[] = [];
    const agent = startAgent({ control: `mqtt://127.0.0.1:${port}`, token, id: 'via-aedes', prefix: 'fleetstorm', log: () => {} });
    try {
      const fleet = await connectAgents({
        count: 1,
        token,
        listen: `127.0.0.1:${port}`,
        timeoutMs: 8000,
        log: (l) => lines.push(l),
      });
      expect(fleet.controlUrl).toBe(`mqtt://127.0.0.1:${port}`);
      expect(lines[0]).toBe(
        `control broker (embedded) listening on 127.0.0.1:${port} (loopback only; --control-listen <host:port> to open it); start agents with: fleetstorm agent --control 'mqtt://127.0.0.1:${port}'`,
      );
      expect(fleet.hosts.map((h) => h.info.id)).toEqual(['via-aedes']);
      await fleet.close();
    } finally {
      await agent.stop();
    }
  }, 15_000);
});
