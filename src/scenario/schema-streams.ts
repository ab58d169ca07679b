// What a group's clients say and listen to: `will`, `subscribe` and `publish` entries.

import { TRACKING_HEADER_BYTES } from '../wire.ts';
import type { PublishSpec, SubscribeSpec, WillSpec } from './types.ts';
import { bool, duration, fraction, map, oneOf, peek, qos, rate, section, size, template, text, topicFilter, topicName } from './fields.ts';
import type { IssuePath } from './schema-check.ts';
import { isRecord } from './schema-broker.ts';
import type { PlaceholderName } from './template.ts';
import { checkPayloadTracking, payloadField } from './schema-payload.ts';

/** Placeholders a per-client string may use once the client id is known. */
export const CLIENT_PLACEHOLDERS: readonly PlaceholderName[] = ['i', 'group', 'clientId', 'rand'];

/** MQTT's largest payload (remaining length 268,435,455 minus the smallest fixed overhead). */
export const MAX_PAYLOAD_BYTES = 268_435_455 - 4;

export const willSection = section(
  {
    topic: topicName(CLIENT_PLACEHOLDERS, 'will topic (template)'),
    payload: template(CLIENT_PLACEHOLDERS, 'will payload (template)').prefault(''),
    qos: qos().prefault(0),
    retain: bool('retain the will message').prefault(false),
  },
  'last will, published by the broker when the client drops',
).transform((w): WillSpec => w);

export const subscribeEntry = section(
  {
    topic: topicFilter(CLIENT_PLACEHOLDERS, 'topic filter (template); $share/<name>/<filter> for shared subscriptions'),
    qos: qos().prefault(0),
  },
  'one subscription',
).transform((s): SubscribeSpec => s);

const publishSize = size(MAX_PAYLOAD_BYTES, 'payload bytes, tracking header included (default 64); with payload: pad to this size');
/** Placeholders of a publish payload template. */
export const PUBLISH_PAYLOAD_PLACEHOLDERS: readonly PlaceholderName[] = ['i', 'group', 'clientId', 'seq', 'now', 'rand', 'pick'];
const trackField = bool('prefix payloads with the tracking header (latency, loss, order)');
// MQTT 5 publish properties (checkPublishEntry refuses them under another protocol).
const userPropertiesField = map(text('user property value'), 'MQTT 5 user properties sent with every message (name: value)');
/** The Message Expiry Interval is a 4-byte count of seconds. */
const messageExpiryField = duration({ wholeSeconds: true, min: 1000, max: 4_294_967_295_000 }, 'MQTT 5 message expiry interval');
const topicAliasField = bool(
  "MQTT 5: send the topic once per connection, then only a topic alias (up to the broker's Topic Alias Maximum)",
);
export const MQTT5_PUBLISH_FIELDS = ['userProperties', 'messageExpiry', 'topicAlias'] as const;

export const publishEntry = section(
  {
    topic: topicName(CLIENT_PLACEHOLDERS, 'topic to publish to (template)'),
    qos: qos().prefault(0),
    retain: bool('publish retained').prefault(false),
    size: publishSize.optional(),
    payload: payloadField(
      PUBLISH_PAYLOAD_PLACEHOLDERS,
      'payload template, rendered per message: JSON (starts with { or [) or text; {i} {clientId} {group} {seq} {now} {rand:a-b} {pick:a|b}',
    ).optional(),
    rate: rate('messages per second per client').optional(),
    totalRate: rate('messages per second for the whole group').optional(),
    track: trackField.prefault(true),
    arrival: oneOf(
      ['fixed', 'poisson'] as const,
      'must be fixed (telemetry at a period) or poisson (random events at the mean rate)',
    ).prefault('fixed'),
    jitter: fraction('random spread of each fixed send around its slot, e.g. 10% of the period').prefault(0),
    onConnect: bool('also publish once right after every (re)connect, e.g. retained state').prefault(false),
    userProperties: userPropertiesField.optional(),
    messageExpiry: messageExpiryField.optional(),
    topicAlias: topicAliasField.prefault(false),
  },
  'one publish stream; give rate or totalRate (or onConnect alone)',
).transform((p): PublishSpec => ({
  topic: p.topic,
  qos: p.qos,
  retain: p.retain,
  size: p.size ?? (p.payload === undefined ? 64 : 0),
  ...(p.payload !== undefined ? { payload: p.payload } : {}),
  ...(p.rate !== undefined ? { rate: p.rate } : p.totalRate !== undefined ? { totalRate: p.totalRate } : {}),
  track: p.track,
  arrival: p.arrival,
  jitter: p.jitter,
  onConnect: p.onConnect,
  ...(p.userProperties !== undefined ? { userProperties: p.userProperties } : {}),
  ...(p.messageExpiry !== undefined ? { messageExpiryMs: p.messageExpiry } : {}),
  ...(p.topicAlias ? { topicAlias: true } : {}),
}));

/** Rules spanning fields of one raw publish entry. */
export function checkPublishEntry(
  raw: unknown,
  path: IssuePath,
  report: (path: IssuePath, message: string) => void,
  session: { protocol: unknown; clean: unknown } = { protocol: 4, clean: true },
): void {
  if (!isRecord(raw)) return;
  for (const key of MQTT5_PUBLISH_FIELDS) {
    if (raw[key] === undefined || raw[key] === false || session.protocol === 5) continue;
    report(
      [...path, key],
      `needs broker.protocol 5 (it is ${String(session.protocol)}); MQTT ${String(session.protocol)} has no publish properties`,
    );
  }
  if (raw.topicAlias === true && session.clean === false) {
    report(
      [...path, 'topicAlias'],
      'needs clean: true: aliases last one network connection, so a publish resent after a reconnect could not use one',
    );
  }
  const hasRate = raw.rate !== undefined;
  const hasTotal = raw.totalRate !== undefined;
  if (hasRate && hasTotal) report([...path, 'totalRate'], 'give either rate (per client) or totalRate (for the group), not both');
  if (!hasRate && !hasTotal && raw.onConnect !== true) {
    report(path, 'needs rate (per client, e.g. 1/s) or totalRate (for the group, e.g. 100/s), or onConnect: true');
  }
  const track = raw.track === undefined ? true : peek(trackField, raw.track);
  const bytes = raw.size === undefined ? 64 : peek(publishSize, raw.size);
  checkPayloadTracking(raw.payload, track === true, [...path, 'payload'], report);
  // A payload template is never cut to size (size only pads it), so any size goes with it.
  if (track === true && raw.payload === undefined && bytes !== undefined && bytes < TRACKING_HEADER_BYTES) {
    report(
      [...path, 'size'],
      `must be at least ${TRACKING_HEADER_BYTES} bytes while track is true (the tracking header is ${TRACKING_HEADER_BYTES} bytes); set track: false for smaller payloads`,
    );
  }
}
