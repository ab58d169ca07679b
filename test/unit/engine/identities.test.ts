// A shard's identities: its own block of rows replaces the group's clientId, username and password
// in the CONNECT it sends (decoded here with mqtt-packet, the reference codec); a row without a
// username falls back to the template; ids of devices outside the block are read only when a
// template needs `{clientId}`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqttPacket from 'mqtt-packet';
import { afterAll, describe, expect, it } from 'vitest';
import { buildConnectPacket } from '../../../src/client/control-packets.ts';
import { buildFleet } from '../../../src/engine/fleet.ts';
import { applyIdentities, loadShardIdentities, tlsIdentityOf } from '../../../src/engine/identities.ts';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';
import type { Scenario } from '../../../src/scenario/types.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-identities-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Row 3 has no username: it falls back to the group's template.
writeFileSync(
  path.join(dir, 'devices.csv'),
  ['clientId,username,password', 'a0,u0,p0', 'a1,u1,p1', 'a2,u2,p2', 'a3,,p3', 'a4,u4,p4', 'a5,u5,p5'].join('\n') + '\n',
);

function scenario(subscribe: string): Scenario {
  const { scenario, issues } = validateScenarioObject({
    schema: 1,
    name: 'identities-unit',
    broker: { url: 'mqtt://127.0.0.1:9' },
    groups: [
      { name: 'locks', count: 6, identities: './devices.csv', username: 'tpl-{clientId}', subscribe: [{ topic: subscribe, qos: 1 }] },
    ],
  });
  expect(issues).toEqual([]);
  return scenario!;
}

function connectOf(buf: Buffer): mqttPacket.IConnectPacket {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  let out: mqttPacket.Packet | undefined;
  parser.on('packet', (p) => (out = p));
  parser.parse(buf);
  return out as mqttPacket.IConnectPacket;
}

describe('a shard’s identities', () => {
  it('replace clientId, username and password in CONNECT for the devices of its block', async () => {
    const s = scenario('cmd/{i}');
    const slice = { group: 0, start: 2, count: 3, connectRate: 10 };
    const ids = await loadShardIdentities(s, [slice], dir);
    expect(ids![0]!.rows.map((r) => r.clientId)).toEqual(['a2', 'a3', 'a4']);
    expect(ids![0]!.ids).toBeNull(); // no template reads {clientId} of other devices
    const fleet = buildFleet(s);
    applyIdentities(fleet, ids!);
    const g = fleet.groups[0];
    const sent = [2, 3, 4].map((i) => connectOf(buildConnectPacket(fleet, g, i)));
    expect(sent.map((p) => [p.clientId, p.username, p.password?.toString()])).toEqual([
      ['a2', 'u2', 'p2'],
      ['a3', 'tpl-a3', 'p3'],
      ['a4', 'u4', 'p4'],
    ]);
    expect(tlsIdentityOf(ids!, 0, 2)).toBeUndefined(); // no certificate in these rows
  });

  it('read every client id when a topic template uses {clientId}, so fan-out sees devices of other shards', async () => {
    const s = scenario('cmd/{clientId}');
    const ids = await loadShardIdentities(s, [{ group: 0, start: 0, count: 2, connectRate: 10 }], dir);
    expect(ids![0]!.rows).toHaveLength(2);
    expect(ids![0]!.ids).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5']);
    const fleet = buildFleet(s);
    applyIdentities(fleet, ids!);
    const g = fleet.groups[0];
    expect(g.subscribe[0]({ i: 5, group: 'locks', seed: 1, clientId: g.clientId({ i: 5, group: 'locks', seed: 1 }) })).toBe('cmd/a5');
  });
});
