import { describe, expect, it } from 'vitest';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';

const minimal = () => ({ schema: 1, name: 'tiny', groups: [{ name: 'devices', count: 3 }] });

describe('validateScenarioObject', () => {
  it('applies every default and normalises units', () => {
    const { scenario, issues } = validateScenarioObject(minimal());
    expect(issues).toEqual([]);
    expect(scenario).toEqual({
      schema: 1,
      name: 'tiny',
      seed: 1,
      durationMs: 60_000,
      drainMs: 3_000,
      broker: { urls: [], protocol: 4, sourceAddresses: [], connectTimeoutMs: 10_000 },
      groups: [
        {
          name: 'devices',
          count: 3,
          clientId: '{group}-{i}',
          keepaliveMs: 60_000,
          clean: true,
          sessionExpiryMs: 0,
          connectRate: 100,
          maxConnectsInFlight: 1000,
          subscribe: [],
          publish: [],
          commands: [],
        },
      ],
      scale: 1,
      monitor: { sys: true, intervalMs: 5000 },
      thresholds: {},
    });
  });

  it('reports every mistake at once, with exact paths, in file order', () => {
    const raw = {
      schema: 1,
      name: 'Bad Name',
      duration: '10 sec',
      groups: [
        { name: 'locks', count: 10, colour: 'red', publish: [{ topic: 'a/b', rate: '1/s' }] },
        { name: 'sensors', count: -5, keepalive: 'soon', publish: [{ topic: 'x/y', qos: 3, rate: '1/s' }] },
      ],
    };
    const { scenario, issues } = validateScenarioObject(raw);
    expect(scenario).toBeUndefined();
    expect(issues).toEqual([
      { path: 'name', message: 'must use only a-z, 0-9 and "-", got "Bad Name"' },
      { path: 'duration', message: 'must be a duration like 500ms, 60s, 5m or 1h, got "10 sec"' },
      { path: 'groups[0].colour', message: 'unknown key' },
      { path: 'groups[1].count', message: 'must be a positive integer, got -5' },
      { path: 'groups[1].keepalive', message: 'must be a duration like 500ms, 60s, 5m or 1h, got "soon"' },
      { path: 'groups[1].publish[0].qos', message: 'must be 0, 1 or 2, got 3' },
    ]);
  });

  it('reports wrong types, missing fields and an empty group list', () => {
    expect(validateScenarioObject({ schema: '1', groups: [] }).issues).toEqual([
      { path: 'schema', message: 'must be 1 (the scenario format this fleetstorm reads), got "1"' },
      { path: 'groups', message: 'must have at least 1 entry' },
      { path: 'name', message: 'is required' },
    ]);
    expect(validateScenarioObject({ ...minimal(), broker: 'localhost', groups: { a: 1 } }).issues).toEqual([
      // `groups` comes first in this object's key order, which is the file order in YAML.
      { path: 'groups', message: 'must be a list, got {"a":1}' },
      { path: 'broker', message: 'must be a mapping (key: value), got "localhost"' },
    ]);
    expect(validateScenarioObject([]).issues).toEqual([{ path: '(root)', message: 'must be a mapping (key: value), got []' }]);
  });

  it('treats an empty YAML value (null) as not given', () => {
    const { scenario } = validateScenarioObject({ ...minimal(), description: null, broker: null });
    expect(scenario?.broker.urls).toEqual([]);
    expect(scenario?.description).toBeUndefined();
  });

  it('checks rules spanning fields alongside the per-field ones', () => {
    const raw = {
      schema: 1,
      name: 'cross',
      broker: { url: 'mqtt://127.0.0.1', urls: ['mqtt://127.0.0.1:1884'] },
      groups: [
        {
          name: 'a',
          count: 2,
          clientId: 'same',
          sessionExpiry: '1h',
          publish: [
            { topic: 't', size: 10 },
            { topic: 't', rate: '1/s', totalRate: '5/s', qos: 9 },
            { topic: 't', size: 10, track: false, totalRate: '5/s' },
          ],
        },
        { name: 'a', count: 1 },
      ],
    };
    expect(validateScenarioObject(raw).issues).toEqual([
      { path: 'broker.urls', message: 'give either url or urls, not both' },
      { path: 'groups[0].clientId', message: 'must contain {i} (or {rand:N}) so the clients of the group get distinct ids' },
      { path: 'groups[0].sessionExpiry', message: 'needs broker.protocol 5 (it is 4); use 0s or switch to MQTT 5' },
      {
        path: 'groups[0].publish[0]',
        message: 'needs rate (per client, e.g. 1/s) or totalRate (for the group, e.g. 100/s), or onConnect: true',
      },
      {
        path: 'groups[0].publish[0].size',
        message: 'must be at least 20 bytes while track is true (the tracking header is 20 bytes); set track: false for smaller payloads',
      },
      { path: 'groups[0].publish[1].totalRate', message: 'give either rate (per client) or totalRate (for the group), not both' },
      { path: 'groups[0].publish[1].qos', message: 'must be 0, 1 or 2, got 9' },
      { path: 'groups[1].name', message: 'duplicate group name "a" (also groups[0])' },
    ]);
  });

  it('accepts session expiry on MQTT 5 and keepalive 0', () => {
    const raw = {
      ...minimal(),
      broker: { protocol: 5 },
      groups: [{ name: 'a', count: 1, sessionExpiry: '1h', keepalive: 0, clean: false }],
    };
    const group = validateScenarioObject(raw).scenario?.groups[0];
    expect(group).toMatchObject({ sessionExpiryMs: 3_600_000, keepaliveMs: 0, clean: false });
    expect(validateScenarioObject({ ...raw, groups: [{ name: 'a', count: 1, keepalive: '1.5s' }] }).issues).toEqual([
      { path: 'groups[0].keepalive', message: 'must be whole seconds, got "1.5s"' },
    ]);
    expect(validateScenarioObject({ ...raw, groups: [{ name: 'a', count: 1, keepalive: '19h' }] }).issues).toEqual([
      { path: 'groups[0].keepalive', message: 'must be at most 65535s, got "19h"' },
    ]);
  });

  it('normalises broker URLs, expands source addresses and keeps TLS paths as written', () => {
    const raw = {
      ...minimal(),
      broker: {
        urls: ['mqtt://127.0.0.1', 'mqtts://localhost', 'mqtt://127.0.0.1:1884/'],
        sourceAddresses: ['127.0.0.2-127.0.0.4', '127.0.0.9'],
        tls: { ca: './ca.pem', servername: 'broker.local' },
        connectTimeout: '2s',
      },
    };
    expect(validateScenarioObject(raw).scenario?.broker).toEqual({
      urls: ['mqtt://127.0.0.1:1883', 'mqtts://localhost:8883', 'mqtt://127.0.0.1:1884'],
      protocol: 4,
      tls: { ca: './ca.pem', rejectUnauthorized: true, servername: 'broker.local' },
      sourceAddresses: ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.9'],
      connectTimeoutMs: 2_000,
    });
  });

  it('rejects other URL schemes and bad source addresses', () => {
    const raw = {
      ...minimal(),
      broker: {
        urls: ['tcp://127.0.0.1:1883', 'mqtt://user:pw@127.0.0.1', 'mqtt://127.0.0.1/path'],
        sourceAddresses: ['127.0.0.300'],
        protocol: 6,
      },
    };
    expect(validateScenarioObject(raw).issues).toEqual([
      { path: 'broker.urls[0]', message: 'must start with mqtt://, mqtts://, ws:// or wss://, got "tcp://127.0.0.1:1883"' },
      { path: 'broker.urls[1]', message: 'must not carry credentials; use the group username and password' },
      { path: 'broker.urls[2]', message: 'must not have a path or query, got "mqtt://127.0.0.1/path"' },
      { path: 'broker.sourceAddresses[0]', message: 'must be an IPv4 address or a range like 127.0.0.2-127.0.0.9, got "127.0.0.300"' },
      { path: 'broker.protocol', message: 'must be 3 (MQTT 3.1), 4 (3.1.1) or 5 (5.0), got 6' },
    ]);
  });

  it('validates topics and template placeholders per field', () => {
    const raw = {
      ...minimal(),
      groups: [
        {
          name: 'a',
          count: 1,
          clientId: 'c-{clientId}',
          username: '{user}',
          will: { topic: 'w/#' },
          subscribe: [{ topic: 'home/{i}/+/cmd' }, { topic: 'a/b+' }, { topic: '$share//x' }],
          publish: [
            { topic: 'home/{i}/+', rate: '1/s' },
            { topic: 'home/{clientId}/{rand:4}', totalRate: '3/m' },
          ],
        },
      ],
    };
    expect(validateScenarioObject(raw).issues).toEqual([
      { path: 'groups[0].clientId', message: '{clientId} is not available here (use {i}, {group}, {rand:N})' },
      { path: 'groups[0].username', message: '{user} is not a placeholder (use {i}, {group}, {clientId}, {rand:N})' },
      { path: 'groups[0].will.topic', message: 'must not contain the wildcards + or # (publish topic "w/#")' },
      { path: 'groups[0].subscribe[1].topic', message: '"+" must fill a whole level, like a/+/b (in "a/b+")' },
      { path: 'groups[0].subscribe[2].topic', message: '$share/<name>/<filter> needs a share name (in "$share//x")' },
      { path: 'groups[0].publish[0].topic', message: 'must not contain the wildcards + or # (publish topic "home/0/+")' },
    ]);
  });

  it('fills stream defaults and keeps exactly one of rate / totalRate', () => {
    const raw = {
      ...minimal(),
      groups: [
        {
          name: 'a',
          count: 4,
          will: { topic: 'w/{i}' },
          subscribe: [{ topic: 'cmd/{i}', qos: 2 }],
          publish: [
            { topic: 's/{i}', rate: '0.2/s' },
            { topic: 'bulk', totalRate: '30/m', size: 8, track: false, retain: true, qos: 1 },
          ],
        },
      ],
    };
    const group = validateScenarioObject(raw).scenario!.groups[0];
    expect(group.will).toEqual({ topic: 'w/{i}', payload: '', qos: 0, retain: false });
    expect(group.subscribe).toEqual([{ topic: 'cmd/{i}', qos: 2 }]);
    expect(group.publish).toEqual([
      { topic: 's/{i}', qos: 0, retain: false, size: 64, rate: 0.2, track: true, arrival: 'fixed', jitter: 0, onConnect: false },
      { topic: 'bulk', qos: 1, retain: true, size: 8, totalRate: 0.5, track: false, arrival: 'fixed', jitter: 0, onConnect: false },
    ]);
  });

  it('takes thresholds as a map of strings', () => {
    const ok = validateScenarioObject({ ...minimal(), thresholds: { 'connect.p99': '< 500ms' } });
    expect(ok.scenario?.thresholds).toEqual({ 'connect.p99': '< 500ms' });
    expect(validateScenarioObject({ ...minimal(), thresholds: { 'messages.lossRate': 0 } }).issues).toEqual([
      { path: 'thresholds.messages.lossRate', message: 'must be a string, got 0' },
    ]);
  });
});
