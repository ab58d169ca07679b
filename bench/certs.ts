// How long `fleetstorm certs` takes for a smart-home fleet (issue 12: 130,000 certificates in
// under 2 minutes on this 2-core machine). Mints into a temp folder through the same mintFleet the
// command runs, measures wall time and the CPU of every thread, checks a sample of certificates
// against the CA, scans the inventory as validation would, and writes bench/results/certs.json.
// Not part of npm test.
//   node --import tsx bench/certs.ts [--devices 130000] [--threads N] [--keep]

import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadTlsIdentity, readInventoryBlock, scanInventory } from '../src/certs/inventory.ts';
import { mintFleet } from '../src/certs/mint.ts';

const TARGET_SECONDS = 120;
const SAMPLE = 200;

const { values } = parseArgs({
  options: { devices: { type: 'string', default: '130000' }, threads: { type: 'string' }, keep: { type: 'boolean', default: false } },
});
const devices = Number(values.devices);
const out = mkdtempSync(path.join(os.tmpdir(), 'fleetstorm-certs-bench-'));
const log = (line: string) => process.stderr.write(`${line}\n`);

const loadBefore = os.loadavg()[0];
const cpu0 = process.cpuUsage();
const summary = await mintFleet({
  outDir: out,
  devices,
  clientId: { template: 'lock-{i}', group: 'locks', seed: 1 },
  days: 30,
  threads: values.threads === undefined ? undefined : Number(values.threads),
});
const cpu = process.cpuUsage(cpu0);
const loadAfter = os.loadavg()[0];

const scanStarted = performance.now();
const scan = await scanInventory(summary.inventory);
const scanSeconds = (performance.now() - scanStarted) / 1000;

// A spread-out sample: every certificate verifies against the CA and names its device.
const ca = new X509Certificate(readFileSync(path.join(out, 'ca.pem')));
const rows = await readInventoryBlock(summary.inventory, 0, devices);
for (let k = 0; k < SAMPLE; k++) {
  const index = Math.floor((k * (devices - 1)) / (SAMPLE - 1));
  const cert = new X509Certificate(loadTlsIdentity(rows[index])!.cert);
  if (!cert.verify(ca.publicKey) || cert.subject !== `CN=lock-${index}`) throw new Error(`device ${index}: certificate does not check out`);
}

const figures = {
  devices,
  threads: summary.threads,
  cores: os.availableParallelism(),
  seconds: Number(summary.seconds.toFixed(2)),
  perSecond: Math.round(devices / summary.seconds),
  cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
  cpuMicrosPerDevice: Math.round((cpu.user + cpu.system) / devices),
  loadAverage1m: { before: Number(loadBefore.toFixed(2)), after: Number(loadAfter.toFixed(2)) },
  inventoryScanSeconds: Number(scanSeconds.toFixed(2)),
  inventoryRows: scan.rows,
  target: { seconds: TARGET_SECONDS, met: summary.seconds < TARGET_SECONDS },
  node: process.version,
  measuredAt: new Date().toISOString(),
};
log(
  `minted ${devices} certificates in ${figures.seconds} s on ${figures.threads} threads (${figures.perSecond}/s, ` +
    `${figures.cpuMicrosPerDevice} µs CPU each, load ${figures.loadAverage1m.before} → ${figures.loadAverage1m.after}); ` +
    `inventory scan ${figures.inventoryScanSeconds} s; target < ${TARGET_SECONDS} s: ${figures.target.met ? 'met' : 'MISSED'}`,
);
const results = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(results, { recursive: true });
writeFileSync(path.join(results, 'certs.json'), JSON.stringify(figures, null, 2) + '\n');
if (values.keep) log(`kept ${out}`);
else rmSync(out, { recursive: true, force: true });
