// CONNECT and SUBSCRIBE, encoded by mqtt-packet (the codec MQTT.js uses): they go out once per
// connection, so the generic encoder's cost does not matter and its correctness is inherited.

import mqttPacket from 'mqtt-packet';
import type { Fleet, FleetGroup } from '../engine/fleet.ts';

export function buildConnectPacket(fleet: Fleet, g: FleetGroup, i: number): Buffer {
  const spec = g.spec;
  const { seed, broker } = fleet.scenario;
  const ctx = { i, group: spec.name, seed, clientId: '' };
  ctx.clientId = g.clientId(ctx);
  const packet: mqttPacket.IConnectPacket = {
    cmd: 'connect',
    protocolId: broker.protocol === 3 ? 'MQIsdp' : 'MQTT',
    protocolVersion: broker.protocol,
    clientId: ctx.clientId,
    clean: spec.clean,
    keepalive: Math.round(spec.keepaliveMs / 1000),
  };
  if (g.username) packet.username = g.username(ctx);
  if (g.password) packet.password = Buffer.from(g.password(ctx));
  if (spec.will && g.willTopic && g.willPayload) {
    packet.will = {
      topic: g.willTopic(ctx),
      payload: Buffer.from(g.willPayload(ctx)),
      qos: spec.will.qos,
      retain: spec.will.retain,
    };
  }
  if (broker.protocol === 5 && spec.sessionExpiryMs > 0) {
    packet.properties = { sessionExpiryInterval: Math.round(spec.sessionExpiryMs / 1000) };
  }
  return mqttPacket.generate(packet, { protocolVersion: broker.protocol });
}

export function buildSubscribePacket(fleet: Fleet, g: FleetGroup, i: number, messageId: number): Buffer {
  const { seed, broker } = fleet.scenario;
  const ctx = { i, group: g.spec.name, seed, clientId: '' };
  ctx.clientId = g.clientId(ctx);
  const packet: mqttPacket.ISubscribePacket = {
    cmd: 'subscribe',
    messageId,
    subscriptions: g.spec.subscribe.map((s, k) => ({ topic: g.subscribe[k](ctx), qos: s.qos })),
  };
  return mqttPacket.generate(packet, { protocolVersion: broker.protocol });
}
