// How a WebSocket connection that never gets to MQTT ends: a closed port, an HTTP server that
// refuses the upgrade, a WebSocket server that drops the upgrade. Each reason is one a user can
// act on, and the connection closes exactly once.
import http from 'node:http';
import net from 'node:net';
import { afterEach, expect, it, beforeAll } from 'vitest';
import { Connection, loadWebSocketTransport } from '../../../src/client/connection.ts';
import { parseEndpoint } from '../../../src/client/endpoint-config.ts';
import { findFreePort } from '../../helpers/free-port.ts';
import { generate } from '../../unit/client/mqtt-reference.ts';
import { RecordingListener, settle, waitUntil } from '../../unit/client/raw-broker.ts';

beforeAll(loadWebSocketTransport);
const CONNECT = generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'ws-refused', clean: true, keepalive: 0 }, 4);
const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

async function closeReason(url: string): Promise<string | null> {
  const listener = new RecordingListener();
  const conn = new Connection(listener, 0, 4);
  conn.open(parseEndpoint(url), CONNECT, 0);
  await waitUntil(() => listener.of('close').length > 0, `close from ${url}`, 5000);
  await settle(50);
  expect(listener.events).toHaveLength(1);
  expect(conn.socket).toBeNull();
  return listener.of('close')[0].reason;
}

async function httpServer(handler: http.RequestListener): Promise<number> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

it('a closed port is tcp:ECONNREFUSED', async () => {
  const port = await findFreePort();
  expect(await closeReason(`ws://127.0.0.1:${port}/mqtt`)).toBe('tcp:ECONNREFUSED');
});

it('an HTTP answer instead of the upgrade is ws:http-<status>', async () => {
  const port = await httpServer((_req, res) => res.writeHead(404).end('no mqtt here'));
  expect(await closeReason(`ws://127.0.0.1:${port}/nope`)).toBe('ws:http-404');
});

it('a server that hangs up during the upgrade is a TCP reset, not a broker close', async () => {
  const server = net.createServer((s) => s.destroy());
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const reason = await closeReason(`ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/mqtt`);
  expect(reason).toMatch(/^tcp:(ECONNRESET|EPIPE)$/);
});
