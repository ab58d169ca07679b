// Identities on remote agents: each agent process reads its own rows of the inventory from its
// own disk (here the same machine), the coordinator sends only the file's SHA-256, and together
// the agents connect exactly the inventory's client ids with their passwords (the oracle sees each
// id's topic). An agent whose copy of the file differs from the coordinator's refuses the run.
import { randomBytes } from 'node:crypto';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../../../src/broker/mosquitto.ts';
import { checkInventories } from '../../../src/certs/inventory-check.ts';
import { loadScenario } from '../../../src/scenario/load.ts';
import { describeWithMosquitto, useMosquitto } from '../../helpers/brokers.ts';
import { tempDir } from '../../helpers/cli.ts';
import { startOracle } from '../../helpers/oracle.ts';
import { killAll, runOnAgents, spawnAgent, type AgentProcess } from '../agents/harness.ts';

const DEVICES = 24;
const dir = tempDir('fleetstorm-identities-agents-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = Array.from({ length: DEVICES }, (_, i) => ({
  clientId: `agent-dev-${i}-${randomBytes(2).toString('hex')}`,
  username: `ag-${i}`,
  password: `pw-${randomBytes(10).toString('hex')}`,
}));
const ORACLE = { username: 'oracle', password: `pw-${randomBytes(10).toString('hex')}` };

async function pinnedScenario(url: string, inventory: string) {
  const file = path.join(dir, `${path.basename(inventory, '.csv')}.yaml`);
  writeFileSync(
    file,
    `schema: 1
name: identities-agents
duration: 2s
drain: 2s
broker: { url: "${url}" }
groups:
  - name: devices
    count: ${DEVICES}
    identities: ./${path.basename(inventory)}
    connectRate: 300/s
    publish:
      - { topic: "ag/{clientId}", qos: 1, rate: 1/s }
`,
  );
  const loaded = loadScenario(file, { env: {} });
  expect(await checkInventories(loaded.scenario, loaded.baseDir)).toEqual([]);
  return loaded;
}

function writeInventory(name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, ['clientId,username,password', ...rows.map((r) => `${r.clientId},${r.username},${r.password}`)].join('\n') + '\n');
  return file;
}

describeWithMosquitto('identities on remote agents', () => {
  const control = useMosquitto();
  let load: MosquittoHandle;
  const token = randomBytes(16).toString('hex');
  let agents: AgentProcess[] = [];
  afterEach(() => killAll(agents));

  beforeAll(async () => {
    load = await startMosquitto({
      users: Object.fromEntries([...rows.map((r) => [r.username, r.password]), [ORACLE.username, ORACLE.password]]),
    });
  }, 30_000);
  afterAll(async () => {
    await load?.stop();
  });

  it('2 agents read their own rows: together they connect exactly the inventory, the oracle sees each id', async () => {
    const loaded = await pinnedScenario(load.url, writeInventory('devices.csv'));
    const prefix = `fs-ident-${randomBytes(3).toString('hex')}`;
    agents = [0, 1].map((k) => spawnAgent({ control: control().url, token, id: `ident-a${k}`, index: k, prefix }));
    const oracle = await startOracle(load.url, ['ag/#'], { qos: 1, ...ORACLE });
    const result = await runOnAgents(loaded, { controlUrl: control().url, count: 2, token, prefix });
    const seen = await oracle.waitForQuiet(300, 5000);
    await oracle.stop();
    expect(result.run.hosts.map((h) => [h.kind, h.complete, h.clients.devices])).toEqual([
      ['agent', true, DEVICES / 2],
      ['agent', true, DEVICES / 2],
    ]);
    const devices = result.groups.devices;
    expect(devices.connections).toMatchObject({ attempted: DEVICES, succeeded: DEVICES, failed: 0 });
    const perDevice = devices.messages.published / DEVICES;
    expect(Number.isInteger(perDevice) && perDevice > 0).toBe(true);
    expect(seen.perTopic).toEqual(Object.fromEntries(rows.map((r) => [`ag/${r.clientId}`, perDevice])));
  }, 90_000);

  it('an agent whose copy of the inventory differs from the coordinator’s refuses the run', async () => {
    const inventory = writeInventory('changed.csv');
    const loaded = await pinnedScenario(load.url, inventory);
    appendFileSync(inventory, 'late-row,ag-late,pw-late\n'); // the agents' copy is no longer the one checked
    const prefix = `fs-ident-${randomBytes(3).toString('hex')}`;
    agents = [spawnAgent({ control: control().url, token, id: 'ident-b0', index: 0, prefix })];
    const oracle = await startOracle(load.url, ['ag/#'], { qos: 1, ...ORACLE });
    const run = runOnAgents(loaded, { controlUrl: control().url, count: 1, token, prefix });
    await expect(run).rejects.toThrow(
      /host ident-b0: groups\[0\]\.identities: .*changed\.csv here has SHA-256 [0-9a-f]{16}…, the coordinator's has [0-9a-f]{16}…: the inventories differ, so this host refuses to run/,
    );
    const seen = await oracle.waitForQuiet(300, 3000);
    await oracle.stop();
    expect(seen.total).toBe(0); // nothing connected, nothing published
  }, 90_000);
});
