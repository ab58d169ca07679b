// `fleetstorm validate <scenario>`: every problem at once, exit 2; nothing runs.

import { EXIT_OK } from './exit-codes.ts';
import { loadForCli } from './load.ts';

export function validateCommand(file: string, flags: { set?: string[] }): number {
  const { scenario } = loadForCli(file, flags);
  const clients = scenario.groups.reduce((n, g) => n + g.count, 0);
  process.stdout.write(
    `${file}: valid (${scenario.groups.length} groups, ${clients} clients, ${Object.keys(scenario.thresholds).length} thresholds)\n`,
  );
  return EXIT_OK;
}
