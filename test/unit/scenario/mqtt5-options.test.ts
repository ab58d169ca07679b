// The MQTT 5 stream and command options: parsed and normalised under protocol 5, refused (with
// their path) under any other protocol, and topic aliases refused for persistent sessions.
import { describe, expect, it } from 'vitest';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';

const scenario = (protocol: number, publish: Record<string, unknown>, group: Record<string, unknown> = {}) => ({
  schema: 1,
  name: 'mqtt5',
  broker: { url: 'mqtt://127.0.0.1:1884', protocol },
  groups: [
    { name: 'devices', count: 2, publish: [{ topic: 'd/{i}', qos: 1, rate: '1/s', ...publish }], ...group },
    {
      name: 'app',
      count: 1,
      commands: [{ to: 'devices', topic: 'd/{target}/cmd', rate: '1/s' } as Record<string, unknown>],
    },
  ],
});

describe('MQTT 5 publish options', () => {
  it('are normalised under protocol 5', () => {
    const { scenario: s, issues } = validateScenarioObject(
      scenario(5, { userProperties: { site: 'lab', fw: '1.2' }, messageExpiry: '2m', topicAlias: true }),
    );
    expect(issues).toEqual([]);
    expect(s!.groups[0].publish[0]).toMatchObject({
      userProperties: { site: 'lab', fw: '1.2' },
      messageExpiryMs: 120_000,
      topicAlias: true,
    });
  });

  it('are refused under 3.1.1, each with its path', () => {
    const { issues } = validateScenarioObject(scenario(4, { userProperties: { a: 'b' }, messageExpiry: '30s', topicAlias: true }));
    expect(issues.map((i) => i.path)).toEqual([
      'groups[0].publish[0].userProperties',
      'groups[0].publish[0].messageExpiry',
      'groups[0].publish[0].topicAlias',
    ]);
    expect(issues[0].message).toContain('needs broker.protocol 5');
  });

  it('a topic alias needs a clean session; expiry is whole seconds', () => {
    expect(validateScenarioObject(scenario(5, { topicAlias: true }, { clean: false })).issues.map((i) => i.path)).toEqual([
      'groups[0].publish[0].topicAlias',
    ]);
    expect(validateScenarioObject(scenario(5, { messageExpiry: '1500ms' })).issues.map((i) => i.path)).toEqual([
      'groups[0].publish[0].messageExpiry',
    ]);
  });

  it('a command responseTopic needs protocol 5', () => {
    const raw = scenario(4, {});
    raw.groups[1].commands![0].responseTopic = 'app/{i}/responses';
    expect(validateScenarioObject(raw).issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'groups[1].commands[0].responseTopic: needs broker.protocol 5 (it is 4): request/response is MQTT 5',
    ]);
    const ok = scenario(5, {});
    ok.groups[1].commands![0].responseTopic = 'app/{i}/responses';
    const { scenario: s, issues } = validateScenarioObject(ok);
    expect(issues).toEqual([]);
    expect(s!.groups[1].commands![0].responseTopic).toBe('app/{i}/responses');
  });
});
