// `fleetstorm capacity <scenario.yaml>`: step the load up until the SLO breaks, then write
// <out>/capacity.json, each step's result.json under <out>/steps/<k>/, and <out>/report.html
// (the last good step's report with the capacity section). A scenario without a `capacity:`
// section runs with the defaults (said on stderr). An unjudged warm-up run at the first step's
// load comes first (--no-warmup skips it): a fresh process connects its first clients slowly.
//
// Exit codes: 0 a capacity was found (a good step exists) · 1 the broker was unreachable on the
// first step, or the search was interrupted · 2 bad usage or scenario · 3 even the first step
// failed its gates.
import { RunError } from '../errors.ts';
import path from 'node:path';
import { catchInterrupt, embeddedBrokerIfNeeded } from './run-support.ts';
import { buildCapacityReport } from '../coordinator/capacity-report.ts';
import { searchCapacity } from '../coordinator/capacity.ts';
import { openLiveOutputs, type LiveFlags } from '../report/live/outputs.ts';
import { scrub, writeResultFile } from '../report/write-result.ts';
import { writeReport } from '../report/write-report.ts';
import { capacitySection } from '../scenario/schema-run.ts';
import type { CapacitySpec } from '../scenario/types.ts';
import { ensureDir, writeFileAtomic } from '../write-atomic.ts';
import { EXIT_GATE_FAILED, EXIT_OK, EXIT_RUN_FAILED } from './exit-codes.ts';
import { loadForCli } from './load.ts';

export interface CapacityFlags extends LiveFlags {
  broker?: string[];
  set?: string[];
  out?: string;
  quiet?: boolean;
  json?: boolean;
  /** Steady-state time per step in ms (--hold, at least 1 s); overrides capacity.hold. */
  hold?: number;
  threads?: number;
  processes?: number;
  /** false: skip the unjudged warm-up run before the first step (commander's --no-warmup). */
  warmup?: boolean;
}

/** Warm-up steady state before the first step (see searchCapacity). */
export const WARMUP_MS = 3000;

export async function capacityCommand(file: string, flags: CapacityFlags): Promise<number> {
  const loaded = await loadForCli(file, { set: flags.set, broker: flags.broker });
  const { scenario } = loaded;
  const defaults = scenario.capacity === undefined;
  const spec: CapacitySpec = { ...(scenario.capacity ?? capacitySection.parse({})) };
  if (flags.hold !== undefined) spec.holdMs = flags.hold;
  if (defaults) {
    process.stderr.write(
      `${path.basename(file)} has no capacity: section; using the defaults (vary ${spec.vary}, factor ${spec.start} + ${spec.step}/step, ` +
        `up to ${spec.maxSteps} steps, hold ${spec.holdMs / 1000}s, knee ${spec.knee}, warn ${spec.warnAt * 100} %, page ${spec.pageAt * 100} %)\n`,
    );
  }
  const live = await openLiveOutputs(scenario, flags);
  const { progress } = live;
  const outDir = ensureDir(path.resolve(flags.out ?? path.join('reports', scenario.name, 'capacity')));
  const embedded = await embeddedBrokerIfNeeded(scenario, {
    quiet: flags.quiet,
    remark: "; its capacity is this process's, not a real broker's",
  });
  const signals = catchInterrupt();
  const interrupt = signals.promise;
  const startedAt = Date.now();
  let search;
  try {
    search = await searchCapacity({
      loaded,
      spec,
      hostChoice: { threads: flags.threads, processes: flags.processes },
      progress,
      interrupt,
      live: live.feed,
      warmupMs: flags.warmup === false ? 0 : WARMUP_MS,
      onStep: (step, result) => {
        const dir = path.join(outDir, 'steps', String(step.k));
        step.resultFile = path.relative(outDir, writeResultFile(result, dir, loaded.secrets));
      },
    });
  } finally {
    signals.dispose();
    await embedded?.close();
  }

  const report = buildCapacityReport(search.steps, {
    loaded,
    spec,
    defaults,
    startedAt,
    endedAt: Date.now(),
    interrupted: search.interrupted,
  });
  const capacityFile = writeFileAtomic(path.join(outDir, 'capacity.json'), scrub(JSON.stringify(report, null, 2), loaded.secrets) + '\n');
  const shown = report.lastGood ?? report.steps[report.steps.length - 1];
  const html = shown ? (await writeReport(search.results[shown.k]!, outDir, { capacity: report, png: true })).html : null;

  if (flags.json) process.stdout.write(JSON.stringify({ capacityFile, report: html, ...report }, null, 2) + '\n');
  if (!flags.quiet) {
    process.stderr.write(`\n${report.statement.join('\n')}\n`);
    process.stderr.write(`capacity: ${capacityFile}\n`);
    if (html) process.stderr.write(`wrote ${html}\n`);
  }
  await live.close();
  if (search.unreachable) {
    const reasons = Object.keys(search.steps[0]?.errors ?? {}).join(', ') || 'unknown';
    throw new RunError(`no client could connect to ${scenario.broker.urls.join(', ')} (${reasons})`);
  }
  if (search.interrupted) return EXIT_RUN_FAILED;
  return report.lastGood ? EXIT_OK : EXIT_GATE_FAILED;
}
