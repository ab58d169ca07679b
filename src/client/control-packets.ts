// CONNECT and SUBSCRIBE. CONNECT goes out once per connection attempt, so in a connect storm it is
// on the hot path: it is encoded straight into one buffer here (no intermediate objects), and
// test/unit/client/control-packets.test.ts checks it byte for byte against mqtt-packet, the codec
// MQTT.js uses. SUBSCRIBE is rarer and stays with mqtt-packet.

import mqttPacket from 'mqtt-packet';
import type { ExpandTemplate, TemplateContext } from '../scenario/template.ts';
import type { GroupSpec, Scenario } from '../scenario/types.ts';
import { varIntLength, writeVarInt } from './fast-codec.ts';

// mqtt-packet would otherwise pre-build a Buffer for each of the 65,536 packet ids on its first
// use (6 MB of heap per process); SUBSCRIBE writes its id directly (issue 14).
mqttPacket.writeToStream.cacheNumbers = false;

/** The run-wide settings CONNECT and SUBSCRIBE need (the engine's `Fleet` has them). */
export interface PacketFleet {
  scenario: Pick<Scenario, 'seed' | 'broker'>;
}

/** What CONNECT and SUBSCRIBE need of a group: its spec and compiled templates (the engine's `FleetGroup`). */
export interface PacketGroup {
  spec: Pick<GroupSpec, 'name' | 'clean' | 'keepaliveMs' | 'will' | 'sessionExpiryMs' | 'subscribe'>;
  clientId: ExpandTemplate;
  /** Undefined from either leaves the field out (a device's identity may have none). */
  username: ((ctx: TemplateContext) => string | undefined) | null;
  password: ((ctx: TemplateContext) => string | undefined) | null;
  willTopic: ExpandTemplate | null;
  willPayload: ExpandTemplate | null;
  subscribe: ExpandTemplate[];
}

export interface ConnectFields {
  protocol: number;
  clientId: string;
  clean: boolean;
  keepaliveSec: number;
  username?: string;
  password?: string;
  will?: { topic: string; payload: string; qos: number; retain: boolean };
  /** MQTT 5 only; 0 = absent. */
  sessionExpirySec: number;
}

export function encodeConnect(f: ConnectFields): Buffer {
  const v5 = f.protocol === 5;
  const name = f.protocol === 3 ? 'MQIsdp' : 'MQTT';
  const props = v5 && f.sessionExpirySec > 0 ? 5 : 0; // 0x11 + uint32
  const clientIdLen = Buffer.byteLength(f.clientId);
  let remaining = 2 + name.length + 1 + 1 + 2 + (v5 ? varIntLength(props) + props : 0) + 2 + clientIdLen;
  let willTopicLen = 0;
  let willPayloadLen = 0;
  if (f.will) {
    willTopicLen = Buffer.byteLength(f.will.topic);
    willPayloadLen = Buffer.byteLength(f.will.payload);
    remaining += (v5 ? 1 : 0) + 2 + willTopicLen + 2 + willPayloadLen;
  }
  const userLen = f.username !== undefined ? Buffer.byteLength(f.username) : -1;
  const passLen = f.password !== undefined ? Buffer.byteLength(f.password) : -1;
  if (userLen >= 0) remaining += 2 + userLen;
  if (passLen >= 0) remaining += 2 + passLen;

  const buf = Buffer.allocUnsafe(1 + varIntLength(remaining) + remaining);
  buf[0] = 0x10;
  let off = writeVarInt(buf, 1, remaining);
  off = buf.writeUInt16BE(name.length, off);
  off += buf.write(name, off, 'latin1');
  buf[off++] = f.protocol;
  let flags = f.clean ? 0x02 : 0;
  if (f.will) flags |= 0x04 | (f.will.qos << 3) | (f.will.retain ? 0x20 : 0);
  if (passLen >= 0) flags |= 0x40;
  if (userLen >= 0) flags |= 0x80;
  buf[off++] = flags;
  off = buf.writeUInt16BE(f.keepaliveSec, off);
  if (v5) {
    off = writeVarInt(buf, off, props);
    if (props > 0) {
      buf[off++] = 0x11;
      off = buf.writeUInt32BE(f.sessionExpirySec, off);
    }
  }
  off = buf.writeUInt16BE(clientIdLen, off);
  off += buf.write(f.clientId, off);
  if (f.will) {
    if (v5) buf[off++] = 0; // will properties
    off = buf.writeUInt16BE(willTopicLen, off);
    off += buf.write(f.will.topic, off);
    off = buf.writeUInt16BE(willPayloadLen, off);
    off += buf.write(f.will.payload, off);
  }
  if (userLen >= 0) {
    off = buf.writeUInt16BE(userLen, off);
    off += buf.write(f.username!, off);
  }
  if (passLen >= 0) {
    off = buf.writeUInt16BE(passLen, off);
    buf.write(f.password!, off);
  }
  return buf;
}

/**
 * `assignedClientId`: the id an MQTT 5 broker assigned when this client connected with an empty
 * one; a client with a session (clean = false) reconnects under it to find its session again.
 */
export function buildConnectPacket(fleet: PacketFleet, g: PacketGroup, i: number, assignedClientId: string | null = null): Buffer {
  const spec = g.spec;
  const { seed, broker } = fleet.scenario;
  const ctx = { i, group: spec.name, seed, clientId: '' };
  ctx.clientId = g.clientId(ctx);
  if (ctx.clientId === '' && assignedClientId !== null) ctx.clientId = assignedClientId;
  return encodeConnect({
    protocol: broker.protocol,
    clientId: ctx.clientId,
    clean: spec.clean,
    keepaliveSec: Math.round(spec.keepaliveMs / 1000),
    username: g.username ? g.username(ctx) : undefined,
    password: g.password ? g.password(ctx) : undefined,
    will:
      spec.will && g.willTopic && g.willPayload
        ? { topic: g.willTopic(ctx), payload: g.willPayload(ctx), qos: spec.will.qos, retain: spec.will.retain }
        : undefined,
    sessionExpirySec: broker.protocol === 5 ? Math.round(spec.sessionExpiryMs / 1000) : 0,
  });
}

export function buildSubscribePacket(fleet: PacketFleet, g: PacketGroup, i: number, messageId: number): Buffer {
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
