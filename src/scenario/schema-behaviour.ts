// Fleet behaviour beyond steady streams: reconnects with backoff, churn (flapping devices),
// and per-group endpoint pinning (for migrations between clusters).

import type { ChurnSpec, ReconnectSpec } from './types.ts';
import { duration, fraction, integer, list, number, oneOf, section } from './fields.ts';

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
    mode: oneOf(['disconnect', 'drop'] as const, 'must be disconnect (clean DISCONNECT) or drop (socket cut, the will fires)').prefault('disconnect'),
  },
  'devices that disconnect and come back during steady state (flapping Wi-Fi)',
).transform((c): ChurnSpec => ({ share: c.share, everyMs: c.every, offlineMs: c.offline, mode: c.mode }));

export const endpointsField = list(integer(0, 1000, 'index into broker.urls'), {
  min: 1,
  description: 'pin the group to these broker.urls entries (indices from 0)',
});
