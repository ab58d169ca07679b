import { describe, expect, it } from 'vitest';
import { zeroCounters } from '../../../src/metrics/counters.ts';
import { findDowngrades } from '../../../src/metrics/downgrades.ts';
import { scenarioOf } from '../engine/shard-parts.ts';

const { groups } = scenarioOf({
  groups: [
    { name: 'backend', count: 2, clientId: 'be-{i}', subscribe: [{ topic: '$share/be/t/#', qos: 2 }] },
    { name: 'dev', count: 2, clientId: 'dev-{i}', publish: [{ topic: 't/{i}', qos: 2, rate: '1/s' }] },
  ],
});

describe('findDowngrades', () => {
  it('names each downgrade with its likely cause, and nothing when the broker did as asked', () => {
    const backend = { ...zeroCounters(), expected: 40, subscribeOk: 2, subscribeDowngraded: 2 };
    const dev = { ...zeroCounters(), published: 40, refused: 40 };
    expect(
      findDowngrades([
        { spec: groups[0], counters: backend, errors: {} },
        { spec: groups[1], counters: dev, errors: { 'protocol:puback-for-qos2': 40 } },
      ]),
    ).toEqual([
      {
        kind: 'subscribe-qos',
        group: 'backend',
        detail: '2 subscription(s) granted a lower QoS than asked (up to QoS 2)',
        likelyCause: 'broker caps the QoS (max_qos, or no QoS 2 support)?',
      },
      {
        kind: 'share-group',
        group: 'backend',
        detail: '$share/be/t/# received none of 40 owed deliveries',
        likelyCause: 'broker has no shared subscriptions? ($share/… is then a literal topic nobody publishes to)',
      },
      {
        kind: 'publish-qos',
        group: 'dev',
        detail: '40 QoS 2 publish(es) answered with PUBACK instead of PUBREC',
        likelyCause: 'broker does not support QoS 2 (delivers at QoS 1)?',
      },
    ]);
    const fine = { ...zeroCounters(), expected: 40, received: 1, subscribeOk: 2 };
    expect(findDowngrades([{ spec: groups[0], counters: fine, errors: {} }])).toEqual([]);
  });
});
