// `messages.resent` counts the unacknowledged QoS 1 publishes fleetstorm sends again (DUP set)
// after reconnecting to a kept session, compared with what a broker saw on the wire. The broker
// here is a few lines on mqtt-packet built to provoke it: on a device's first connection it acks
// nothing and drops the socket after a few publishes; on the next it says "session present" and
// acks everything, counting the PUBLISH packets that carry DUP.
import net from 'node:net';
import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readResultFile, runCli, tempDir, writeScenario } from '../../helpers/cli.ts';

const DROP_AFTER = 4;

interface Forgetful {
  port: number;
  /** PUBLISH packets with DUP set, and without, over all connections. */
  dup: number;
  fresh: number;
  /** Packet ids left unacknowledged on first connections. */
  unacked: number;
  server: net.Server;
}

function startForgetful(): Promise<Forgetful> {
  const seen = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const state: Forgetful = { port: 0, dup: 0, fresh: 0, unacked: 0, server: net.createServer() };
  state.server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    let first = false;
    let publishes = 0;
    const send = (packet: Record<string, unknown>) => {
      if (!socket.destroyed) socket.write(mqttPacket.generate(packet as unknown as mqttPacket.Packet));
    };
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connect') {
        const id = packet.clientId;
        const n = (seen.get(id) ?? 0) + 1;
        seen.set(id, n);
        first = n === 1;
        send({ cmd: 'connack', returnCode: 0, sessionPresent: !first });
      } else if (packet.cmd === 'publish') {
        if (packet.dup) state.dup++;
        else state.fresh++;
        if (first) {
          state.unacked++;
          if (++publishes === DROP_AFTER) socket.destroy();
        } else send({ cmd: 'puback', messageId: packet.messageId });
      } else if (packet.cmd === 'pingreq') send({ cmd: 'pingresp' });
      else if (packet.cmd === 'disconnect') socket.end();
    });
    socket.on('data', (chunk) => parser.parse(chunk));
  });
  return new Promise((resolve) =>
    state.server.listen(0, '127.0.0.1', () => {
      state.port = (state.server.address() as net.AddressInfo).port;
      state.server.on('close', () => sockets.forEach((s) => s.destroy()));
      resolve(state);
    }),
  );
}

let broker: Forgetful;
beforeAll(async () => {
  broker = await startForgetful();
});
afterAll(async () => {
  broker.server.close();
});

it('counts every publish sent again with DUP after a kept session resumes, as the broker saw them', async () => {
  const out = tempDir();
  const run = await runCli([
    'run',
    writeScenario({
      schema: 1,
      name: 'resent',
      broker: { url: `mqtt://127.0.0.1:${broker.port}` },
      duration: '3s',
      drain: '1s',
      monitor: { sys: false },
      groups: [
        {
          name: 'locks',
          count: 3,
          clientId: 'lock-{i}',
          clean: false,
          connectRate: '100/s',
          reconnect: { initialDelay: '200ms', maxDelay: '200ms', multiplier: 1, jitter: 0 },
          publish: [{ topic: 'home/{i}/state', qos: 1, rate: '10/s', track: false }],
        },
      ],
    }),
    '--out',
    out,
  ]);
  expect(run.code === 0 || run.code === 3, run.stderr).toBe(true);
  const r = readResultFile(out);
  // Every device lost its first connection with at least DROP_AFTER publishes unacknowledged (more
  // when they arrived in the same chunk as the one that dropped it), and sent each of them again.
  expect(broker.unacked).toBeGreaterThanOrEqual(3 * DROP_AFTER);
  expect(broker.dup).toBe(broker.unacked);
  expect(r.summary.messages.published).toBe(broker.fresh);
  expect(r.summary.messages.resent).toBe(broker.dup);
  expect(r.groups.locks.messages.resent).toBe(broker.dup);
  expect(r.summary.connections.reconnects).toBe(3);
}, 60_000);
