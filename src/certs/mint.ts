// `fleetstorm certs` without the argv: a test CA, a server certificate for the broker, one
// certificate and key per device, and the identity inventory that lists them. Blocks of devices
// go to worker threads when the fleet is large enough to repay starting them.
import { existsSync, mkdirSync, openSync, closeSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { UsageError } from '../errors.ts';
import { checkTemplate, placeholdersOf } from '../scenario/template.ts';
import { createAuthority, createServerCert, type Validity } from './authority.ts';
import { clientIds, deviceFiles, DEVICES_PER_FOLDER, mintRange, type ClientIdSpec, type MintRangeTask } from './mint-range.ts';
import { INVENTORY_COLUMNS, csvField } from './inventory-format.ts';

export const OUTPUT_FILES = { ca: 'ca.pem', caKey: 'ca.key', serverCert: 'server.pem', serverKey: 'server.key', inventory: 'devices.csv' };
export const DEVICES_DIR = 'devices';
/** Always in the server certificate, so a broker on this machine is reachable by either name. */
export const LOCAL_SERVER_NAMES = ['127.0.0.1', 'localhost'];
/** Below this many devices, starting worker threads costs more than it saves. */
const THREADS_FROM = 5000;
const MAX_THREADS = 8;

export interface MintOptions {
  outDir: string;
  devices: number;
  clientId: ClientIdSpec;
  days: number;
  /** Added to LOCAL_SERVER_NAMES in the server certificate. */
  serverNames?: readonly string[];
  /** Replace certificates already in outDir. */
  force?: boolean;
  /** Worker threads; 0 mints in this thread. Default: automatic. */
  threads?: number;
  now?: Date;
}

export interface MintSummary {
  outDir: string;
  /** Absolute path of devices.csv. */
  inventory: string;
  devices: number;
  threads: number;
  seconds: number;
}

/** The client ids of the fleet, checked: a valid template that gives every device its own id. */
export function fleetClientIds(spec: ClientIdSpec, devices: number): string[] {
  const problem = checkTemplate(spec.template, ['i', 'group', 'rand']);
  if (problem) throw new UsageError(`--client-id "${spec.template}": ${problem}`);
  const used = placeholdersOf(spec.template);
  if (!used.has('i') && !used.has('rand'))
    throw new UsageError(`--client-id "${spec.template}" must contain {i} (or {rand:N}) so devices get distinct ids`);
  const ids = clientIds(spec, 0, devices);
  const seen = new Set<string>();
  for (let i = 0; i < ids.length; i++) {
    if (seen.has(ids[i])) throw new UsageError(`--client-id "${spec.template}" gives device ${i} the id "${ids[i]}" of an earlier device`);
    seen.add(ids[i]);
  }
  return ids;
}

/** Refuses to overwrite earlier certificates unless forced; with force, removes only what certs writes. */
function prepareOutDir(outDir: string, force: boolean): void {
  const ours = [...Object.values(OUTPUT_FILES), DEVICES_DIR].filter((name) => existsSync(path.join(outDir, name)));
  if (ours.length > 0 && !force) throw new UsageError(`${outDir} already holds ${ours.join(', ')}; use --force to replace them`);
  for (const name of ours) rmSync(path.join(outDir, name), { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
}

function validityFor(now: Date, days: number): Validity {
  // An hour back, so a broker whose clock runs a little behind accepts the certificates at once.
  const start = Math.floor(now.getTime() / 1000) * 1000 - 3600_000;
  return { notBefore: new Date(start), notAfter: new Date(start + 3600_000 + days * 86_400_000) };
}

function writeInventory(file: string, ids: readonly string[]): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, INVENTORY_COLUMNS.join(',') + '\n');
    const BATCH = 10_000;
    for (let from = 0; from < ids.length; from += BATCH) {
      let text = '';
      for (let i = from; i < Math.min(ids.length, from + BATCH); i++) {
        const files = deviceFiles(i);
        text += `${csvField(ids[i])},,,${files.cert},${files.key}\n`;
      }
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
}

export function automaticThreads(devices: number): number {
  if (devices < THREADS_FROM) return 0;
  return Math.min(MAX_THREADS, os.availableParallelism());
}

/** The worker entry: compiled JavaScript beside this file in dist/, else the .mjs that loads tsx. */
function taskEntry(): string {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('./mint-task.mjs', here).href : new URL('./mint-task.js', here).href;
}

async function mintAll(tasks: MintRangeTask[], threads: number): Promise<void> {
  if (threads === 0) {
    for (const task of tasks) await mintRange(task);
    return;
  }
  const pool = new Piscina({ filename: taskEntry(), minThreads: threads, maxThreads: threads });
  try {
    await Promise.all(tasks.map((task) => pool.run(task) as Promise<number>));
  } finally {
    await pool.destroy();
  }
}

export async function mintFleet(opts: MintOptions): Promise<MintSummary> {
  const started = performance.now();
  const ids = fleetClientIds(opts.clientId, opts.devices);
  const outDir = path.resolve(opts.outDir);
  prepareOutDir(outDir, opts.force ?? false);
  const validity = validityFor(opts.now ?? new Date(), opts.days);
  const ca = await createAuthority(validity);
  const server = await createServerCert(ca, [...new Set([...LOCAL_SERVER_NAMES, ...(opts.serverNames ?? [])])], validity);
  const at = (name: string) => path.join(outDir, name);
  writeFileSync(at(OUTPUT_FILES.ca), ca.certPem);
  writeFileSync(at(OUTPUT_FILES.caKey), ca.keyPem, { mode: 0o600 });
  writeFileSync(at(OUTPUT_FILES.serverCert), server.certPem);
  writeFileSync(at(OUTPUT_FILES.serverKey), server.keyPem, { mode: 0o600 });

  const serialPrefix = randomBytes(8);
  serialPrefix[0] = (serialPrefix[0] & 0x7f) | 0x01;
  const material = { certDer: ca.certDer, keyPkcs8: ca.keyPkcs8 };
  const tasks: MintRangeTask[] = [];
  for (let from = 0; from < opts.devices; from += DEVICES_PER_FOLDER) {
    const count = Math.min(DEVICES_PER_FOLDER, opts.devices - from);
    tasks.push({ ca: material, validity, serialPrefix, clientId: opts.clientId, outDir, from, count });
  }
  const threads = opts.threads ?? automaticThreads(opts.devices);
  await mintAll(tasks, threads);
  // Last, so a devices.csv on disk always lists files that exist.
  writeInventory(at(OUTPUT_FILES.inventory), ids);
  return { outDir, inventory: at(OUTPUT_FILES.inventory), devices: opts.devices, threads, seconds: (performance.now() - started) / 1000 };
}
