// Fleet behaviour beyond steady streams: reconnects with backoff, churn (flapping devices),
// and per-group endpoint pinning (for migrations between clusters).

import type { ChurnSpec, CommandSpec, ReconnectSpec, ReplySpec } from './types.ts';
import { duration, fraction, integer, list, name, number, oneOf, qos, rate, section, size, topicName } from './fields.ts';
import { TRACKING_HEADER_BYTES } from '../wire.ts';
import { payloadField } from './schema-payload.ts';

const COMMAND_PLACEHOLDERS = ['i', 'group', 'clientId', 'rand', 'target'] as const;
const DEVICE_PLACEHOLDERS = ['i', 'group', 'clientId', 'rand'] as const;

export const commandEntry = section(
  {
    to: name('target group'),
    topic: topicName([...COMMAND_PLACEHOLDERS], 'command topic (template); {target} = the addressed device index'),
    qos: qos().prefault(1),
    size: size(268_435_455, 'payload bytes, tracking header included (default 64); with payload: pad to this size').optional(),
    payload: payloadField(
      ['i', 'group', 'clientId', 'seq', 'now', 'rand', 'pick', 'target'],
      'command payload template (JSON object or text), rendered per command; {target} = the addressed device index',
      true,
    ).optional(),
    rate: rate('commands per second per sender client').optional(),
    totalRate: rate('commands per second for the whole sender group').optional(),
    timeout: duration({ min: 1 }, 'a reply later than this, or none, counts as no reply').prefault('5s'),
    responseTopic: topicName(
      [...COMMAND_PLACEHOLDERS],
      'MQTT 5 request/response: the Response Topic each command carries (template; the sender subscribes to it); devices answer there, echoing the Correlation Data',
    ).optional(),
  },
  'commands this group sends to devices of another group (give rate or totalRate)',
).transform((c): CommandSpec => ({
  to: c.to,
  topic: c.topic,
  qos: c.qos,
  size: c.payload === undefined ? Math.max(c.size ?? 64, TRACKING_HEADER_BYTES) : (c.size ?? 0),
  ...(c.payload !== undefined ? { payload: c.payload } : {}),
  ...(c.rate !== undefined ? { rate: c.rate } : { totalRate: c.totalRate }),
  timeoutMs: c.timeout,
  ...(c.responseTopic !== undefined ? { responseTopic: c.responseTopic } : {}),
}));

export const replySection = section(
  {
    topic: topicName([...DEVICE_PLACEHOLDERS], 'reply topic (template); the sender subscribes to it'),
    qos: qos().prefault(1),
    thinkTime: duration({}, 'time a device takes before it answers').prefault('0ms'),
  },
  "how this group's devices answer the commands they receive",
).transform((r): ReplySpec => ({ topic: r.topic, qos: r.qos, thinkTimeMs: r.thinkTime }));

export const reconnectSection = section(
  {
    initialDelay: duration({}, 'first retry delay after a lost connection').prefault('1s'),
    maxDelay: duration({}, 'cap on the retry delay').prefault('30s'),
    multiplier: number(1, 100, 'delay growth per failed attempt').prefault(2),
    jitter: fraction('random spread of each delay, e.g. 20%').prefault(0.2),
  },
  'reconnect after a lost connection, with exponential backoff and jitter',
).transform((r): ReconnectSpec => ({ initialDelayMs: r.initialDelay, maxDelayMs: r.maxDelay, multiplier: r.multiplier, jitter: r.jitter }));

export const churnSection = section(
  {
    share: fraction('share of the group that flaps in each round, e.g. 10%'),
    every: duration({ min: 100 }, 'time between churn rounds'),
    offline: duration({}, 'how long a flapping device stays away before it reconnects').prefault('2s'),
    mode: oneOf(['disconnect', 'drop'] as const, 'must be disconnect (clean DISCONNECT) or drop (socket cut, the will fires)').prefault(
      'disconnect',
    ),
  },
  'devices that disconnect and come back during steady state (flapping Wi-Fi)',
).transform((c): ChurnSpec => ({ share: c.share, everyMs: c.every, offlineMs: c.offline, mode: c.mode }));

export const endpointsField = list(integer(0, 1000, 'index into broker.urls'), {
  min: 1,
  description: 'pin the group to these broker.urls entries (indices from 0)',
});
