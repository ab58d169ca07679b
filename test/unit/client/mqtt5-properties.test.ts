// MQTT 5 properties, checked against mqtt-packet (the codec MQTT.js uses) both ways: CONNACK
// properties mqtt-packet writes are read into the connection's limits, and the publish
// properties a stream pre-encodes parse back in mqtt-packet to what was asked for.
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { buildPublishTemplate } from '../../../src/client/fast-codec.ts';
import { BrokerLimits, FEATURE_RETAIN, FEATURE_SHARED, FEATURE_WILDCARD, MQTT_MAX_PACKET } from '../../../src/client/mqtt5-limits.ts';
import { encodePublishProperties } from '../../../src/client/mqtt5-properties.ts';
import { disconnectReason } from '../../../src/client/mqtt5-reasons.ts';

function connack(properties: NonNullable<mqttPacket.IConnackPacket['properties']>): Buffer {
  return mqttPacket.generate({ cmd: 'connack', sessionPresent: false, reasonCode: 0, properties }, { protocolVersion: 5 });
}

/** Reads a CONNACK frame's properties (fixed header 2 bytes, then flags and reason code). */
function limitsOf(frame: Buffer): BrokerLimits {
  const limits = new BrokerLimits();
  expect(limits.readConnackProperties(frame, 4, frame.length)).toBe(true);
  return limits;
}

function parsePublish(buf: Buffer): mqttPacket.IPublishPacket {
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  let packet: mqttPacket.Packet | null = null;
  parser.on('packet', (p) => (packet = p));
  parser.on('error', (e) => {
    throw e;
  });
  parser.parse(buf);
  return packet! as mqttPacket.IPublishPacket;
}

describe('CONNACK properties', () => {
  it('reads every limit and flag mqtt-packet writes, skipping the ones it has no use for', () => {
    const l = limitsOf(
      connack({
        sessionExpiryInterval: 300,
        receiveMaximum: 5,
        maximumQoS: 1,
        retainAvailable: false,
        maximumPacketSize: 256,
        assignedClientIdentifier: 'auto-7f3a',
        topicAliasMaximum: 3,
        reasonString: 'fine',
        userProperties: { region: 'eu', tier: 'gold' },
        wildcardSubscriptionAvailable: false,
        subscriptionIdentifiersAvailable: true,
        sharedSubscriptionAvailable: false,
        serverKeepAlive: 10,
        responseInformation: 'resp/',
        serverReference: 'other:1883',
      }),
    );
    expect(l.receiveMaximum).toBe(5);
    expect(l.maxPacketSize).toBe(256);
    expect(l.topicAliasMaximum).toBe(3);
    expect(l.serverKeepAliveSec).toBe(10);
    expect(l.assignedClientId).toBe('auto-7f3a');
    expect(l.available & (FEATURE_RETAIN | FEATURE_WILDCARD | FEATURE_SHARED)).toBe(0);
    l.needs = FEATURE_WILDCARD | FEATURE_SHARED;
    expect(l.unmetNeed()).toBe('broker:wildcard-subscription-not-available');
    l.needs = 0;
    l.largestPacket = 300;
    expect(l.unmetNeed()).toBe('broker:maximum-packet-size-256-below-300');
  });

  it('absent properties leave the spec defaults; a new CONNACK states limits afresh', () => {
    const l = limitsOf(connack({ receiveMaximum: 2, serverKeepAlive: 5 }));
    expect(l.receiveMaximum).toBe(2);
    const again = connack({});
    expect(l.readConnackProperties(again, 4, again.length)).toBe(true);
    expect([l.receiveMaximum, l.maxPacketSize, l.topicAliasMaximum, l.serverKeepAliveSec]).toEqual([65_535, MQTT_MAX_PACKET, 0, -1]);
    l.needs = FEATURE_RETAIN | FEATURE_WILDCARD | FEATURE_SHARED;
    expect(l.unmetNeed()).toBeNull();
  });

  it('a property length that runs past the frame is malformed', () => {
    const frame = connack({ receiveMaximum: 5 });
    expect(new BrokerLimits().readConnackProperties(frame, 4, frame.length - 1)).toBe(false);
  });
});

describe('publish properties', () => {
  const cases = [
    { messageExpirySec: 30 },
    { topicAlias: 4 },
    { userProperties: [['site', 'lab'] as const, ['été', '温度'] as const] },
    { messageExpirySec: 86_400, topicAlias: 1, userProperties: [['k', 'v'] as const] },
  ];
  it.each(cases)('%j parses back in mqtt-packet', (props) => {
    for (const [topic, qos] of [
      ['home/1/state', 1],
      ['', 1],
      ['home/1/state', 0],
    ] as const) {
      const tpl = buildPublishTemplate(topic, 24, qos, false, 5, encodePublishProperties(props));
      if (qos > 0) tpl.bytes.writeUInt16BE(77, tpl.pidOffset);
      const p = parsePublish(tpl.bytes);
      expect(p.topic).toBe(topic);
      expect(p.payload.length).toBe(24);
      expect(p.properties?.messageExpiryInterval).toBe(props.messageExpirySec);
      expect(p.properties?.topicAlias).toBe(props.topicAlias);
      const user = props.userProperties ? Object.fromEntries(props.userProperties) : undefined;
      expect(p.properties?.userProperties).toEqual(user);
      if (qos > 0) expect(p.messageId).toBe(77);
      // And mqtt-packet writes the same bytes for the same packet.
      const ref = mqttPacket.generate(
        { cmd: 'publish', topic, payload: p.payload, qos, retain: false, dup: false, messageId: p.messageId, properties: p.properties },
        { protocolVersion: 5 },
      );
      expect(tpl.bytes.equals(ref)).toBe(true);
    }
  });

  it('no properties encode to nothing', () => {
    expect(encodePublishProperties({})).toBeNull();
  });
});

describe('DISCONNECT reasons', () => {
  it('are named as in the spec', () => {
    expect(disconnectReason(0x8d)).toBe('disconnect:keep-alive-timeout');
    expect(disconnectReason(0x93)).toBe('disconnect:receive-maximum-exceeded');
    expect(disconnectReason(0x8b)).toBe('disconnect:server-shutting-down');
    expect(disconnectReason(0)).toBe('conn:server-disconnect');
    expect(disconnectReason(0xfe)).toBe('disconnect:code-254');
  });
});
