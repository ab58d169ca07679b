// One entry of `groups:`: a fleet of identical clients (count, identity, session, connect pace)
// and its streams.

import type { GroupSpec } from './types.ts';
import { bool, duration, integer, list, name, peek, rate, section, template, text } from './fields.ts';
import type { CrossCheck } from './schema-check.ts';
import { isRecord, rawProtocol } from './schema-broker.ts';
import { CLIENT_PLACEHOLDERS, checkPublishEntry, publishEntry, subscribeEntry, willSection } from './schema-streams.ts';
import { placeholdersOf } from './template.ts';
import { churnSection, commandEntry, endpointsField, reconnectSection, replySection } from './schema-behaviour.ts';

const MAX_KEEPALIVE_MS = 65_535_000; // 16-bit seconds on the wire
const MAX_SESSION_EXPIRY_MS = 4_294_967_295_000; // 32-bit seconds on the wire

const countField = integer(1, Number.MAX_SAFE_INTEGER, 'number of clients in the group');
const clientIdField = template(['i', 'group', 'rand'], 'client id template: {i} index from 0, {group}, {rand:N}');
/** An identity inventory (`fleetstorm certs` writes one): row i is device i of the group. */
const identitiesField = text(
  'identity inventory (.csv or .jsonl, relative to the scenario file): row i gives device i its clientId and optional username, password, cert, key',
);
const INVENTORY_FILE = /\.(csv|jsonl)$/i;
const sessionExpiryField = duration({ wholeSeconds: true, max: MAX_SESSION_EXPIRY_MS }, 'session expiry interval (MQTT 5 only)');

export const groupEntry = section(
  {
    name: name('group name, [a-z0-9-]+, unique'),
    count: countField,
    clientId: clientIdField.prefault('{group}-{i}'),
    username: template(CLIENT_PLACEHOLDERS, 'username (template; ${env:NAME} reads the environment)').optional(),
    password: template(CLIENT_PLACEHOLDERS, 'password (template; ${env:NAME} reads the environment)').optional(),
    identities: identitiesField.optional(),
    keepalive: duration({ wholeSeconds: true, max: MAX_KEEPALIVE_MS }, 'keepalive interval, 0 = off').prefault('60s'),
    clean: bool('clean session / clean start').prefault(true),
    sessionExpiry: sessionExpiryField.prefault('0s'),
    connectRate: rate('new connections per second for this group').prefault('100/s'),
    maxConnectsInFlight: integer(1, Number.MAX_SAFE_INTEGER, 'connects outstanding at once (TCP + CONNACK)').prefault(1000),
    will: willSection.optional(),
    subscribe: list(subscribeEntry, { description: 'subscriptions made after connecting' }).prefault([]),
    publish: list(publishEntry, { description: 'publish streams' }).prefault([]),
    endpoints: endpointsField.optional(),
    reconnect: reconnectSection.optional(),
    churn: churnSection.optional(),
    commands: list(commandEntry, { description: 'commands sent to devices of another group' }).prefault([]),
    reply: replySection.optional(),
  },
  'a group of identical clients',
).transform((g): GroupSpec => ({
  name: g.name,
  count: g.count,
  clientId: g.clientId,
  ...(g.username !== undefined ? { username: g.username } : {}),
  ...(g.password !== undefined ? { password: g.password } : {}),
  ...(g.identities !== undefined ? { identities: { file: g.identities } } : {}),
  keepaliveMs: g.keepalive,
  clean: g.clean,
  sessionExpiryMs: g.sessionExpiry,
  connectRate: g.connectRate,
  maxConnectsInFlight: g.maxConnectsInFlight,
  ...(g.will ? { will: g.will } : {}),
  subscribe: g.subscribe,
  publish: g.publish,
  ...(g.endpoints ? { endpoints: g.endpoints } : {}),
  ...(g.reconnect ? { reconnect: g.reconnect } : {}),
  ...(g.churn ? { churn: g.churn } : {}),
  commands: g.commands,
  ...(g.reply ? { reply: g.reply } : {}),
}));

export const groupsSection = list(groupEntry, { min: 1, description: 'client groups' });

export const checkGroups: CrossCheck = (root, report) => {
  if (!Array.isArray(root.groups)) return;
  const protocol = rawProtocol(root);
  const firstIndexByName = new Map<string, number>();
  root.groups.forEach((group: unknown, k) => {
    if (!isRecord(group)) return;
    const path = ['groups', k];
    if (typeof group.name === 'string') {
      const first = firstIndexByName.get(group.name);
      if (first === undefined) firstIndexByName.set(group.name, k);
      else report([...path, 'name'], `duplicate group name "${group.name}" (also groups[${first}])`);
    }
    const expiry = group.sessionExpiry === undefined ? 0 : peek(sessionExpiryField, group.sessionExpiry);
    if (expiry !== undefined && expiry > 0 && protocol !== 5) {
      report([...path, 'sessionExpiry'], `needs broker.protocol 5 (it is ${protocol}); use 0s or switch to MQTT 5`);
    }
    if (typeof group.identities === 'string' && !INVENTORY_FILE.test(group.identities))
      report([...path, 'identities'], `must name a .csv or .jsonl inventory file, got "${group.identities}"`);
    const count = peek(countField, group.count);
    const clientId = group.clientId === undefined ? '{group}-{i}' : peek(clientIdField, group.clientId);
    // With an inventory, client ids come from its rows (checked unique when it is read).
    if (group.identities === undefined && count !== undefined && count > 1 && clientId !== undefined) {
      const used = placeholdersOf(clientId);
      if (!used.has('i') && !used.has('rand'))
        report([...path, 'clientId'], 'must contain {i} (or {rand:N}) so the clients of the group get distinct ids');
    }
    if (Array.isArray(group.publish))
      group.publish.forEach((entry, j) => checkPublishEntry(entry, [...path, 'publish', j], report, { protocol, clean: group.clean }));
  });
};
