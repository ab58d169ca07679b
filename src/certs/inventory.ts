// Reading an identity inventory (`groups[].identities`): devices.csv or devices.jsonl, one row
// per device, row i for device i of the group. Streamed, so 130,000 rows never sit in memory as
// text: a scan checks every row and hashes the file at validate time (agents compare the hash),
// and each shard reads only its own block of rows.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { UsageError } from '../errors.ts';
import {
  checkHeader,
  isInlinePem,
  rawFromJson,
  RowProblem,
  toIdentityRow,
  type IdentityRow,
  type InventoryColumn,
} from './inventory-format.ts';

export type { IdentityRow } from './inventory-format.ts';
export type InventoryFormat = 'csv' | 'jsonl';

type RawRow = Partial<Record<InventoryColumn, string>>;
interface NumberedRow {
  line: number;
  raw: RawRow;
}

export function inventoryFormat(file: string): InventoryFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl') return 'jsonl';
  throw new UsageError(`${file}: an identity inventory is a .csv or .jsonl file`);
}

const fail = (file: string, line: number, message: string) => new UsageError(`${file}:${line}: ${message}`);

async function* csvRows(file: string, input: NodeJS.ReadableStream): AsyncGenerator<NumberedRow> {
  const parser = input.pipe(parse({ info: true, skip_empty_lines: true, bom: true, relax_column_count: true }));
  let header: InventoryColumn[] | undefined;
  let endLine = 0;
  let emptyLines = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
      // csv-parse reports the line a record ends on; a quoted PEM spans several.
      const line = endLine + (info.empty_lines - emptyLines) + 1;
      endLine = info.lines;
      emptyLines = info.empty_lines;
      if (!header) {
        header = guard(file, line, () => checkHeader(record));
        continue;
      }
      if (record.length !== header.length) throw fail(file, line, `${record.length} fields, the header has ${header.length}`);
      const raw: RawRow = {};
      for (let k = 0; k < header.length; k++) raw[header[k]] = record[k];
      yield { line, raw };
    }
  } catch (err) {
    const csv = err as { code?: string; lines?: number };
    // csv-parse's messages may quote the text around the problem; keep its code and line only.
    if (csv.code?.startsWith('CSV_')) throw fail(file, csv.lines ?? endLine + 1, `CSV cannot be read (${csv.code})`);
    throw err;
  }
}

async function* jsonlRows(file: string, input: NodeJS.ReadableStream): AsyncGenerator<NumberedRow> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    yield { line, raw: guard(file, line, () => rawFromJson(line === 1 ? text.replace(/^\uFEFF/, '') : text)) };
  }
}

function guard<T>(file: string, line: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RowProblem) throw fail(file, line, err.message);
    throw err;
  }
}

/** Every row of the file, checked, in order; `onBytes` sees the file's bytes as they are read. */
async function* numberedRows(file: string, onBytes?: (chunk: Buffer) => void): AsyncGenerator<{ line: number; row: IdentityRow }> {
  const format = inventoryFormat(file);
  const input = createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (err) => reject(new UsageError(`${file}: cannot read the inventory: ${err.message}`)));
  });
  await opened;
  if (onBytes) input.on('data', (chunk) => onBytes(chunk as Buffer));
  const baseDir = path.dirname(path.resolve(file));
  const rows = format === 'csv' ? csvRows(file, input) : jsonlRows(file, input);
  try {
    for await (const { line, raw } of rows) yield { line, row: guard(file, line, () => toIdentityRow(raw, baseDir)) };
  } finally {
    input.destroy();
  }
}

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
  for await (const { line, row } of numberedRows(file, (chunk) => hash.update(chunk))) {
    const earlier = firstLine.get(row.clientId);
    if (earlier !== undefined) throw fail(file, line, `clientId "${row.clientId}" repeats line ${earlier}`);
    firstLine.set(row.clientId, line);
    for (const column of ['username', 'password', 'cert', 'key'] as const) if (row[column] !== undefined) uses[column]++;
    if (opts.checkFiles !== false) checkFiles(file, line, row);
    rows++;
  }
  return { file, format: inventoryFormat(file), rows, sha256: hash.digest('hex'), uses };
}

function checkFiles(file: string, line: number, row: IdentityRow): void {
  for (const column of ['cert', 'key'] as const) {
    const value = row[column];
    if (value === undefined || isInlinePem(value)) continue;
    let isFile = false;
    try {
      isFile = statSync(value).isFile();
    } catch {
      // missing: reported below
    }
    if (!isFile) throw fail(file, line, `${column} file ${path.relative(path.dirname(path.resolve(file)), value)} does not exist`);
  }
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
  for await (const { row } of numberedRows(file)) {
    if (index >= from) block.push(row);
    index++;
    if (block.length === count) return block;
  }
  throw new UsageError(`${file} lists ${index} devices; devices ${from}..${from + count - 1} were asked for`);
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
