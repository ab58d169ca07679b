// The one place the live outputs are fed from: the coordinator hands it each merged second (the
// same samples and point the timeline is made of) and the run's turning points; it keeps the
// live figures (read by the Prometheus endpoint and the progress block) and writes the event
// stream. The CLI calls `finish` with the final result before it closes anything, so the last
// scrape, the last frame and the last event all carry result.json's own figures.

import type { Sample } from '../../metrics/sample.ts';
import type { HostInfo, Result, TimelinePoint } from '../../result/types.ts';
import type { Scenario } from '../../scenario/types.ts';
import type { EventSink, LiveEvent } from './events.ts';
import type { LiveFigures } from './figures.ts';

export interface LivePlan {
  scenario: Scenario;
  /** Messages per second the scenario publishes at stage rate 1 (before fan-out). */
  plannedRate: number;
  /** Capacity search: 1-based step and load factor. */
  step?: number;
  loadFactor?: number;
  /** Shown instead of `connect` before the steady state (e.g. `warm-up`). */
  label?: string;
}

export class LiveFeed {
  private plan: LivePlan | null = null;
  /** Steady state start, ms after the run started; null until the coordinator says. */
  private steadyAtMs: number | null = null;
  private nextStage = 0;
  private drainSaid = false;
  private lastT = 0;

  constructor(
    readonly figures: LiveFigures,
    private readonly events: EventSink | null = null,
  ) {}

  /** A run begins (once for `run`; once per step and warm-up for `capacity`). */
  begin(plan: LivePlan): void {
    this.plan = plan;
    this.steadyAtMs = null;
    this.nextStage = 0;
    this.drainSaid = false;
    this.lastT = 0;
    this.figures.reset();
    const s = plan.scenario;
    Object.assign(this.figures.status, {
      scenario: s.name,
      phase: plan.label ?? 'connect',
      stage: '',
      elapsedS: 0,
      plannedS: (connectRampMs(s) + s.durationMs + s.drainMs) / 1000,
      plannedRate: plan.plannedRate * (s.stages?.[0]?.rate ?? 1),
      step: plan.step ?? null,
      loadFactor: plan.loadFactor ?? null,
    });
    const clients = s.groups.reduce((n, g) => n + g.count, 0);
    this.emit({ type: 'run', t: 0, scenario: s.name, clients, plannedS: this.figures.status.plannedS, ...stepFields(plan) });
  }

  /** Every client connected or failed: the steady state starts `atMs` after the run started. */
  steadyAt(atMs: number): void {
    if (!this.plan) return;
    const s = this.plan.scenario;
    this.steadyAtMs = atMs;
    this.figures.status.plannedS = (atMs + s.durationMs + s.drainMs) / 1000;
    this.emit({ type: 'phase', t: round3(atMs / 1000), phase: 'steady' });
  }

  /** One merged second. Stage starts that fall inside it are written before it. */
  second(samples: readonly Sample[], point: TimelinePoint): void {
    this.figures.addSecond(samples, point);
    this.lastT = point.t;
    const status = this.figures.status;
    status.elapsedS = point.t;
    this.advancePhase(point.t * 1000);
    const hosts: Record<string, unknown> = {};
    for (const s of samples) if (s.health) hosts[s.host] = s.health;
    this.emit({ type: 'second', ...point, phase: status.phase, stage: status.stage, hosts });
  }

  /** The hosts the run got: threads, processes, or agents that answered the control broker. */
  hostsJoined(hosts: readonly HostInfo[]): void {
    for (const h of hosts)
      this.emit({
        type: h.kind === 'agent' ? 'agent-joined' : 'host-joined',
        t: 0,
        host: h.id,
        kind: h.kind,
        hostname: h.hostname,
        clients: h.clients,
      });
  }

  hostLost(host: string, reason: string): void {
    this.emit({ type: 'host-lost', t: this.lastT, host, reason });
  }

  /** Any other event (agent joined, threshold abort, step verdict…), stamped with the current second. */
  event(type: string, fields: Record<string, unknown> = {}): void {
    this.emit({ ...fields, type, t: this.lastT });
  }

  /** The final figures: the view now equals result.json. */
  finish(result: Result): void {
    this.figures.finish(result);
    this.figures.status.phase = 'done';
    this.figures.status.elapsedS = result.run.durationMs / 1000;
    for (const c of result.migration?.cohorts ?? [])
      this.emit({
        type: 'cohort',
        t: round3(c.atMs / 1000),
        index: c.index,
        moved: c.moved,
        reconnected: c.reconnected,
        stranded: c.stranded,
      });
    const m = result.summary.messages;
    const c = result.summary.connections;
    this.emit({
      type: 'end',
      t: round3(result.run.durationMs / 1000),
      interrupted: result.interrupted,
      connections: c,
      messages: m,
      errors: result.summary.errors,
      thresholds: result.thresholds,
    });
  }

  private advancePhase(ms: number): void {
    const status = this.figures.status;
    if (this.steadyAtMs === null || !this.plan) return;
    const s = this.plan.scenario;
    const stages = s.stages ?? [];
    while (this.nextStage < stages.length && this.steadyAtMs + stages[this.nextStage]!.startMs < ms) {
      const st = stages[this.nextStage]!;
      status.stage = st.name;
      status.plannedRate = this.plan.plannedRate * st.rate;
      this.emit({
        type: 'stage',
        t: round3((this.steadyAtMs + st.startMs) / 1000),
        index: this.nextStage,
        name: st.name,
        durationS: st.durationMs / 1000,
        connections: st.connections,
        rate: st.rate,
      });
      this.nextStage++;
    }
    const steadyEnd = this.steadyAtMs + s.durationMs;
    if (this.plan.label) status.phase = this.plan.label;
    else if (ms <= steadyEnd) status.phase = 'steady';
    else {
      status.phase = this.plan.label ?? 'drain';
      status.stage = '';
      status.plannedRate = 0;
      if (!this.drainSaid) this.emit({ type: 'phase', t: round3(steadyEnd / 1000), phase: 'drain' });
      this.drainSaid = true;
    }
  }

  private emit(e: LiveEvent): void {
    this.events?.write(e);
  }
}

/** The planned connect phase: the slowest group's initial clients at its connectRate. */
function connectRampMs(s: Scenario): number {
  const share = s.stages?.[0]?.connections ?? 1;
  let ms = 0;
  for (const g of s.groups) if (g.connectRate > 0) ms = Math.max(ms, ((g.count * share) / g.connectRate) * 1000);
  return ms;
}

function stepFields(plan: LivePlan): Record<string, number> {
  return plan.step !== undefined ? { step: plan.step, loadFactor: plan.loadFactor ?? 0 } : {};
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
