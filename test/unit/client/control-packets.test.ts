// The hand-encoded CONNECT against mqtt-packet (the reference codec), byte for byte, both ways.

import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { encodeConnect, type ConnectFields } from '../../../src/client/control-packets.ts';

function reference(f: ConnectFields): Buffer {
  const packet: mqttPacket.IConnectPacket = {
    cmd: 'connect',
    protocolId: f.protocol === 3 ? 'MQIsdp' : 'MQTT',
    protocolVersion: f.protocol as 3 | 4 | 5,
    clientId: f.clientId,
    clean: f.clean,
    keepalive: f.keepaliveSec,
  };
  if (f.username !== undefined) packet.username = f.username;
  if (f.password !== undefined) packet.password = Buffer.from(f.password);
  if (f.will)
    packet.will = { topic: f.will.topic, payload: Buffer.from(f.will.payload), qos: f.will.qos as 0 | 1 | 2, retain: f.will.retain };
  if (f.protocol === 5 && f.sessionExpirySec > 0) packet.properties = { sessionExpiryInterval: f.sessionExpirySec };
  return mqttPacket.generate(packet, { protocolVersion: f.protocol });
}

function parse(buf: Buffer, protocol: number): mqttPacket.IConnectPacket {
  const parser = mqttPacket.parser({ protocolVersion: protocol });
  let out: mqttPacket.Packet | undefined;
  parser.on('packet', (p) => (out = p));
  parser.on('error', (e) => {
    throw e;
  });
  parser.parse(buf);
  return out as mqttPacket.IConnectPacket;
}

const cases: [string, ConnectFields][] = [];
for (const protocol of [3, 4, 5]) {
  cases.push([`v${protocol} minimal`, { protocol, clientId: 'lock-1', clean: true, keepaliveSec: 60, sessionExpirySec: 0 }]);
  cases.push([
    `v${protocol} everything`,
    {
      protocol,
      clientId: 'schloß-ü-' + 'x'.repeat(200),
      clean: false,
      keepaliveSec: 65535,
      username: 'user-é',
      password: 'p'.repeat(300),
      will: { topic: 'home/1/lock/online', payload: '0', qos: 1, retain: true },
      sessionExpirySec: protocol === 5 ? 3600 : 0,
    },
  ]);
  cases.push([
    `v${protocol} will qos 2, no login`,
    {
      protocol,
      clientId: 'a',
      clean: true,
      keepaliveSec: 0,
      will: { topic: 't', payload: '', qos: 2, retain: false },
      sessionExpirySec: 0,
    },
  ]);
  cases.push([
    `v${protocol} username only`,
    { protocol, clientId: 'b', clean: true, keepaliveSec: 30, username: 'u', sessionExpirySec: 0 },
  ]);
}

describe('encodeConnect', () => {
  it.each(cases)('%s: same bytes as mqtt-packet, and it parses back', (_name, fields) => {
    const ours = encodeConnect(fields);
    expect(ours.toString('hex')).toBe(reference(fields).toString('hex'));
    const parsed = parse(ours, fields.protocol);
    expect(parsed.clientId).toBe(fields.clientId);
    expect(parsed.keepalive).toBe(fields.keepaliveSec);
    expect(parsed.clean).toBe(fields.clean);
    expect(parsed.username).toBe(fields.username);
    expect(parsed.password?.toString()).toBe(fields.password);
  });
});
