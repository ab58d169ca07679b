// `fleetstorm validate <scenario>`: every problem at once, exit 2; nothing runs.

import { EXIT_OK } from './exit-codes.ts';
import { loadForCli } from './load.ts';
import { fleetClients } from '../plan/fleet-totals.ts';

export function validateCommand(file: string, flags: { set?: string[] }): number {
  const { scenario } = loadForCli(file, flags);
  const clients = fleetClients(scenario);
  process.stdout.write(
    `${file}: valid (${scenario.groups.length} groups, ${clients} clients, ${Object.keys(scenario.thresholds).length} thresholds)\n`,
  );
  return EXIT_OK;
}
