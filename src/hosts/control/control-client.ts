// One authenticated connection to the control broker (MQTT.js; control traffic is a few small
// messages a second). It signs what it publishes, verifies what arrives and hands on only
// verified envelopes. It never reconnects by itself: a lost connection is a lost peer for the
// other side (its last will fires), so the owner decides what happens next, with a new session.
// Without user:password in the URL it logs in with the token's login (token-keys.ts); with a
// `#sha256:<hex>` fragment on an mqtts:// URL it talks only to a broker holding that certificate.

import tls from 'node:tls';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import { Signer, Verifier, type Envelope, type RejectReason } from './envelope.ts';
import { controlLogin } from './token-keys.ts';

export interface ControlClientOptions {
  /** mqtt://, mqtts://, ws:// ...; user:password@ in the URL is used for the broker login;
   * `#sha256:<hex>` pins the broker's certificate. */
  url: string;
  token: string;
  /** Sender id written into every envelope. */
  from: string;
  clientId: string;
  /** Published by the broker when this connection dies uncleanly. */
  will?: { topic: string; body: unknown; retain?: boolean };
  subscribe: string[];
  onMessage: (topic: string, envelope: Envelope) => void;
  onRejected?: (topic: string, reason: RejectReason) => void;
  /** Keep trying to reach the broker this long, ms (agents may start before it). Default 10 s. */
  connectTimeoutMs?: number;
  /** MQTT keepalive, s. Default 10: peers notice a silent partner by their own beats (3.5 s / 5 s);
   * a short keepalive would only add false wills when a busy process answers late. */
  keepaliveSec?: number;
  /** Clock window for timestamps, ms. */
  windowMs?: number;
  /** Gives up waiting for the broker (the owner is shutting down). */
  signal?: AbortSignal;
}

export interface ControlClient {
  readonly signer: Signer;
  readonly verifier: Verifier;
  publish(topic: string, body: unknown, opts?: { retain?: boolean }): Promise<void>;
  /** Removes a retained message. */
  clearRetained(topic: string): Promise<void>;
  /** Called once when the connection is gone for any reason other than close(). */
  onClose: ((reason: string) => void) | null;
  close(): Promise<void>;
}

const RETRY_MS = 500;

/** A control URL split into what MQTT.js connects to and the certificate pin, if any. */
export function controlTarget(url: string): { url: string; pin: string | null } {
  const m = /^(.*)#sha256:([0-9a-fA-F]{64})$/.exec(url);
  if (!m) return { url, pin: null };
  if (!m[1].startsWith('mqtts://')) throw new Error(`a certificate pin needs an mqtts:// control URL, got ${redact(m[1])}`);
  return { url: m[1], pin: m[2].toLowerCase() };
}

/** A TLS socket to the control broker, handed on only once its certificate matches the pin. */
function pinnedSocket(url: string, pin: string, timeoutMs: number): Promise<tls.TLSSocket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 8883), rejectUnauthorized: false });
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error('TLS handshake timed out')), timeoutMs);
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      const seen = socket.getPeerCertificate().fingerprint256?.replace(/:/g, '').toLowerCase();
      if (seen !== pin) return fail(new Error(`its certificate (sha256:${seen}) is not the pinned sha256:${pin}`));
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

async function startClient(opts: ControlClientOptions, signer: Signer, timeoutMs: number): Promise<MqttClient> {
  const target = controlTarget(opts.url);
  const options: IClientOptions = {
    clientId: opts.clientId,
    protocolVersion: 4,
    clean: true,
    keepalive: opts.keepaliveSec ?? 10,
    reconnectPeriod: 0,
    connectTimeout: Math.max(1000, timeoutMs),
    // No 65,536 pre-built packet-id Buffers (mqtt-packet's number cache, 6 MB of heap): a control
    // connection sends a few packets a second (issue 14).
    writeCache: false,
    ...(/^\w+:\/\/[^/@]*@/.test(target.url) ? {} : controlLogin(opts.token)),
    will: opts.will && {
      topic: opts.will.topic,
      payload: signer.signWill(opts.will.topic, opts.will.body),
      qos: 1,
      retain: opts.will.retain ?? false,
    },
  };
  if (target.pin === null) return mqtt.connect(target.url, options);
  const socket = await pinnedSocket(target.url, target.pin, timeoutMs);
  return new MqttClient(() => socket, options);
}

async function connectOnce(opts: ControlClientOptions, signer: Signer, timeoutMs: number): Promise<MqttClient> {
  const client = await startClient(opts, signer, timeoutMs);
  return new Promise((resolve, reject) => {
    // Only our own listeners go: MQTT.js clears its connect timer in its own 'close' listener,
    // and a timer left behind would keep an agent process alive long after it is done.
    const settle = () => {
      opts.signal?.removeEventListener('abort', onAbort);
      client.removeListener('connect', onConnect);
      client.removeListener('error', fail);
      client.removeListener('close', onEarlyClose);
    };
    const fail = (err: Error) => {
      settle();
      client.on('error', () => {});
      client.end(true);
      reject(err);
    };
    const onConnect = () => {
      settle();
      resolve(client);
    };
    const onAbort = () => fail(new Error('stopped while connecting to the control broker'));
    const onEarlyClose = () => fail(new Error('connection closed'));
    client.once('connect', onConnect);
    client.once('error', fail);
    client.once('close', onEarlyClose);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Connects (retrying until connectTimeoutMs), subscribes, and returns once both are done. */
export async function openControl(opts: ControlClientOptions): Promise<ControlClient> {
  const signer = new Signer(opts.token, opts.from);
  const verifier = new Verifier(opts.token, { windowMs: opts.windowMs });
  const deadline = Date.now() + (opts.connectTimeoutMs ?? 10_000);
  let client: MqttClient | null = null;
  let lastError = '';
  for (let attempt = 0; client === null; attempt++) {
    const left = deadline - Date.now();
    if (opts.signal?.aborted) throw new Error('stopped while connecting to the control broker');
    if (attempt > 0 && left <= 0) throw new Error(`control broker ${redact(opts.url)} unreachable: ${lastError}`);
    try {
      client = await connectOnce(opts, signer, Math.max(left, 1000));
    } catch (err) {
      lastError = (err as Error).message;
      await new Promise((r) => setTimeout(r, Math.min(RETRY_MS, Math.max(0, deadline - Date.now()))));
    }
  }
  const c = client;
  let closing = false;
  const control: ControlClient = {
    signer,
    verifier,
    onClose: null,
    async publish(topic, body, o = {}) {
      await c.publishAsync(topic, signer.sign(topic, body), { qos: 1, retain: o.retain ?? false });
    },
    async clearRetained(topic) {
      await c.publishAsync(topic, Buffer.alloc(0), { qos: 1, retain: true });
    },
    async close() {
      if (closing) return;
      closing = true;
      await c.endAsync(false).catch(() => c.end(true));
    },
  };
  c.on('message', (topic, payload) => {
    if (payload.length === 0) return; // a cleared retained message
    const v = verifier.verify(topic, payload);
    if (v.ok) opts.onMessage(topic, v.envelope);
    else opts.onRejected?.(topic, v.reason);
  });
  c.on('error', () => {}); // surfaces as 'close'
  c.on('close', () => {
    if (closing) return;
    closing = true;
    c.end(true);
    control.onClose?.(`lost the control broker ${redact(opts.url)}`);
  });
  if (opts.subscribe.length) {
    const granted = await c.subscribeAsync(Object.fromEntries(opts.subscribe.map((t) => [t, { qos: 1 as const }])));
    const refused = granted.filter((g) => g.qos === 128).map((g) => g.topic);
    if (refused.length) {
      await control.close();
      throw new Error(`control broker ${redact(opts.url)} refused the subscription to ${refused.join(', ')}`);
    }
  }
  return control;
}

/** A URL fit for messages: without its password. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
