// The identity inventory, one row per device: what a row may hold and how a raw row (a CSV
// record or a JSONL object) becomes a checked one. Messages name the line, never a secret.
import path from 'node:path';

export const INVENTORY_COLUMNS = ['clientId', 'username', 'password', 'cert', 'key'] as const;
export type InventoryColumn = (typeof INVENTORY_COLUMNS)[number];

/** One device. An empty value means "not set". `cert` and `key` are absolute paths, or the PEM
 * text itself when the inventory holds it inline. */
export interface IdentityRow {
  clientId: string;
  username?: string;
  password?: string;
  cert?: string;
  key?: string;
}

/** MQTT strings are length-prefixed with 16 bits. */
const MAX_MQTT_STRING_BYTES = 65_535;
const PEM_BEGIN = '-----BEGIN ';

export const isInlinePem = (value: string) => value.trimStart().startsWith(PEM_BEGIN);

/** A CSV field as RFC 4180 writes it: quoted only when it must be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A problem with one row; the reader adds `file:line: ` in front. */
export class RowProblem extends Error {
  override name = 'RowProblem';
}

export function isInventoryColumn(name: string): name is InventoryColumn {
  return (INVENTORY_COLUMNS as readonly string[]).includes(name);
}

function checkPem(column: 'cert' | 'key', value: string): void {
  const label = column === 'cert' ? 'CERTIFICATE' : 'PRIVATE KEY';
  const begins = value.trimStart().slice(PEM_BEGIN.length);
  if (!begins.startsWith(label) && !(column === 'key' && /^[A-Z0-9]+ PRIVATE KEY/.test(begins))) {
    throw new RowProblem(`${column} holds inline PEM that is not a ${label}`);
  }
  if (!value.includes('-----END ')) throw new RowProblem(`${column} holds inline PEM without its -----END line`);
}

/**
 * Checks a raw row (column → value, missing and empty meaning "not set") and resolves file paths
 * against `baseDir`, the inventory's folder.
 */
export function toIdentityRow(raw: Partial<Record<InventoryColumn, string>>, baseDir: string): IdentityRow {
  const clientId = raw.clientId ?? '';
  if (clientId === '') throw new RowProblem('clientId is empty');
  if (Buffer.byteLength(clientId) > MAX_MQTT_STRING_BYTES) throw new RowProblem(`clientId is longer than ${MAX_MQTT_STRING_BYTES} bytes`);
  const row: IdentityRow = { clientId };
  if (raw.username) row.username = raw.username;
  if (raw.password) row.password = raw.password;
  if (raw.cert || raw.key) {
    if (!raw.cert) throw new RowProblem('key is set but cert is not (a client certificate needs both)');
    if (!raw.key) throw new RowProblem('cert is set but key is not (a client certificate needs both)');
    for (const column of ['cert', 'key'] as const) {
      const value = raw[column]!;
      if (isInlinePem(value)) {
        checkPem(column, value);
        row[column] = value;
      } else {
        row[column] = path.resolve(baseDir, value);
      }
    }
  }
  return row;
}

/** A JSONL line as a raw row: an object whose keys are inventory columns and values strings. */
export function rawFromJson(line: string): Partial<Record<InventoryColumn, string>> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    // JSON.parse quotes the text around the error, and that text may be a password.
    const at = /position (\d+)/.exec((err as Error).message);
    throw new RowProblem(`not valid JSON${at ? ` (at character ${Number(at[1]) + 1})` : ''}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RowProblem('expected a JSON object');
  const raw: Partial<Record<InventoryColumn, string>> = {};
  for (const [key, field] of Object.entries(value)) {
    if (!isInventoryColumn(key)) throw new RowProblem(`unknown field "${key}" (fields: ${INVENTORY_COLUMNS.join(', ')})`);
    if (field === null) continue;
    if (typeof field !== 'string') throw new RowProblem(`${key} must be a string`);
    raw[key] = field;
  }
  return raw;
}

/** The CSV header, checked: known column names, each once, clientId among them. */
export function checkHeader(header: readonly string[]): InventoryColumn[] {
  const seen = new Set<string>();
  for (const name of header) {
    if (!isInventoryColumn(name)) throw new RowProblem(`unknown column "${name}" in the header (columns: ${INVENTORY_COLUMNS.join(', ')})`);
    if (seen.has(name)) throw new RowProblem(`column "${name}" appears twice in the header`);
    seen.add(name);
  }
  if (!seen.has('clientId')) throw new RowProblem(`the header has no clientId column (columns: ${INVENTORY_COLUMNS.join(', ')})`);
  return header as InventoryColumn[];
}
