import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkInventorySize,
  inventorySha256,
  loadTlsIdentity,
  readClientIds,
  readInventoryBlock,
  scanInventory,
} from '../../../src/certs/inventory.ts';
import { UsageError } from '../../../src/errors.ts';
import { tempDir } from '../../helpers/cli.ts';

const dir = tempDir('fleetstorm-inventory-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CERT = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIGHfake\n-----END PRIVATE KEY-----\n';
const SECRET = 'hunter2-very-secret';

let n = 0;
function write(ext: 'csv' | 'jsonl', text: string): string {
  const file = path.join(dir, `inv-${++n}.${ext}`);
  writeFileSync(file, text);
  return file;
}

const jsonl = (...rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

/** The UsageError message the reader throws for `file`, with the file name shortened. */
async function problem(file: string): Promise<string> {
  const err = await scanInventory(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  return (err as Error).message.replace(file, 'FILE');
}

describe('a CSV inventory', () => {
  mkdirSync(path.join(dir, 'keys/a'), { recursive: true });
  writeFileSync(path.join(dir, 'keys/a/0.pem'), CERT);
  writeFileSync(path.join(dir, 'keys/a/0.key'), KEY);

  it('lists rows in order with paths resolved against its own folder, empty meaning not set', async () => {
    const file = write('csv', `clientId,username,password,cert,key\nlock-0,,,keys/a/0.pem,keys/a/0.key\nlock-1,alice,${SECRET},,\n`);
    const scan = await scanInventory(file);
    expect(scan).toEqual({
      file,
      format: 'csv',
      rows: 2,
      sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
      uses: { username: 1, password: 1, cert: 1, key: 1 },
    });
    expect(await inventorySha256(file)).toBe(scan.sha256);
    expect(await readInventoryBlock(file, 0, 2)).toEqual([
      { clientId: 'lock-0', cert: path.join(dir, 'keys/a/0.pem'), key: path.join(dir, 'keys/a/0.key') },
      { clientId: 'lock-1', username: 'alice', password: SECRET },
    ]);
    expect(loadTlsIdentity((await readInventoryBlock(file, 0, 1))[0])).toEqual({ cert: Buffer.from(CERT), key: Buffer.from(KEY) });
    expect(loadTlsIdentity((await readInventoryBlock(file, 1, 1))[0])).toBeUndefined();
  });

  it('takes the columns in any order, with a BOM, CRLF line ends and blank lines', async () => {
    const file = write('csv', '\uFEFFusername,clientId\r\nbob,b-0\r\n\r\n,b-1\r\n');
    expect(await readInventoryBlock(file, 0, 2)).toEqual([{ clientId: 'b-0', username: 'bob' }, { clientId: 'b-1' }]);
  });

  it('holds inline PEM in quoted fields, and counts lines past it right', async () => {
    const file = write('csv', `clientId,cert,key\n"pem-0","${CERT}","${KEY}"\npem-1,,\nbad,x,\n`);
    const [row] = await readInventoryBlock(file, 0, 1);
    expect(row).toEqual({ clientId: 'pem-0', cert: CERT, key: KEY });
    expect(loadTlsIdentity(row)).toEqual({ cert: Buffer.from(CERT), key: Buffer.from(KEY) });
    // pem-0 spans lines 2-8 (its closing quote follows the key's last newline), pem-1 is line 9.
    expect(await problem(file)).toBe('FILE:10: cert is set but key is not (a client certificate needs both)');
  });

  it.each([
    [
      'a header without clientId',
      'username\nalice\n',
      'FILE:1: the header has no clientId column (columns: clientId, username, password, cert, key)',
    ],
    [
      'an unknown column',
      'clientId,passwd\na,b\n',
      'FILE:1: unknown column "passwd" in the header (columns: clientId, username, password, cert, key)',
    ],
    ['a column twice', 'clientId,clientId\na,b\n', 'FILE:1: column "clientId" appears twice in the header'],
    ['an empty clientId', 'clientId,username\na,x\n,y\n', 'FILE:3: clientId is empty'],
    ['a row with too many fields', `clientId,password\na,${SECRET},extra\n`, 'FILE:2: 3 fields, the header has 2'],
    ['a key without its cert', 'clientId,key\na,keys/a/0.key\n', 'FILE:2: key is set but cert is not (a client certificate needs both)'],
    [
      'a cert file that is not there',
      'clientId,cert,key\na,keys/a/none.pem,keys/a/0.key\n',
      'FILE:2: cert file keys/a/none.pem does not exist',
    ],
    ['inline PEM of the wrong kind', `clientId,cert,key\na,"${KEY}","${KEY}"\n`, 'FILE:2: cert holds inline PEM that is not a CERTIFICATE'],
    ['a clientId twice', 'clientId\na\nb\na\n', 'FILE:4: clientId "a" repeats line 2'],
    ['an unclosed quote', `clientId,password\na,"${SECRET}\n`, 'FILE:2: CSV cannot be read (CSV_QUOTE_NOT_CLOSED)'],
  ])('names the file and line of %s, and no secret', async (_what, text, message) => {
    const got = await problem(write('csv', text));
    expect(got).toBe(message);
    expect(got).not.toContain(SECRET);
  });
});

describe('a JSONL inventory', () => {
  it('reads one object per line, inline PEM as JSON strings, null as not set', async () => {
    const file = write('jsonl', jsonl({ clientId: 'j-0', cert: CERT, key: KEY }, '', { clientId: 'j-1', username: 'u', password: null }));
    expect(await readInventoryBlock(file, 0, 2)).toEqual([
      { clientId: 'j-0', cert: CERT, key: KEY },
      { clientId: 'j-1', username: 'u' },
    ]);
    expect((await scanInventory(file)).uses).toEqual({ username: 1, password: 0, cert: 1, key: 1 });
  });

  it.each([
    [
      'text that is not JSON',
      jsonl({ clientId: 'a' }, `{"clientId":"b","password":"${SECRET}"`),
      /^FILE:2: not valid JSON( \(at character \d+\))?$/,
    ],
    ['an array', jsonl(['a']), /^FILE:1: expected a JSON object$/],
    ['a number where a string belongs', jsonl({ clientId: 7 }), /^FILE:1: clientId must be a string$/],
    [
      'an unknown field',
      jsonl({ clientId: 'a', pass: SECRET }),
      /^FILE:1: unknown field "pass" \(fields: clientId, username, password, cert, key\)$/,
    ],
  ])('names the file and line of %s, and no secret', async (_what, text, message) => {
    const got = await problem(write('jsonl', text));
    expect(got).toMatch(message);
    expect(got).not.toContain(SECRET);
  });
});

describe('inventory size and blocks', () => {
  const rows = Array.from({ length: 10 }, (_, i) => `dev-${i}`);
  const file = write('csv', `clientId\n${rows.join('\n')}\n`);

  it('reports a short inventory with both numbers', async () => {
    const scan = await scanInventory(file);
    expect(checkInventorySize(scan, 10)).toBeUndefined();
    expect(checkInventorySize(scan, 4)).toBeUndefined();
    expect(checkInventorySize(scan, 11)).toBe(`${file} lists 10 devices, the group needs 11 (count)`);
  });

  it('reads exactly one shard block, and refuses a block past the end', async () => {
    expect((await readInventoryBlock(file, 3, 4)).map((r) => r.clientId)).toEqual(['dev-3', 'dev-4', 'dev-5', 'dev-6']);
    await expect(readInventoryBlock(file, 8, 3)).rejects.toThrow(`${file} lists 10 devices; devices 8..10 were asked for`);
  });

  it('reads the client ids alone, for devices on other shards', async () => {
    expect(await readClientIds(file, 3)).toEqual(['dev-0', 'dev-1', 'dev-2']);
    await expect(readClientIds(file, 11)).rejects.toThrow(`${file} lists 10 devices; 11 were asked for`);
  });

  it('refuses other file types and missing files with one line', async () => {
    await expect(scanInventory(path.join(dir, 'devices.txt'))).rejects.toThrow(
      /devices\.txt: an identity inventory is a \.csv or \.jsonl file$/,
    );
    await expect(scanInventory(path.join(dir, 'missing.csv'))).rejects.toThrow(/missing\.csv: cannot read the inventory: ENOENT/);
  });

  it('streams 130,000 rows', async () => {
    const big = path.join(dir, 'big.csv');
    let text = 'clientId,username,password\n';
    for (let i = 0; i < 130_000; i++) text += `lock-${i},user-${i},pw-${i}\n`;
    writeFileSync(big, text);
    const scan = await scanInventory(big);
    expect(scan.rows).toBe(130_000);
    expect((await readInventoryBlock(big, 129_999, 1))[0]).toEqual({
      clientId: 'lock-129999',
      username: 'user-129999',
      password: 'pw-129999',
    });
  }, 60_000);
});
