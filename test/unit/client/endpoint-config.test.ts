import { describe, expect, it } from 'vitest';
import { EndpointConfig, parseEndpoint } from '../../../src/client/endpoint-config.ts';
import { buildFleet } from '../../../src/engine/fleet.ts';
import { initialEndpoint } from '../../../src/engine/endpoints.ts';
import { validateScenarioObject } from '../../../src/scenario/schema.ts';

function setup(urls: string[], sourceAddresses: string[], count: number) {
  const { scenario, issues } = validateScenarioObject({
    schema: 1,
    name: 'ep',
    broker: { urls, sourceAddresses },
    groups: [{ name: 'd', count }],
  });
  expect(issues).toEqual([]);
  const fleet = buildFleet(scenario!);
  const config = new EndpointConfig(scenario!, process.cwd());
  const g = fleet.groups[0]!;
  return (i: number) => {
    const e = config.endpointFor(g.clientBase + i, initialEndpoint(scenario!, g, i));
    return `${e.host}:${e.port}|${e.localAddress ?? ''}`;
  };
}

describe('endpoints, worked out once per run', () => {
  it('walks every (url, source) pair round-robin, even when the counts share a factor', () => {
    const at = setup(['mqtt://127.0.0.1:1883', 'mqtt://127.0.0.2:1884'], ['127.0.1.1', '127.0.1.2'], 5);
    expect([0, 1, 2, 3, 4].map(at)).toEqual([
      '127.0.0.1:1883|127.0.1.1',
      '127.0.0.2:1884|127.0.1.1',
      '127.0.0.1:1883|127.0.1.2',
      '127.0.0.2:1884|127.0.1.2',
      '127.0.0.1:1883|127.0.1.1',
    ]);
  });

  it('leaves the source to the OS when none are given, and knows the default ports', () => {
    const at = setup(['mqtt://a', 'mqtts://[::1]'], [], 2);
    expect([0, 1].map(at)).toEqual(['a:1883|', '::1:8883|']);
  });

  it('spreads evenly: each pair gets total/pairs connections', () => {
    const at = setup(['mqtt://h1:1', 'mqtt://h2:1', 'mqtt://h3:1'], ['127.0.1.1', '127.0.1.2'], 6000);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) counts.set(at(i), (counts.get(at(i)) ?? 0) + 1);
    expect([...counts.values()]).toEqual([1000, 1000, 1000, 1000, 1000, 1000]);
  });
});

describe('parseEndpoint and broker URLs over WebSocket', () => {
  it('validation keeps ws/wss paths and default ports; parseEndpoint carries the ws URL and TLS', () => {
    const { scenario, issues } = validateScenarioObject({
      schema: 1,
      name: 'ws',
      broker: { urls: ['ws://127.0.0.1:8080/mqtt', 'wss://broker.example/mqtt?x=1', 'ws://[::1]:9001', 'mqtts://broker.example'] },
      groups: [{ name: 'd', count: 1 }],
    });
    expect(issues).toEqual([]);
    const urls = scenario!.broker.urls;
    expect(urls).toEqual([
      'ws://127.0.0.1:8080/mqtt',
      'wss://broker.example:443/mqtt?x=1',
      'ws://[::1]:9001/',
      'mqtts://broker.example:8883',
    ]);
    const [ws, wss, ws6, mqtts] = urls.map((u) => parseEndpoint(u, { rejectUnauthorized: false }));
    expect(ws).toEqual({ host: '127.0.0.1', port: 8080, wsUrl: 'ws://127.0.0.1:8080/mqtt' });
    // new URL() drops the scheme's default port from `host`: the same place either way.
    expect(wss).toEqual({
      host: 'broker.example',
      port: 443,
      wsUrl: 'wss://broker.example/mqtt?x=1',
      tls: { rejectUnauthorized: false, servername: 'broker.example' },
    });
    expect(ws6).toEqual({ host: '::1', port: 9001, wsUrl: 'ws://[::1]:9001/' });
    expect(mqtts).toEqual({ host: 'broker.example', port: 8883, tls: { rejectUnauthorized: false, servername: 'broker.example' } });
    // No SNI for an IP address (RFC 6066).
    expect(parseEndpoint('wss://127.0.0.1:8443/mqtt').tls).toEqual({});
  });

  it('refuses a #fragment on ws:// and a path on mqtt://', () => {
    const { issues } = validateScenarioObject({
      schema: 1,
      name: 'ws',
      broker: { urls: ['ws://127.0.0.1:8080/mqtt#x', 'mqtt://127.0.0.1/mqtt'] },
      groups: [{ name: 'd', count: 1 }],
    });
    expect(issues).toEqual([
      { path: 'broker.urls[0]', message: 'must not have a #fragment, got "ws://127.0.0.1:8080/mqtt#x"' },
      { path: 'broker.urls[1]', message: 'must not have a path or query, got "mqtt://127.0.0.1/mqtt"' },
    ]);
  });
});
