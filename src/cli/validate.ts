// `fleetstorm validate <scenario>`: every check `run` makes before its first connect, every
// problem at once, exit 2; nothing runs.

import { addressCrowdingNote } from '../plan/addresses.ts';
import { fleetClients } from '../plan/fleet-totals.ts';
import { EXIT_OK } from './exit-codes.ts';
import { loadForCli, type LoadFlags } from './load.ts';

export async function validateCommand(file: string, flags: LoadFlags): Promise<number> {
  const { scenario } = await loadForCli(file, flags);
  process.stdout.write(
    `${file}: valid (${scenario.groups.length} groups, ${fleetClients(scenario)} clients, ${Object.keys(scenario.thresholds).length} thresholds)\n`,
  );
  const crowding = addressCrowdingNote(fleetClients(scenario), scenario.broker.urls, scenario.broker.sourceAddresses);
  if (crowding) process.stderr.write(crowding + '\n');
  return EXIT_OK;
}
