// Reading an identity inventory (`groups[].identities`): devices.csv or devices.jsonl, one row
// per device, row i for device i of the group. Streamed, so 130,000 rows never sit in memory as
// text: a scan checks every row and hashes the file at validate time (agents compare the hash),
// and each shard reads only its own block of rows.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { isInlinePem, type IdentityRow } from './inventory-format.ts';
import { eachRow, inventoryFormat, lineError, type InventoryFormat } from './inventory-stream.ts';

export type { IdentityRow } from './inventory-format.ts';
export { inventoryFormat, type InventoryFormat } from './inventory-stream.ts';

export interface InventoryScan {
  file: string;
  format: InventoryFormat;
  rows: number;
  /** Hex SHA-256 of the file's bytes: a remote agent reading its own copy checks it matches. */
  sha256: string;
  /** How many rows set each optional column. */
  uses: Record<'username' | 'password' | 'cert' | 'key', number>;
}

/**
 * Reads the whole inventory once: every row checked, client ids unique, and (unless
 * `checkFiles` is false) every certificate and key file present. Throws a UsageError naming
 * `file:line` at the first bad row.
 */
export async function scanInventory(file: string, opts: { checkFiles?: boolean } = {}): Promise<InventoryScan> {
  const hash = createHash('sha256');
  const uses = { username: 0, password: 0, cert: 0, key: 0 };
  const firstLine = new Map<string, number>();
  let rows = 0;
  const check = opts.checkFiles !== false;
  await eachRow(
    file,
    (line, row) => {
      const earlier = firstLine.get(row.clientId);
      if (earlier !== undefined) throw lineError(file, line, `clientId "${row.clientId}" repeats line ${earlier}`);
      firstLine.set(row.clientId, line);
      for (const column of ['username', 'password', 'cert', 'key'] as const) if (row[column] !== undefined) uses[column]++;
      if (check) checkFiles(file, line, row);
      rows++;
    },
    (chunk) => hash.update(chunk),
  );
  return { file, format: inventoryFormat(file), rows, sha256: hash.digest('hex'), uses };
}

/** The row's first certificate or key file that is not there (inline PEM needs none). */
export function missingRowFile(row: IdentityRow): 'cert' | 'key' | undefined {
  for (const column of ['cert', 'key'] as const) {
    const value = row[column];
    if (value === undefined || isInlinePem(value)) continue;
    try {
      if (statSync(value).isFile()) continue;
    } catch {
      // missing
    }
    return column;
  }
  return undefined;
}

function checkFiles(file: string, line: number, row: IdentityRow): void {
  const column = missingRowFile(row);
  if (column) throw lineError(file, line, `${column} file ${path.relative(path.dirname(path.resolve(file)), row[column]!)} does not exist`);
}

/** Hex SHA-256 of the inventory file (what scanInventory reports), without parsing it. */
export async function inventorySha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The problem when a group needs more devices than the inventory lists, as one line. */
export function checkInventorySize(scan: Pick<InventoryScan, 'file' | 'rows'>, count: number): string | undefined {
  if (scan.rows >= count) return undefined;
  return `${scan.file} lists ${scan.rows} devices, the group needs ${count} (count)`;
}

/** Rows [from, from + count): one shard's devices. Stops reading once it has them. */
export async function readInventoryBlock(file: string, from: number, count: number): Promise<IdentityRow[]> {
  const block: IdentityRow[] = [];
  let index = 0;
  await eachRow(file, (_line, row) => {
    if (index >= from) block.push(row);
    index++;
    return block.length < count;
  });
  if (block.length === count) return block;
  throw new UsageError(`${file} lists ${index} devices; devices ${from}..${from + count - 1} were asked for`);
}

/** The client ids of rows [0, count), without keeping secrets or PEM in memory: for finding the
 * id of a device another shard connects (commands addressed to a device, fan-out checks). */
export async function readClientIds(file: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  await eachRow(file, (_line, row) => {
    ids.push(row.clientId);
    return ids.length < count;
  });
  if (ids.length < count) throw new UsageError(`${file} lists ${ids.length} devices; ${count} were asked for`);
  return ids;
}

/** A device's client certificate and key as TLS options want them, or undefined without one. */
export function loadTlsIdentity(row: IdentityRow): { cert: Buffer; key: Buffer } | undefined {
  if (row.cert === undefined || row.key === undefined) return undefined;
  const load = (column: 'cert' | 'key', value: string) => {
    if (isInlinePem(value)) return Buffer.from(value);
    try {
      return readFileSync(value);
    } catch (err) {
      throw new UsageError(
        `device ${row.clientId}: cannot read its ${column} ${value}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  };
  return { cert: load('cert', row.cert), key: load('key', row.key) };
}
