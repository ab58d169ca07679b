// Per-device identities (`groups[].identities`) as a shard uses them. The shard reads only its
// own block of rows (the devices it connects), so secrets and key paths of other shards never
// sit in its memory; when a topic template needs `{clientId}` of devices elsewhere (fan-out,
// commands), it also reads the client id column of the whole file, and nothing else of it.
// Before reading, each host checks the file's SHA-256 against the one the coordinator checked:
// a remote agent reads its own copy, and a different copy refuses the run.

import path from 'node:path';
import {
  inventorySha256,
  loadTlsIdentity,
  missingRowFile,
  readClientIds,
  readInventoryBlock,
  type IdentityRow,
} from '../certs/inventory.ts';
import type { Connection, Endpoint } from '../client/connection.ts';
import { placeholdersOf } from '../scenario/template.ts';
import type { GroupSpec, Scenario } from '../scenario/types.ts';
import type { Fleet, FleetGroup } from './fleet.ts';
import type { ShardGroupSlice } from './slices.ts';

/** One group's identities on this shard: rows [start, start + rows.length) of its inventory. */
export interface GroupIdentities {
  start: number;
  rows: IdentityRow[];
  /** Every device's client id, when a template reads `{clientId}`; else null. */
  ids: string[] | null;
}

/** Per group index: its identities on this shard, or null for a group without an inventory. */
export type ShardIdentities = (GroupIdentities | null)[];

/** Whether any topic or will template of the fleet reads `{clientId}`. */
function templatesNeedClientIds(scenario: Scenario): boolean {
  const texts = scenario.groups.flatMap((g) => [
    ...g.subscribe.map((s) => s.topic),
    ...g.publish.map((p) => p.topic),
    ...(g.commands ?? []).map((c) => c.topic),
    ...(g.reply ? [g.reply.topic] : []),
    ...(g.will ? [g.will.topic, g.will.payload] : []),
  ]);
  return texts.some((t) => placeholdersOf(t).has('clientId'));
}

async function checkPinned(file: string, spec: GroupSpec, at: string): Promise<void> {
  const pinned = spec.identities?.sha256;
  if (pinned === undefined) return;
  const here = await inventorySha256(file);
  if (here !== pinned)
    throw new Error(
      `${at}: ${file} here has SHA-256 ${here.slice(0, 16)}…, the coordinator's has ${pinned.slice(0, 16)}…: ` +
        'the inventories differ, so this host refuses to run',
    );
}

/** Certificate and key files of the block exist (read later, at each connect). */
function checkBlockFiles(file: string, rows: readonly IdentityRow[], start: number): void {
  rows.forEach((row, k) => {
    const column = missingRowFile(row);
    if (column)
      throw new Error(`${file}: device ${start + k} (${row.clientId}): ${column} file ${row[column]} does not exist on this host`);
  });
}

/** Reads this shard's identities; null when no group has an inventory. */
export async function loadShardIdentities(
  scenario: Scenario,
  slices: readonly ShardGroupSlice[],
  baseDir: string,
): Promise<ShardIdentities | null> {
  if (!scenario.groups.some((g) => g.identities)) return null;
  const needIds = templatesNeedClientIds(scenario);
  const out: ShardIdentities = scenario.groups.map(() => null);
  for (const [k, spec] of scenario.groups.entries()) {
    if (!spec.identities) continue;
    const file = path.resolve(baseDir, spec.identities.file);
    await checkPinned(file, spec, `groups[${k}].identities`);
    const slice = slices.find((s) => s.group === k);
    const start = slice?.start ?? 0;
    const rows = slice && slice.count > 0 ? await readInventoryBlock(file, slice.start, slice.count) : [];
    checkBlockFiles(file, rows, start);
    out[k] = { start, rows, ids: needIds ? await readClientIds(file, spec.count) : null };
  }
  return out;
}

/**
 * Device i's identity replaces the group's clientId, username and password templates. A row
 * without a username or password falls back to the group's template (e.g. `username: "{clientId}"`).
 * Outside this shard's block, only `ids` knows a client id; without it no template reads one.
 */
export function applyIdentities(fleet: Fleet, identities: ShardIdentities): void {
  identities.forEach((ids, k) => {
    if (ids) overrideGroup(fleet.groups[k], ids);
  });
}

function overrideGroup(g: FleetGroup, ids: GroupIdentities): void {
  const { start, rows } = ids;
  const all = ids.ids;
  const row = (i: number): IdentityRow | undefined => rows[i - start];
  const username = g.username;
  const password = g.password;
  g.clientId = all ? (ctx) => all[ctx.i] : (ctx) => row(ctx.i)?.clientId ?? '';
  if (username !== null || rows.some((r) => r.username !== undefined)) g.username = (ctx) => row(ctx.i)?.username ?? username?.(ctx);
  if (password !== null || rows.some((r) => r.password !== undefined)) g.password = (ctx) => row(ctx.i)?.password ?? password?.(ctx);
}

/** The error reason of a device whose certificate or key TLS cannot use (unreadable, not PEM, not a pair). */
export const UNUSABLE_IDENTITY = 'tls:unusable-client-certificate';

/**
 * Opens `conn`, with device i's own certificate and key over the endpoint's TLS options when it
 * has them. False when TLS refuses them (it throws before any socket exists): the caller fails
 * the attempt with UNUSABLE_IDENTITY.
 */
export function openWithIdentity(
  conn: Connection,
  endpoint: Endpoint,
  packet: Buffer,
  nowMs: number,
  identities: ShardIdentities | null,
  group: number,
  i: number,
): boolean {
  if (!identities || !endpoint.tls) {
    conn.open(endpoint, packet, nowMs);
    return true;
  }
  try {
    conn.open(endpoint, packet, nowMs, tlsIdentityOf(identities, group, i));
    return true;
  } catch {
    return false;
  }
}

/** Device i's client certificate and key (read now), or undefined when its row has none. */
export function tlsIdentityOf(identities: ShardIdentities, group: number, i: number): { cert: Buffer; key: Buffer } | undefined {
  const ids = identities[group];
  const row = ids?.rows[i - ids.start];
  return row ? loadTlsIdentity(row) : undefined;
}
