// One block of devices minted and written to disk: the unit of work of `fleetstorm certs`, run
// in the main thread for small fleets and in worker threads (mint-task.ts) for large ones.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compileTemplate } from '../scenario/template.ts';
import type { AuthorityMaterial, Validity } from './authority.ts';
import { DeviceMinter } from './device-cert.ts';

/** Devices per folder under devices/: 130,000 devices make 130 folders of 2,000 files. */
export const DEVICES_PER_FOLDER = 1000;

/** Where device `index` keeps its certificate and key, relative to the output folder. */
export function deviceFiles(index: number): { cert: string; key: string } {
  const folder = `devices/${String(Math.floor(index / DEVICES_PER_FOLDER)).padStart(3, '0')}`;
  return { cert: `${folder}/${index}.pem`, key: `${folder}/${index}.key` };
}

/** How client ids are made: a scenario client id template and the values it may use. */
export interface ClientIdSpec {
  template: string;
  group: string;
  seed: number;
}

/** The client id of every device, in order; the same expansion a scenario group does. */
export function clientIds(spec: ClientIdSpec, from: number, count: number): string[] {
  const expand = compileTemplate(spec.template);
  const ids = new Array<string>(count);
  for (let k = 0; k < count; k++) ids[k] = expand({ i: from + k, group: spec.group, seed: spec.seed });
  return ids;
}

export interface MintRangeTask {
  ca: AuthorityMaterial;
  validity: Validity;
  serialPrefix: Uint8Array;
  clientId: ClientIdSpec;
  outDir: string;
  from: number;
  count: number;
}

let cached: { run: string; minter: Promise<DeviceMinter> } | undefined;

/** One minter per run and thread (a run is known by its serial prefix): the shared parts are
 * encoded once, not once per block. */
function minterFor(task: MintRangeTask): Promise<DeviceMinter> {
  const run = Buffer.from(task.serialPrefix).toString('hex');
  if (cached?.run !== run) {
    cached = { run, minter: DeviceMinter.create(task.ca, { validity: task.validity, serialPrefix: task.serialPrefix }) };
  }
  return cached.minter;
}

/** Mints devices [from, from + count) and writes their files; returns how many it wrote. */
export async function mintRange(task: MintRangeTask): Promise<number> {
  const minter = await minterFor(task);
  const ids = clientIds(task.clientId, task.from, task.count);
  let folder = '';
  for (let k = 0; k < task.count; k++) {
    const index = task.from + k;
    const files = deviceFiles(index);
    const dir = path.dirname(files.cert);
    if (dir !== folder) {
      mkdirSync(path.join(task.outDir, dir), { recursive: true });
      folder = dir;
    }
    const { certPem, keyPem } = minter.mint(index, ids[k]);
    writeFileSync(path.join(task.outDir, files.cert), certPem);
    writeFileSync(path.join(task.outDir, files.key), keyPem, { mode: 0o600 });
  }
  return task.count;
}
