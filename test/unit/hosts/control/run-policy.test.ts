import { describe, expect, it } from 'vitest';
import { parseControlListen } from '../../../../src/hosts/control/control-broker.ts';
import { brokerAllowed, parseAllowList, refusal, type RunNeeds } from '../../../../src/hosts/control/run-policy.ts';

const needs = (over: Partial<RunNeeds> = {}): RunNeeds => ({ env: [], brokers: ['mqtt://10.0.0.5:1883'], files: [], ...over });

describe('--allow-brokers', () => {
  it('matches host:port with default ports, and URL prefixes as parsed', () => {
    expect(brokerAllowed('mqtt://10.0.0.5:1883', ['10.0.0.5:1883'])).toBe(true);
    expect(brokerAllowed('mqtt://10.0.0.5', ['10.0.0.5:1883'])).toBe(true);
    expect(brokerAllowed('mqtts://10.0.0.5', ['10.0.0.5:1883'])).toBe(false);
    expect(brokerAllowed('mqtts://Broker.Example', ['broker.example:8883'])).toBe(true);
    expect(brokerAllowed('mqtt://10.0.0.50:1883', ['10.0.0.5:1883'])).toBe(false);
    expect(brokerAllowed('mqtts://b.example:8883/x', ['mqtts://b.example:8883'])).toBe(true);
    expect(brokerAllowed('mqtt://b.example:8883', ['mqtts://b.example:8883'])).toBe(false);
    // user info cannot pass for the allowed host, nor a longer host name for a shorter one
    expect(brokerAllowed('mqtts://b.example:8883@evil.example:8883', ['mqtts://b.example:8883'])).toBe(false);
    expect(brokerAllowed('mqtts://b.example.evil:8883', ['mqtts://b.example'])).toBe(false);
    expect(brokerAllowed('not a url', ['10.0.0.5:1883'])).toBe(false);
  });

  it('parses the list and rejects entries that are neither', () => {
    expect(parseAllowList(' 10.0.0.5:1883, mqtts://b.example:8883 ,')).toEqual(['10.0.0.5:1883', 'mqtts://b.example:8883']);
    expect(() => parseAllowList('10.0.0.5')).toThrow(/must be host:port or a URL prefix/);
    expect(() => parseAllowList(',')).toThrow(/at least one/);
  });

  it('refuses with one line: missing variable, broker outside, file outside', () => {
    const policy = { allowBrokers: ['10.0.0.5:1883'], baseDir: '/srv/agent' };
    expect(refusal(needs(), policy, {})).toBeNull();
    expect(refusal(needs({ env: ['LOCK_PASSWORD', 'X'] }), policy, { X: '1' })).toBe(
      'environment variable LOCK_PASSWORD not set on this agent',
    );
    expect(refusal(needs({ brokers: ['mqtt://u:pw@evil.example:1883'] }), policy, {})).toBe(
      'broker mqtt://u:***@evil.example:1883 is outside --allow-brokers 10.0.0.5:1883',
    );
    expect(refusal(needs({ brokers: ['mqtt://${env:HOST}:1883'] }), policy, { HOST: '10.0.0.5' })).toBeNull();
    expect(refusal(needs({ files: ['certs/ca.pem'] }), policy, {})).toBeNull();
    expect(refusal(needs({ files: ['/etc/shadow'] }), policy, {})).toBe(
      "file /etc/shadow is outside this agent's directory /srv/agent (--allow-brokers is set)",
    );
    expect(refusal(needs({ files: ['../x.pem'], brokers: ['mqtt://evil:1'] }), { ...policy, allowBrokers: null }, {})).toBeNull();
  });
});

describe('--control-listen', () => {
  it('defaults to loopback 1884; takes host:port, :port and mqtts://', () => {
    expect(parseControlListen(undefined)).toEqual({ host: '127.0.0.1', port: 1884, tls: false });
    expect(parseControlListen('0.0.0.0:1884')).toEqual({ host: '0.0.0.0', port: 1884, tls: false });
    expect(parseControlListen(':9000')).toEqual({ host: '127.0.0.1', port: 9000, tls: false });
    expect(parseControlListen('mqtts://10.1.2.3:8883')).toEqual({ host: '10.1.2.3', port: 8883, tls: true });
    expect(parseControlListen('[::1]:1884')).toEqual({ host: '::1', port: 1884, tls: false });
    expect(() => parseControlListen('1884')).toThrow(/must be host:port/);
    expect(() => parseControlListen('h:70000')).toThrow(/must be host:port/);
  });
});
