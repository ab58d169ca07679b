// `fleetstorm certs --devices N --out DIR`: a test CA, a server certificate for the broker and one
// client certificate per device, with the identity inventory (devices.csv) that lists them. For
// rehearsals against brokers that require client certificates; never for anything real.
import path from 'node:path';
import { UsageError } from '../errors.ts';
import { EXIT_OK } from './exit-codes.ts';

export interface CertsFlags {
  devices?: string;
  out?: string;
  clientId?: string;
  group?: string;
  seed?: string;
  days?: string;
  serverName?: string[];
  threads?: string;
  force?: boolean;
}

const MAX_DAYS = 36_500;

function wholeNumber(flag: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

export async function certsCommand(flags: CertsFlags): Promise<number> {
  const { LOCAL_SERVER_NAMES, mintFleet, OUTPUT_FILES } = await import('../certs/mint.ts');
  const { inventorySha256 } = await import('../certs/inventory.ts');
  const devices = wholeNumber('--devices', flags.devices, 1, 10_000_000);
  if (devices === undefined) throw new UsageError('--devices <n> is required');
  if (!flags.out) throw new UsageError('--out <dir> is required');
  const summary = await mintFleet({
    outDir: flags.out,
    devices,
    clientId: {
      template: flags.clientId ?? '{group}-{i}',
      group: flags.group ?? 'device',
      seed: wholeNumber('--seed', flags.seed, 0, 4_294_967_295) ?? 1,
    },
    days: wholeNumber('--days', flags.days, 1, MAX_DAYS) ?? 365,
    serverNames: flags.serverName ?? [],
    force: flags.force ?? false,
    threads: wholeNumber('--threads', flags.threads, 0, 64),
  });
  const shown = (name: string) => {
    const relative = path.relative(process.cwd(), path.join(summary.outDir, name));
    return relative.startsWith('..') ? path.join(summary.outDir, name) : relative;
  };
  const names = [...new Set([...LOCAL_SERVER_NAMES, ...(flags.serverName ?? [])])].join(', ');
  const threads = summary.threads === 0 ? 'in one thread' : `on ${summary.threads} threads`;
  process.stdout.write(
    [
      `minted ${summary.devices} device certificates in ${summary.seconds.toFixed(1)} s ${threads} (EC P-256, CN = client id)`,
      `  inventory   ${shown(OUTPUT_FILES.inventory)}  sha256 ${await inventorySha256(summary.inventory)}`,
      `  CA          ${shown(OUTPUT_FILES.ca)} (key ${shown(OUTPUT_FILES.caKey)})`,
      `  broker      ${shown(OUTPUT_FILES.serverCert)} (key ${shown(OUTPUT_FILES.serverKey)}) for ${names}`,
      '',
    ].join('\n'),
  );
  return EXIT_OK;
}
