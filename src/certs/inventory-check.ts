// The scenario's identity inventories, checked where `validate` and `run` check the files a
// scenario names: every row read, the file long enough for its group, certificates only where
// TLS carries them. Each group's file is pinned by its SHA-256, which travels with the plan, so
// every host (thread, process, remote agent reading its own copy) runs the very same rows.
import path from 'node:path';
import type { ValidationIssue } from '../errors.ts';
import { UsageError } from '../errors.ts';
import type { Scenario } from '../scenario/types.ts';
import { checkInventorySize, scanInventory } from './inventory.ts';

const TLS_URL = /^(mqtts|wss):\/\//i;

/** How a path is shown in a message: relative to the working directory when that is shorter. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

/**
 * Reads every group's inventory (relative to `baseDir`) and returns one issue per problem, with
 * its path (`groups[0].identities`). Sets `identities.sha256` of each group whose file is good.
 */
export async function checkInventories(scenario: Scenario, baseDir: string): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  const tls = scenario.broker.urls.some((url) => TLS_URL.test(url));
  const groupOfFile = new Map<string, number>();
  for (const [k, group] of scenario.groups.entries()) {
    if (!group.identities) continue;
    const at = `groups[${k}].identities`;
    const file = path.resolve(baseDir, group.identities.file);
    const earlier = groupOfFile.get(file);
    if (earlier !== undefined)
      issues.push({ path: at, message: `the same inventory as groups[${earlier}]: both would connect its first devices` });
    groupOfFile.set(file, k);
    try {
      const scan = await scanInventory(file);
      const short = checkInventorySize({ file: shown(file), rows: scan.rows }, group.count);
      if (short) issues.push({ path: at, message: short });
      if (scan.uses.cert > 0 && !tls && scenario.broker.urls.length > 0)
        issues.push({
          path: at,
          message: `${scan.uses.cert} rows hold a client certificate, but no broker URL uses TLS (mqtts:// or wss://)`,
        });
      group.identities.sha256 = scan.sha256;
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      issues.push({ path: at, message: err.message.split(file).join(shown(file)) });
    }
  }
  return issues;
}
