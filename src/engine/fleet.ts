// The fleet as numbers every host agrees on without talking: each client's global id, each
// publish stream's id (carried in the tracking header), each group's templates compiled once.
// Derived from the scenario alone, so a shard on any host computes the same ids.

import { compileTemplate, type ExpandTemplate, type TemplateContext } from '../scenario/template.ts';
import { PayloadProgram } from '../scenario/payload-template.ts';
import type { CommandSpec, GroupSpec, Scenario } from '../scenario/types.ts';
import { fleetClients } from '../plan/fleet-totals.ts';
import { parseShared } from './topic-trie.ts';

export interface FleetGroup {
  spec: GroupSpec;
  index: number;
  /** Global id of client 0 of this group. */
  clientBase: number;
  /** Stream id of client 0's first publish stream; client i stream k = streamBase + i * publish.length + k. */
  streamBase: number;
  clientId: ExpandTemplate;
  /** A template, or with an identity inventory the device's row (undefined: not sent). */
  username: DeviceText | null;
  password: DeviceText | null;
  subscribe: ExpandTemplate[];
  publish: ExpandTemplate[];
  /** Each publish stream's compiled payload template, null for filler of `size` bytes. */
  payloads: (PayloadProgram | null)[];
  willTopic: ExpandTemplate | null;
  willPayload: ExpandTemplate | null;
  /** Per-client interval of each publish stream, ms. */
  publishIntervalMs: number[];
  commands: FleetCommand[];
  /** Stream id of client 0's first command stream (ids after every publish stream). */
  commandStreamBase: number;
  reply: ExpandTemplate | null;
  /**
   * For a group whose every subscription is shared under one share name, that share's receiver
   * id: its members together receive each message once, so they share one tracking record.
   */
  sharedReceiver: number;
}

export type DeviceText = (ctx: TemplateContext) => string | undefined;

export interface FleetCommand {
  spec: CommandSpec;
  topic: ExpandTemplate;
  payload: PayloadProgram | null;
  /** Index of the target group. */
  target: number;
  /** MQTT 5 request/response: the Response Topic template, null for replies on the device's reply topic. */
  responseTopic: ExpandTemplate | null;
  /** Per sender client, ms between commands. */
  intervalMs: number;
}

export interface Fleet {
  scenario: Scenario;
  groups: FleetGroup[];
  totalClients: number;
  totalStreams: number;
  /** Receiver id of each share name (`$share/<name>/…`), after the client ids. */
  shareReceivers: Map<string, number>;
}

export const MAX_STREAMS = 16_777_216;

export function buildFleet(scenario: Scenario): Fleet {
  let clientBase = 0;
  let streamBase = 0;
  const shareReceivers = new Map<string, number>();
  const shareNames: string[] = [];
  for (const g of scenario.groups) {
    for (const s of g.subscribe) {
      const shared = parseShared(s.topic);
      if (shared && !shareReceivers.has(shared.share)) {
        shareNames.push(shared.share);
        shareReceivers.set(shared.share, -1);
      }
    }
  }
  const totalClients = fleetClients(scenario);
  shareNames.forEach((name, k) => shareReceivers.set(name, totalClients + k));

  const indexByName = new Map(scenario.groups.map((g, k) => [g.name, k]));
  let commandBase = scenario.groups.reduce((n, g) => n + g.count * g.publish.length, 0);
  const groups = scenario.groups.map((spec, index): FleetGroup => {
    const commands = (spec.commands ?? []).map((c) => ({
      spec: c,
      topic: compileTemplate(c.topic),
      payload: c.payload !== undefined ? new PayloadProgram(c.payload, true, c.size) : null,
      target: indexByName.get(c.to) ?? 0,
      responseTopic: c.responseTopic !== undefined ? compileTemplate(c.responseTopic) : null,
      intervalMs: c.rate !== undefined ? 1000 / c.rate : (1000 * spec.count) / c.totalRate!,
    }));
    const shares = new Set(spec.subscribe.map((s) => parseShared(s.topic)?.share ?? ''));
    const onlyShare = shares.size === 1 && !shares.has('') ? [...shares][0] : null;
    const group: FleetGroup = {
      spec,
      index,
      clientBase,
      streamBase,
      clientId: compileTemplate(spec.clientId),
      username: spec.username !== undefined ? compileTemplate(spec.username) : null,
      password: spec.password !== undefined ? compileTemplate(spec.password) : null,
      subscribe: spec.subscribe.map((s) => compileTemplate(s.topic)),
      publish: spec.publish.map((p) => compileTemplate(p.topic)),
      payloads: spec.publish.map((p) => (p.payload !== undefined ? new PayloadProgram(p.payload, p.track, p.size) : null)),
      willTopic: spec.will ? compileTemplate(spec.will.topic) : null,
      willPayload: spec.will ? compileTemplate(spec.will.payload) : null,
      publishIntervalMs: spec.publish.map((p) =>
        p.rate !== undefined ? 1000 / p.rate : p.totalRate !== undefined ? (1000 * spec.count) / p.totalRate : Infinity,
      ),
      sharedReceiver: onlyShare !== null ? shareReceivers.get(onlyShare)! : -1,
      commands,
      commandStreamBase: commandBase,
      reply: spec.reply ? compileTemplate(spec.reply.topic) : null,
    };
    commandBase += spec.count * commands.length;
    clientBase += spec.count;
    streamBase += spec.count * spec.publish.length;
    return group;
  });
  if (commandBase > MAX_STREAMS) {
    throw new Error(`the scenario has ${commandBase} publish and command streams; fleetstorm tracks at most ${MAX_STREAMS}`);
  }
  return { scenario, groups, totalClients, totalStreams: streamBase, shareReceivers };
}
