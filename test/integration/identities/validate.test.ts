// What `validate` and `run` say about an identity inventory before anything connects, and what a
// host does with an inventory that is not the one the coordinator checked.
import { appendFileSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkInventories } from '../../../src/certs/inventory-check.ts';
import { LocalHost } from '../../../src/hosts/local-host.ts';
import { loadScenario } from '../../../src/scenario/load.ts';
import { REPO, runCliInProcess, tempDir, writeScenario } from '../../helpers/cli.ts';

const dir = tempDir('fleetstorm-identities-validate-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function inventory(name: string, lines: string[]): string {
  writeFileSync(path.join(dir, name), lines.join('\n') + '\n');
  return `./${name}`;
}

function scenario(count: number, identities: string, url = 'mqtt://127.0.0.1:9'): string {
  return writeScenario(
    {
      schema: 1,
      name: 'identities-validate',
      duration: '1s',
      broker: { url },
      groups: [{ name: 'locks', count, identities, publish: [{ topic: 'home/{clientId}/state', qos: 1, rate: '1/s' }] }],
    },
    mkdtempSync(path.join(dir, 'scenario-')),
  );
}

const rows = (k: number) => ['clientId,username,password', ...Array.from({ length: k }, (_, i) => `lock-${i},u${i},secret-${i}`)];

describe('identities at validate time', () => {
  it('a shorter inventory than count is an error naming both numbers, in validate and in run (exit 2)', async () => {
    const file = path.join(dir, 'short.csv');
    inventory('short.csv', rows(3));
    const yaml = scenario(5, file);
    for (const args of [
      ['validate', yaml],
      ['run', yaml, '--out', path.join(dir, 'never')],
    ]) {
      const r = await runCliInProcess(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`groups[0].identities: `);
      expect(r.stderr).toMatch(/short\.csv lists 3 devices, the group needs 5 \(count\)/);
      expect(r.stderr).not.toContain('secret-');
    }
  });

  it('an inventory as long as count, or longer, is valid', async () => {
    const file = path.join(dir, 'ok.csv');
    inventory('ok.csv', rows(6));
    for (const count of [5, 6]) {
      const r = await runCliInProcess(['validate', scenario(count, file)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });

  it('a repeated client id names its line; a missing file, an unknown extension and certificates without TLS are errors', async () => {
    const dup = path.join(dir, 'dup.csv');
    inventory('dup.csv', ['clientId,password', 'a,secret-a', 'b,secret-b', 'a,secret-c']);
    let r = await runCliInProcess(['validate', scenario(3, dup)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/groups\[0\]\.identities: .*dup\.csv:4: clientId "a" repeats line 2/);
    expect(r.stderr).not.toContain('secret-');

    r = await runCliInProcess(['validate', scenario(1, path.join(dir, 'missing.csv'))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/groups\[0\]\.identities: .*missing\.csv: cannot read the inventory/);

    r = await runCliInProcess(['validate', scenario(1, './devices.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('groups[0].identities: must name a .csv or .jsonl inventory file, got "./devices.txt"');

    const shared = path.join(dir, 'shared.csv');
    inventory('shared.csv', rows(1));
    const twice = writeScenario(
      {
        schema: 1,
        name: 'identities-twice',
        broker: { url: 'mqtt://127.0.0.1:9' },
        groups: [
          { name: 'a', count: 1, identities: shared },
          { name: 'b', count: 1, identities: shared },
        ],
      },
      mkdtempSync(path.join(dir, 'scenario-')),
    );
    r = await runCliInProcess(['validate', twice]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('groups[1].identities: the same inventory as groups[0]: both would connect its first devices');

    const pem = path.join(dir, 'c.pem');
    writeFileSync(pem, '-');
    const certs = path.join(dir, 'certs.csv');
    inventory('certs.csv', ['clientId,cert,key', `a,${pem},${pem}`]);
    r = await runCliInProcess(['validate', scenario(1, certs)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('groups[0].identities: 1 rows hold a client certificate, but no broker URL uses TLS (mqtts:// or wss://)');
  });
});

describe('scenarios/identities-mtls.yaml', () => {
  it('validates once `fleetstorm certs` has minted its inventory, and names both numbers when the group outgrows it', async () => {
    const copy = mkdtempSync(path.join(dir, 'example-'));
    copyFileSync(path.join(REPO, 'scenarios/identities-mtls.yaml'), path.join(copy, 'identities-mtls.yaml'));
    const example = path.join(copy, 'identities-mtls.yaml');
    const before = await runCliInProcess(['validate', example]);
    expect(before.code).toBe(2);
    expect(before.stderr).toMatch(/groups\[0\]\.identities: .*devices\.csv: cannot read the inventory/);
    const minted = await runCliInProcess(['certs', '--devices', '1000', '--out', path.join(copy, 'certs'), '--client-id', 'lock-{i}']);
    expect(minted.code, minted.stderr).toBe(0);
    const after = await runCliInProcess(['validate', example]);
    expect(after.code, after.stderr).toBe(0);
    const outgrown = await runCliInProcess(['validate', example, '--set', 'groups.locks.count=1001']);
    expect(outgrown.code).toBe(2);
    expect(outgrown.stderr).toMatch(/groups\[0\]\.identities: .*devices\.csv lists 1000 devices, the group needs 1001 \(count\)/);
  }, 120_000);
});

describe('identities on a host', () => {
  it('a host whose copy of the inventory differs from the one the coordinator checked refuses to run', async () => {
    const file = path.join(dir, 'pinned.csv');
    inventory('pinned.csv', rows(4));
    const loaded = loadScenario(scenario(4, file), { env: {} });
    expect(await checkInventories(loaded.scenario, loaded.baseDir)).toEqual([]);
    expect(loaded.scenario.groups[0].identities?.sha256).toMatch(/^[0-9a-f]{64}$/);
    appendFileSync(file, 'lock-4,u4,secret-4\n'); // this host's copy is no longer the coordinator's
    const host = new LocalHost('local');
    const plan = {
      hostId: 'local',
      scenario: loaded.scenario,
      slices: [{ group: 0, start: 0, count: 4, connectRate: 100 }],
      baseDir: loaded.baseDir,
      runStartMs: Date.now(),
    };
    await expect(host.prepare(plan)).rejects.toThrow(
      /groups\[0\]\.identities: .*pinned\.csv here has SHA-256 [0-9a-f]{16}…, the coordinator's has [0-9a-f]{16}…: the inventories differ, so this host refuses to run/,
    );
  });
});
