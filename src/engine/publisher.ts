// Open-model publishing. Each stream (one publish spec of one client) sends its n-th message at
// start + phase + n·interval, computed from the start and never from the previous send, so a
// stall shows up as late sends and as latency (measured from the intended time) rather than as
// a quietly lower rate. Phases are spread evenly over the clients of a group online in each
// stage, so it never fires in lockstep and every stage's rate is flat.
// A load profile re-bases the schedule at each stage: send n of stage k is due at
// start_k + (phase + n·interval) / rate_k, and the last one of a stage is due before its end.

import { buildPublishTemplate, type PublishTemplate } from '../client/fast-codec.ts';
import { writeTrackingHeader } from '../client/tracking.ts';
import type { FanoutTable } from './fanout.ts';
import type { StagePlan } from './stage-plan.ts';
import { mixSeed } from '../scenario/random.ts';
import type { Fleet } from './fleet.ts';
import type { ShardContext } from './context.ts';
import { EV_PUBLISH } from './events.ts';
import { sendTracked } from './tracked-send.ts';
import { groupMqtt5, streamAlias, type GroupMqtt5 } from './mqtt5-streams.ts';
import { PayloadStreams } from './payload-template.ts';

/** A send this much later than scheduled counts as late (schedule overrun). */
export const LATE_MS = 10;

export class Publisher {
  private readonly streamClient: Uint32Array;
  private readonly streamPub: Uint8Array;
  private readonly streamGroup: Uint16Array;
  private readonly streamIndex: Uint32Array;
  private readonly streamSeq: Uint32Array;
  /** Sends scheduled so far per stream in its current stage: the n in start + phase + n·interval. */
  private readonly streamN: Uint32Array;
  /** Stage of each stream's next send. */
  private readonly streamStage: Uint16Array;
  /** Per-stream PRNG state (xorshift32) for jitter and Poisson gaps, seeded per stream id. */
  private readonly streamRng: Uint32Array;
  /** Poisson streams: the running due time (sum of exponential gaps). */
  private readonly streamNextDue: Float64Array;
  /** First stream of each local client (streams of a client are contiguous). */
  private readonly clientFirstStream: Int32Array;
  private readonly templates: (PublishTemplate | null)[];
  /**
   * Streams with a topic alias (MQTT 5): two more forms each, at 2s (full topic + alias, the
   * first send on a connection) and 2s + 1 (empty topic + alias); null when no stream has one.
   */
  private readonly aliasTemplates: (PublishTemplate | null)[] | null;
  /** Per group: each publish stream's MQTT 5 properties, encoded once. */
  private readonly mqtt5: GroupMqtt5[];
  /** Streams with a payload template render through this (null when no stream has one). */
  private readonly payloads: PayloadStreams | null;
  private plan: StagePlan | null = null;
  private fanoutAt: ((due: number) => FanoutTable) | null = null;
  private running = false;
  /** Streams whose last send (due before endAt) has not fired yet. */
  active = 0;

  private readonly fleet: Fleet;

  constructor(private readonly ctx: ShardContext) {
    const fleet = (this.fleet = ctx.fleet);
    const slices = ctx.slices;
    const groupOfClient = ctx.clients.group;
    let n = 0;
    for (const s of slices) n += s.count * fleet.groups[s.group].publish.length;
    this.streamClient = new Uint32Array(n);
    this.streamPub = new Uint8Array(n);
    this.streamGroup = new Uint16Array(n);
    this.streamIndex = new Uint32Array(n);
    this.streamSeq = new Uint32Array(n);
    this.streamN = new Uint32Array(n);
    this.streamStage = new Uint16Array(n);
    this.streamRng = new Uint32Array(n);
    this.streamNextDue = new Float64Array(n);
    this.clientFirstStream = new Int32Array(groupOfClient.length + 1);
    this.templates = new Array(n).fill(null);
    this.mqtt5 = fleet.groups.map((g) => groupMqtt5(g, fleet.scenario.seed, fleet.scenario.broker.protocol));
    this.aliasTemplates = this.mqtt5.some((m) => m.aliasProps.some((a) => a !== null)) ? new Array(2 * n).fill(null) : null;
    this.payloads = fleet.groups.some((g) => g.payloads.some((t) => t !== null)) ? new PayloadStreams(n, fleet.scenario.seed) : null;
    let stream = 0;
    let client = 0;
    for (const s of slices) {
      const pubs = fleet.groups[s.group].publish.length;
      for (let k = 0; k < s.count; k++, client++) {
        this.clientFirstStream[client] = stream;
        for (let p = 0; p < pubs; p++, stream++) {
          this.streamClient[stream] = client;
          this.streamPub[stream] = p;
          this.streamGroup[stream] = groupOfClient[client];
          this.streamIndex[stream] = s.start + k;
        }
      }
    }
    this.clientFirstStream[client] = stream;
    for (let k = 0; k < n; k++) {
      const g = fleet.groups[this.streamGroup[k]];
      const id = g.streamBase + this.streamIndex[k] * g.publish.length + this.streamPub[k];
      this.streamRng[k] = mixSeed(fleet.scenario.seed, id, 0x9e37) || 1;
    }
    ctx.events.on(EV_PUBLISH, (s, due, now) => this.fire(s, due, now));
  }

  /** A uniform number in [0, 1) from stream s's own generator (no allocation). */
  private random(s: number): number {
    let x = this.streamRng[s];
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.streamRng[s] = x >>> 0;
    return (x >>> 0) / 4_294_967_296;
  }

  /**
   * Phase of stream s in stage k: an even spread by the client's index (and by stream within the
   * client) over the clients online in that stage, so every stage sends at a flat rate; the same
   * on every host. With jitter the phase stays clear of the window edges, so no send jitters out.
   */
  private phase(s: number, k: number, interval: number, jitter: number): number {
    const g = this.fleet.groups[this.streamGroup[s]];
    const pubs = g.publish.length;
    const i = this.streamIndex[s];
    const online = this.plan!.online[k][g.index];
    const slot = (i * pubs + this.streamPub[s]) / ((i < online ? online : g.spec.count) * pubs);
    return jitter === 0 ? slot * interval : (jitter / 2 + slot * (1 - jitter)) * interval;
  }

  /** Due time of send n of stream s in stage k (fixed arrivals, from the stage start; jitter spreads it). */
  private fixedDue(s: number, k: number, n: number, interval: number, jitter: number): number {
    const stage = this.plan!.stages[k];
    const period = interval / stage.rate;
    const slot = stage.start + this.phase(s, k, interval, jitter) / stage.rate + n * period;
    return jitter === 0 ? slot : slot + (this.random(s) - 0.5) * jitter * period;
  }

  /** Poisson arrivals: the next due time is the last plus an exponential gap at the mean rate. */
  private poissonNext(s: number, period: number): number {
    this.streamNextDue[s] += -Math.log(1 - this.random(s)) * period;
    return this.streamNextDue[s];
  }

  /** Schedules send n of stream s in stage k, or the first of the next stage that sends; none left → inactive. */
  private schedule(s: number, k: number, n: number): void {
    const plan = this.plan!;
    const g = this.fleet.groups[this.streamGroup[s]];
    const p = this.streamPub[s];
    const spec = g.spec.publish[p];
    const interval = g.publishIntervalMs[p];
    for (;;) {
      const stage = plan.stages[k];
      if (stage.rate > 0) {
        const due = spec.arrival === 'poisson' ? this.poissonNext(s, interval / stage.rate) : this.fixedDue(s, k, n, interval, spec.jitter);
        if (due < stage.end) {
          this.streamStage[s] = k;
          this.streamN[s] = n;
          this.ctx.events.push(EV_PUBLISH, s, due);
          return;
        }
      }
      if (++k >= plan.stages.length) {
        this.active--;
        return;
      }
      n = 0;
      this.streamNextDue[s] = plan.stages[k].start;
    }
  }

  get streamCount(): number {
    return this.streamClient.length;
  }

  streamRefs(): { group: number; i: number; pub: number }[] {
    const out = new Array(this.streamCount);
    for (let s = 0; s < this.streamCount; s++) out[s] = { group: this.streamGroup[s], i: this.streamIndex[s], pub: this.streamPub[s] };
    return out;
  }

  start(plan: StagePlan, fanoutAt: (due: number) => FanoutTable): void {
    this.plan = plan;
    this.fanoutAt = fanoutAt;
    this.running = true;
    this.active = this.streamCount;
    for (let s = 0; s < this.streamCount; s++) {
      const g = this.fleet.groups[this.streamGroup[s]];
      const p = this.streamPub[s];
      if (!Number.isFinite(g.publishIntervalMs[p])) {
        this.active--; // publishes on connect only
        continue;
      }
      this.streamNextDue[s] = plan.start;
      this.schedule(s, 0, 0);
    }
  }

  /** Streams marked onConnect publish once as soon as their client is connected. */
  publishOnConnect(client: number, now: number): void {
    for (let s = this.clientFirstStream[client]; s < this.clientFirstStream[client + 1]; s++) {
      const g = this.fleet.groups[this.streamGroup[s]];
      if (g.spec.publish[this.streamPub[s]].onConnect) this.send(s, now, now);
    }
  }

  stop(): void {
    this.running = false;
    this.active = 0;
  }

  fire(s: number, due: number, now: number): void {
    if (!this.running) return;
    // A client offline by plan (load profile) does not send, and that is not a skipped send.
    if (!this.plan!.staged || this.plan!.sendsAt(this.streamGroup[s], this.streamIndex[s], due)) this.send(s, due, now);
    // From the stage start, never from the last send: no drift, and a late send does not shift the rest.
    this.schedule(s, this.streamStage[s], this.streamN[s] + 1);
  }

  /** One send of stream s with intended time `due`; skipped (and counted) when offline. */
  private send(s: number, due: number, now: number): void {
    const groupIndex = this.streamGroup[s];
    const g = this.fleet.groups[groupIndex];
    const p = this.streamPub[s];
    const spec = g.spec.publish[p];
    const conn = this.ctx.conns[this.streamClient[s]];
    const metrics = this.ctx.metrics;
    if (conn !== null && conn.connected) {
      // A topic alias within the broker's maximum: the full topic sets it up once per connection, then the aliased form.
      const alias = spec.topicAlias === true ? streamAlias(spec, p) : 0;
      const useAlias = alias > 0 && alias <= conn.topicAliasMaximum;
      const form = useAlias ? 2 * s + ((conn.aliasesSet & (1 << alias)) !== 0 ? 1 : 0) : -1;
      const tpl = form < 0 ? (this.templates[s] ?? this.buildTemplate(s, -1)) : (this.aliasTemplates![form] ?? this.buildTemplate(s, form));
      const stream = g.streamBase + this.streamIndex[s] * g.publish.length + p;
      const program = g.payloads[p];
      let buf: Buffer;
      let pidOffset = tpl.pidOffset;
      if (program !== null) {
        buf = this.payloads!.packet(s, program, tpl, stream, this.streamSeq[s]++, due, now, 0, 0);
        pidOffset = this.payloads!.pidOffset;
      } else {
        buf = Buffer.allocUnsafe(tpl.bytes.length);
        tpl.bytes.copy(buf);
        if (spec.track) writeTrackingHeader(buf, tpl.payloadOffset, stream, this.streamSeq[s]++, due);
      }
      if (!sendTracked(metrics, groupIndex, conn, buf, pidOffset, spec.qos, due, now)) return; // too large for the broker
      if (useAlias) conn.aliasesSet |= 1 << alias;
      // Before steady state (a publish on connect) subscriptions are still being made, so nothing
      // is owed yet; inside the accounting window the fan-out says who should get it.
      const plan = this.plan;
      const fanout = this.running && plan !== null && due >= plan.start && due < plan.end ? this.fanoutAt!(due) : null;
      if (fanout !== null) {
        const e = fanout.endpointCount > 1 ? conn.endpoint : 0;
        const base = (s * fanout.endpointCount + e) * fanout.groupCount;
        for (let r = 0; r < fanout.groupCount; r++) {
          const n = fanout.counts[base + r];
          if (n !== 0) metrics.counters[r].expected += n;
        }
      }
      const lag = now - due;
      if (lag > LATE_MS) metrics.late++;
      if (lag > metrics.maxLagMs) metrics.maxLagMs = lag;
    } else {
      // The cause (a lost connection, a refused CONNACK) is already counted as an error.
      metrics.counters[groupIndex].skipped++;
    }
  }

  /** Stream s's template: form -1 = plain, 2s = full topic + its alias, 2s + 1 = empty topic + its alias. */
  private buildTemplate(s: number, form: number): PublishTemplate {
    const g = this.fleet.groups[this.streamGroup[s]];
    const p = this.streamPub[s];
    const spec = g.spec.publish[p];
    const i = this.streamIndex[s];
    const { seed, broker } = this.fleet.scenario;
    const ctx = { i, group: g.spec.name, seed, clientId: '' };
    ctx.clientId = g.clientId(ctx);
    const m = this.mqtt5[g.index];
    const program = g.payloads[p];
    const topic = form >= 0 && (form & 1) === 1 ? '' : g.publish[p](ctx);
    // A templated stream's packet is laid out with an empty payload; each send adds the rendering.
    const size = program !== null ? 0 : spec.size;
    const tpl = buildPublishTemplate(topic, size, spec.qos, spec.retain, broker.protocol, form < 0 ? m.props[p] : m.aliasProps[p]);
    if (form < 0) this.templates[s] = tpl;
    else this.aliasTemplates![form] = tpl;
    if (program !== null && !this.payloads!.bound(s)) this.payloads!.bind(s, program, ctx, g.streamBase + i * g.publish.length + p);
    return tpl;
  }
}
