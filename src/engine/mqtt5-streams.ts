// What MQTT 5 adds to a group's streams, worked out once per group: the broker features its
// clients need (checked against each CONNACK), the size of its largest fixed publish (checked
// against the broker's Maximum Packet Size), and each publish stream's properties, encoded once.

import { varIntLength } from '../client/fast-codec.ts';
import { FEATURE_RETAIN, FEATURE_SHARED, FEATURE_WILDCARD } from '../client/mqtt5-limits.ts';
import { encodePublishProperties } from '../client/mqtt5-properties.ts';
import type { PublishSpec } from '../scenario/types.ts';
import type { FleetGroup } from './fleet.ts';
import { parseShared } from './topic-trie.ts';

/** Highest topic alias fleetstorm uses: one per publish stream of a client, tracked in a 31-bit mask. */
export const MAX_STREAM_ALIAS = 31;

export interface GroupMqtt5 {
  /** FEATURE_* bits the group's clients need of the broker. */
  needs: number;
  /** Bytes of its largest publish packet (the longest client's topic), 0 without publish streams. */
  largestPacket: number;
  /** Per publish stream: its properties without and with its topic alias (null: none). */
  props: (Buffer | null)[];
  aliasProps: (Buffer | null)[];
}

/** Topic alias of publish stream `p` of a client: p + 1, when the stream asks for one and the mask has room. */
export function streamAlias(spec: PublishSpec, p: number): number {
  return spec.topicAlias === true && p + 1 <= MAX_STREAM_ALIAS ? p + 1 : 0;
}

export function streamProperties(spec: PublishSpec, alias: number): Buffer | null {
  return encodePublishProperties({
    messageExpirySec: spec.messageExpiryMs !== undefined ? spec.messageExpiryMs / 1000 : undefined,
    topicAlias: alias,
    userProperties: spec.userProperties ? Object.entries(spec.userProperties) : undefined,
  });
}

export function groupMqtt5(g: FleetGroup, seed: number, protocol: number): GroupMqtt5 {
  const spec = g.spec;
  let needs = 0;
  if (spec.publish.some((p) => p.retain) || spec.will?.retain) needs |= FEATURE_RETAIN;
  for (const s of spec.subscribe) {
    const shared = parseShared(s.topic);
    if (shared) needs |= FEATURE_SHARED;
    if (/[+#]/.test(shared?.filter ?? s.topic)) needs |= FEATURE_WILDCARD;
  }
  const props = spec.publish.map((p) => (protocol === 5 ? streamProperties(p, 0) : null));
  const aliasProps = spec.publish.map((p, k) => (protocol === 5 && streamAlias(p, k) > 0 ? streamProperties(p, streamAlias(p, k)) : null));
  // Topics grow with {i}: the last client's is taken as the longest.
  const ctx = { i: Math.max(0, spec.count - 1), group: spec.name, seed, clientId: '' };
  ctx.clientId = g.clientId(ctx);
  let largestPacket = 0;
  spec.publish.forEach((p, k) => {
    const pr = aliasProps[k] ?? props[k];
    const propBytes = protocol === 5 ? varIntLength(pr?.length ?? 0) + (pr?.length ?? 0) : 0;
    const remaining = 2 + Buffer.byteLength(g.publish[k](ctx)) + (p.qos > 0 ? 2 : 0) + propBytes + p.size;
    largestPacket = Math.max(largestPacket, 1 + varIntLength(remaining) + remaining);
  });
  return { needs, largestPacket, props, aliasProps };
}
