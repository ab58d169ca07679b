// Optional outputs of a run beside result.json: the HTML report and PNG charts (--report),
// JUnit XML (--junit) and the GitHub step summary (when GITHUB_STEP_SUMMARY is set).

import type { Result } from '../report/types.ts';

export async function writeRunOutputs(
  result: Result,
  outDir: string,
  flags: { report?: boolean; junit?: string },
): Promise<Record<string, string>> {
  void result;
  void outDir;
  void flags;
  return {};
}
