// Things a broker did less of than asked without refusing: a subscription granted a lower QoS, a
// QoS 2 publish finished with a PUBACK, a share group that got none of what it was owed. Each is
// worked out from the merged per-group figures and named with its likely cause.

import type { Downgrade } from '../result/types.ts';
import type { GroupSpec } from '../scenario/types.ts';
import type { CounterValues, ErrorCounts } from './counters.ts';

export function findDowngrades(groups: readonly { spec: GroupSpec; counters: CounterValues; errors: ErrorCounts }[]): Downgrade[] {
  const out: Downgrade[] = [];
  for (const { spec, counters, errors } of groups) {
    const group = spec.name;
    if (counters.subscribeDowngraded > 0) {
      const asked = Math.max(...spec.subscribe.map((s) => s.qos));
      out.push({
        kind: 'subscribe-qos',
        group,
        detail: `${counters.subscribeDowngraded} subscription(s) granted a lower QoS than asked (up to QoS ${asked})`,
        likelyCause: 'broker caps the QoS (max_qos, or no QoS 2 support)?',
      });
    }
    const pubackForQos2 = errors['protocol:puback-for-qos2'] ?? 0;
    if (pubackForQos2 > 0) {
      out.push({
        kind: 'publish-qos',
        group,
        detail: `${pubackForQos2} QoS 2 publish(es) answered with PUBACK instead of PUBREC`,
        likelyCause: 'broker does not support QoS 2 (delivers at QoS 1)?',
      });
    }
    const shared = spec.subscribe.filter((s) => s.topic.startsWith('$share/')).map((s) => s.topic);
    if (shared.length > 0 && counters.expected > 0 && counters.received === 0) {
      out.push({
        kind: 'share-group',
        group,
        detail: `${shared.join(', ')} received none of ${counters.expected} owed deliveries`,
        likelyCause: 'broker has no shared subscriptions? ($share/… is then a literal topic nobody publishes to)',
      });
    }
  }
  return out;
}
