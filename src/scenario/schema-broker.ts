// The `broker:` section: where to connect and how. No URL at all means "use the embedded broker".

import type { BrokerSpec, ProtocolVersion, TlsOptions } from './types.ts';
import { addressRange, bool, brokerUrl, duration, list, oneOf, peek, section, text } from './fields.ts';
import type { CrossCheck } from './schema-check.ts';

export const DEFAULT_PROTOCOL: ProtocolVersion = 4;

const tlsSection = section(
  {
    ca: text('CA certificate file (PEM), relative to the scenario file').optional(),
    cert: text('client certificate file (PEM)').optional(),
    key: text('client private key file (PEM)').optional(),
    rejectUnauthorized: bool('verify the broker certificate').prefault(true),
    servername: text('TLS server name (SNI) when it differs from the URL host').optional(),
  },
  'TLS settings for mqtts:// and wss:// endpoints',
).transform((t): TlsOptions => t);

export const protocolField = oneOf([3, 4, 5] as const, 'must be 3 (MQTT 3.1), 4 (3.1.1) or 5 (5.0)', 'MQTT protocol level');

export const brokerSection = section(
  {
    url: brokerUrl('broker endpoint: mqtt://host:port, mqtts://host:port, ws://host:port/path or wss://host:port/path').optional(),
    urls: list(brokerUrl('broker endpoint'), { min: 1, description: 'endpoint pool; connections spread round-robin' }).optional(),
    protocol: protocolField.prefault(DEFAULT_PROTOCOL),
    tls: tlsSection.optional(),
    sourceAddresses: list(addressRange('IPv4 address or range a-b'), { description: 'local addresses to bind' }).prefault([]),
    connectTimeout: duration({ min: 1 }, 'TCP (+ TLS, + WebSocket upgrade) + CONNACK timeout per connection').prefault('10s'),
  },
  'broker to load; leave out url/urls to run against the embedded broker',
  { not: { required: ['url', 'urls'] } },
).transform((b): BrokerSpec => ({
  urls: b.url !== undefined ? [b.url] : (b.urls ?? []),
  protocol: b.protocol,
  ...(b.tls ? { tls: b.tls } : {}),
  sourceAddresses: b.sourceAddresses.flat(),
  connectTimeoutMs: b.connectTimeout,
}));

export const checkBroker: CrossCheck = (root, report) => {
  const broker = root.broker;
  if (!isRecord(broker)) return;
  if (broker.url !== undefined && broker.urls !== undefined) report(['broker', 'urls'], 'give either url or urls, not both');
};

/** The protocol the scenario asks for, or the default when it is missing or invalid. */
export function rawProtocol(root: Record<string, unknown>): ProtocolVersion {
  const broker = root.broker;
  return (isRecord(broker) && peek(protocolField, broker.protocol)) || DEFAULT_PROTOCOL;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
