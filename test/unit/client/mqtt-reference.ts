// mqtt-packet (the codec MQTT.js uses) as the reference for fleetstorm's hand-written codec.
import mqttPacket from 'mqtt-packet';

/** Parses `bytes` with mqtt-packet; throws if it reports an error or does not yield exactly one packet. */
export function parseOne(bytes: Buffer, protocolVersion: number): mqttPacket.Packet {
  const parser = mqttPacket.parser({ protocolVersion });
  const packets: mqttPacket.Packet[] = [];
  const errors: Error[] = [];
  parser.on('packet', (p) => packets.push(p));
  parser.on('error', (e) => errors.push(e));
  parser.parse(bytes);
  if (errors.length > 0) throw errors[0];
  if (packets.length !== 1) throw new Error(`expected one packet, got ${packets.length}`);
  return packets[0];
}

export function generate(packet: mqttPacket.Packet, protocolVersion: number): Buffer {
  return mqttPacket.generate(packet, { protocolVersion });
}

/** A payload whose every byte depends on its position, so a shifted slice cannot compare equal. */
export function patterned(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}
