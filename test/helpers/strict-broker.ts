// A small, strict MQTT 5 broker for tests, on mqtt-packet (the codec MQTT.js uses): it announces
// limits in its CONNACK, acknowledges QoS 1/2 publishes slowly, and disconnects (with the MQTT 5
// reason code) any client that breaks one of them — more unacknowledged publishes than its
// Receive Maximum, a packet above its Maximum Packet Size, a topic alias above its Topic Alias
// Maximum, or silence longer than 1.5 × its Server Keep Alive. It keeps its own counts, so a
// test compares fleetstorm's figures with what arrived on the wire. Publishes are not routed.
import net from 'node:net';
import mqttPacket from 'mqtt-packet';

export interface StrictBrokerOptions {
  receiveMaximum?: number;
  maximumPacketSize?: number;
  topicAliasMaximum?: number;
  /** Seconds; absent = the client's own keepalive stands. */
  serverKeepAlive?: number;
  /** Delay before each PUBACK / PUBREC / PUBCOMP, ms. */
  ackDelayMs?: number;
  retainAvailable?: boolean;
  wildcardSubscriptionAvailable?: boolean;
  sharedSubscriptionAvailable?: boolean;
  /** Assigns `auto-<n>` to a client that connects with an empty client id (Assigned Client Identifier). */
  assignClientId?: boolean;
  /** Sends every client a DISCONNECT with this reason code this long after its CONNACK. */
  kick?: { afterMs: number; reasonCode: number };
}

export interface StrictBrokerCounts {
  /** Client ids in the order they connected (fleetstorm also probes the broker's version after a run). */
  connects: string[];
  /** QoS 0/1/2 publishes received. */
  publishes: number;
  /** Publishes that arrived while Receive Maximum publishes were already unacknowledged (must be 0). */
  overReceiveMaximum: number;
  /** Largest number of unacknowledged publishes a client had at once. */
  maxInFlight: number;
  /** DISCONNECTs the broker sent: client id → reason code. */
  disconnectsSent: Record<string, number>;
  /** PUBLISH packets that used a topic alias, and the empty-topic ones among them (alias only). */
  aliased: number;
  aliasOnly: number;
  /** The topic each alias stands for, as the client set it up. */
  aliases: Record<number, string>;
  /** Gaps between PINGREQs of each client id, ms. */
  pingGaps: Record<string, number[]>;
  /** CONNECT keepalive each client id asked for, seconds. */
  keepalive: Record<string, number>;
  /** Publish properties seen last, per topic (user properties, message expiry). */
  lastProperties: Record<string, mqttPacket.IPublishPacket['properties']>;
}

export interface StrictBroker {
  url: string;
  port: number;
  counts: StrictBrokerCounts;
  stop(): Promise<void>;
}

const varIntBytes = (n: number) => (n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4);

export async function startStrictBroker(opts: StrictBrokerOptions = {}): Promise<StrictBroker> {
  const counts: StrictBrokerCounts = {
    connects: [],
    publishes: 0,
    overReceiveMaximum: 0,
    maxInFlight: 0,
    disconnectsSent: {},
    aliased: 0,
    aliasOnly: 0,
    aliases: {},
    pingGaps: {},
    keepalive: {},
    lastProperties: {},
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    serve(socket, opts, counts);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    counts,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function serve(socket: net.Socket, opts: StrictBrokerOptions, counts: StrictBrokerCounts): void {
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  const send = (p: mqttPacket.Packet) => {
    if (!socket.destroyed) socket.write(mqttPacket.generate(p, { protocolVersion: 5 }));
  };
  let clientId = '';
  let inFlight = 0;
  let lastPacketAt = Date.now();
  let lastPingAt = 0;
  let closed = false;
  const timers: NodeJS.Timeout[] = [];
  const kick = (reasonCode: number) => {
    if (closed) return;
    closed = true;
    counts.disconnectsSent[clientId] = reasonCode;
    send({ cmd: 'disconnect', reasonCode });
    socket.end();
  };
  socket.on('close', () => {
    closed = true;
    for (const t of timers) clearInterval(t);
  });
  socket.on('data', (d) => parser.parse(d));
  parser.on('error', () => kick(0x81));
  parser.on('packet', (packet) => {
    if (closed) return;
    lastPacketAt = Date.now();
    const length = packet.length ?? 0;
    const size = 1 + varIntBytes(length) + length;
    if (opts.maximumPacketSize !== undefined && size > opts.maximumPacketSize) return kick(0x95);
    switch (packet.cmd) {
      case 'connect':
        return onConnect(packet);
      case 'publish':
        return onPublish(packet);
      case 'pubrel':
        return send({ cmd: 'pubcomp', messageId: packet.messageId });
      case 'subscribe':
        return send({ cmd: 'suback', messageId: packet.messageId, granted: packet.subscriptions.map((s) => s.qos) });
      case 'pingreq': {
        const now = Date.now();
        if (lastPingAt > 0) (counts.pingGaps[clientId] ??= []).push(now - lastPingAt);
        lastPingAt = now;
        return send({ cmd: 'pingresp' });
      }
      case 'disconnect':
        closed = true;
        socket.end();
        return;
    }
  });

  function onConnect(packet: mqttPacket.IConnectPacket): void {
    counts.connects.push(packet.clientId);
    clientId = packet.clientId;
    const assigned = packet.clientId === '' && opts.assignClientId ? `auto-${counts.connects.length}` : null;
    if (assigned) clientId = assigned;
    counts.keepalive[clientId] = packet.keepalive ?? 0;
    const properties: NonNullable<mqttPacket.IConnackPacket['properties']> = {};
    if (opts.receiveMaximum !== undefined) properties.receiveMaximum = opts.receiveMaximum;
    if (opts.maximumPacketSize !== undefined) properties.maximumPacketSize = opts.maximumPacketSize;
    if (opts.topicAliasMaximum !== undefined) properties.topicAliasMaximum = opts.topicAliasMaximum;
    if (opts.serverKeepAlive !== undefined) properties.serverKeepAlive = opts.serverKeepAlive;
    if (opts.retainAvailable === false) properties.retainAvailable = false;
    if (opts.wildcardSubscriptionAvailable === false) properties.wildcardSubscriptionAvailable = false;
    if (opts.sharedSubscriptionAvailable === false) properties.sharedSubscriptionAvailable = false;
    if (assigned) properties.assignedClientIdentifier = assigned;
    send({ cmd: 'connack', sessionPresent: false, reasonCode: 0, properties });
    const keepalive = opts.serverKeepAlive ?? packet.keepalive ?? 0;
    if (keepalive > 0) {
      timers.push(
        setInterval(() => {
          if (Date.now() - lastPacketAt > keepalive * 1500) kick(0x8d);
        }, 100),
      );
    }
    if (opts.kick) {
      const { afterMs, reasonCode } = opts.kick;
      timers.push(setTimeout(() => kick(reasonCode), afterMs));
    }
  }

  function onPublish(packet: mqttPacket.IPublishPacket): void {
    counts.publishes++;
    const alias = packet.properties?.topicAlias;
    if (alias !== undefined) {
      counts.aliased++;
      if (alias > (opts.topicAliasMaximum ?? 0)) return kick(0x94);
      if (packet.topic) counts.aliases[alias] = packet.topic;
      else if (counts.aliases[alias] === undefined)
        return kick(0x82); // an alias never set up
      else counts.aliasOnly++;
    }
    if (packet.topic) counts.lastProperties[packet.topic] = packet.properties;
    if (packet.qos === 0) return;
    if (opts.receiveMaximum !== undefined && inFlight >= opts.receiveMaximum) {
      counts.overReceiveMaximum++;
      return kick(0x93);
    }
    inFlight++;
    if (inFlight > counts.maxInFlight) counts.maxInFlight = inFlight;
    const ack = () => {
      inFlight--;
      send({ cmd: packet.qos === 1 ? 'puback' : 'pubrec', messageId: packet.messageId });
    };
    // QoS 2 stays in flight until PUBCOMP; counting it done at PUBREC is enough for these tests (QoS 1).
    setTimeout(ack, opts.ackDelayMs ?? 0);
  }
}
