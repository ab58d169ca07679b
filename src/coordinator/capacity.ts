// The capacity search: one complete run per step (connect, steady state held for `holdMs`,
// drain, disconnect) against the same broker, the load raised by `step` each time, until a step
// fails its gates or shows errors, maxSteps is reached, or the user presses Ctrl-C.

import { planHosts, type HostChoice } from '../hosts/plan-hosts.ts';
import { fmtFraction, fmtInt, fmtMs, fmtNumber } from '../report/html/format.ts';
import type { Progress } from '../report/progress.ts';
import type { LiveFeed } from '../report/live/feed.ts';
import type { Result } from '../result/types.ts';
import type { CapacitySpec, LoadedScenario } from '../scenario/types.ts';
import { brokeFirstAt, stepFromResult } from './capacity-figures.ts';
import { describeBrokeFirst } from './capacity-statement.ts';
import { fleetClients, plannedPublishRate } from '../plan/fleet-totals.ts';
import { scenarioAtFactor, stepFactor } from './capacity-steps.ts';
import type { CapacityStep } from '../result/capacity.ts';
import { coordinate } from './run.ts';

export interface CapacitySearchOptions {
  loaded: LoadedScenario;
  spec: CapacitySpec;
  hostChoice?: HostChoice;
  progress: Progress;
  /** Resolves when the user interrupts (Ctrl-C): the running step stops and the search ends. */
  interrupt: Promise<void>;
  /** Each step's merged result as soon as it exists (write its result.json here). */
  onStep?: (step: CapacityStep, result: Result) => void | Promise<void>;
  /** Pause between steps so the broker has closed the last step's sessions, ms. */
  settleMs?: number;
  /**
   * Steady-state time of an unjudged warm-up run at the first step's load, ms (0 = none). A fresh
   * process connects its first clients slowly (code still loading and compiling), which would
   * otherwise fail the first step on connect latency that has nothing to do with the broker.
   */
  warmupMs?: number;
  /** Live outputs: each step (and the warm-up) is a run of its own on them. */
  live?: LiveFeed;
}

export interface CapacitySearch {
  steps: CapacityStep[];
  /** Same order as steps. */
  results: Result[];
  interrupted: boolean;
  /** The first step could not connect a single client: the broker is unreachable. */
  unreachable: boolean;
}

export async function searchCapacity(opts: CapacitySearchOptions): Promise<CapacitySearch> {
  const { loaded, spec, progress } = opts;
  const out: CapacitySearch = { steps: [], results: [], interrupted: false, unreachable: false };
  const interrupted = opts.interrupt.then(() => {
    out.interrupted = true;
  });
  if ((opts.warmupMs ?? 0) > 0) {
    await warmUp(opts, Math.min(opts.warmupMs!, spec.holdMs));
    if (!out.interrupted) await Promise.race([sleep(opts.settleMs ?? 500), interrupted]);
  }
  for (let k = 0; k < spec.maxSteps && !out.interrupted; k++) {
    const factor = stepFactor(spec, k);
    const scenario = scenarioAtFactor(loaded.scenario, spec.vary, factor, spec.holdMs);
    const clients = fleetClients(scenario);
    progress.note(
      `── capacity step ${k + 1}/${spec.maxSteps}: load factor ${fmtFraction(factor)} (${spec.vary}) — ` +
        `${fmtInt(clients)} clients, ${fmtNumber(plannedPublishRate(scenario))} msg/s planned, hold ${fmtMs(spec.holdMs)}`,
    );
    const { hosts, plan } = await planHosts(scenario, opts.hostChoice ?? {});
    opts.live?.begin({ scenario, plannedRate: plannedPublishRate(scenario), step: k + 1, loadFactor: factor });
    const { result, nothingConnected } = await coordinate({
      loaded: { ...loaded, scenario },
      hosts,
      plan,
      progress,
      interrupt: opts.interrupt,
      live: opts.live,
    });
    const step = stepFromResult(k, factor, clients, result);
    opts.live?.finish(result);
    opts.live?.event('step-verdict', { ...step });
    out.steps.push(step);
    out.results.push(result);
    await opts.onStep?.(step, result);
    progress.note(stepLine(step));
    if (k === 0 && nothingConnected) {
      out.unreachable = true;
      break;
    }
    if (!step.ok) break;
    if (k + 1 < spec.maxSteps) await Promise.race([sleep(opts.settleMs ?? 500), interrupted]);
  }
  return out;
}

async function warmUp(opts: CapacitySearchOptions, holdMs: number): Promise<void> {
  const { loaded, spec, progress } = opts;
  const factor = stepFactor(spec, 0);
  const scenario = scenarioAtFactor(loaded.scenario, spec.vary, factor, holdMs);
  scenario.drainMs = Math.min(scenario.drainMs, 500);
  scenario.thresholds = {};
  progress.note(`── warm-up at load factor ${fmtFraction(factor)} for ${fmtMs(holdMs)} (not judged, not recorded)`);
  const { hosts, plan } = await planHosts(scenario, opts.hostChoice ?? {});
  opts.live?.begin({ scenario, plannedRate: plannedPublishRate(scenario), label: 'warm-up' });
  const { result } = await coordinate({
    loaded: { ...loaded, scenario },
    hosts,
    plan,
    progress,
    interrupt: opts.interrupt,
    live: opts.live,
  });
  opts.live?.finish(result);
  const s = stepFromResult(-1, factor, fleetClients(scenario), result);
  progress.note(
    `   warm-up done: ${fmtInt(s.connections)}/${fmtInt(s.clients)} connected, connect p99 ${s.connectSamples ? fmtMs(s.connectP99Ms) : '–'}`,
  );
}

function stepLine(s: CapacityStep): string {
  const figures =
    `${fmtInt(s.connections)}/${fmtInt(s.clients)} connected, ${fmtNumber(s.publishedPerSec)} msg/s out, ${fmtNumber(s.receivedPerSec)} msg/s in, ` +
    `e2e p99 ${s.endToEndSamples ? fmtMs(s.endToEndP99Ms) : '–'}, connect p99 ${s.connectSamples ? fmtMs(s.connectP99Ms) : '–'}`;
  if (s.interrupted) return `   step ${s.k + 1} interrupted: ${figures}`;
  if (s.ok) return `   step ${s.k + 1} good: ${figures}`;
  return `   step ${s.k + 1} BAD: ${figures}; ${describeBrokeFirst(brokeFirstAt(s))}`;
}

// Not unref'd: between two steps against an external broker nothing else keeps the process alive.
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
