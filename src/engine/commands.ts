// Commands with a reply: an app or backend group sends commands ("unlock") to devices of another
// group, round-robin over them, at an open-model rate; a device answers after its think time by
// publishing the command's tracking header back (flag REPLY) on its reply topic. The sender
// measures the round trip from the command's intended send time and counts commands whose
// reply came late or never. Under a load profile the schedule re-bases at each stage like the
// publisher's, and commands go round-robin over the target devices the stage owes deliveries.

import { buildPublishTemplate } from '../client/fast-codec.ts';
import { encodePublishProperties, readRequestProperties } from '../client/mqtt5-properties.ts';
import { FLAG_COMMAND, FLAG_REPLY, TRACKING_HEADER_BYTES, writeTrackingHeader } from '../client/tracking.ts';
import type { Fleet, FleetGroup } from './fleet.ts';
import type { ShardContext } from './context.ts';
import { EV_COMMAND, EV_REPLY } from './events.ts';
import type { StagePlan } from './stage-plan.ts';
import { sendTracked } from './tracked-send.ts';
import { PayloadStreams } from './payload-template.ts';
import { topicMatches, parseShared } from './topic-trie.ts';

export class CommandSender {
  private readonly streamClient: Uint32Array;
  private readonly streamCmd: Uint8Array;
  private readonly streamGroup: Uint16Array;
  private readonly streamIndex: Uint32Array;
  private readonly streamSeq: Uint32Array;
  private readonly streamPhase: Float64Array;
  /** The n of the current stage, the stage, and every command so far (for round-robin targets). */
  private readonly streamN: Uint32Array;
  private readonly streamStage: Uint16Array;
  private readonly streamTotal: Uint32Array;
  /** Deliveries one command owes its target group (0 when the targets do not subscribe to it). */
  private owed: number[][] = [];
  private plan: StagePlan | null = null;
  private running = false;
  active = 0;
  // Replies waiting for their think time: client and the command's header, by slot.
  private readonly pendingClient: number[] = [];
  private readonly pendingHeader: (Buffer | null)[] = [];
  /** MQTT 5 request/response: where the reply goes and what it echoes (null: the device's reply topic). */
  private readonly pendingResponse: (ReturnType<typeof readRequestProperties> | null)[] = [];
  private readonly freeSlots: number[] = [];
  /** Command streams with a payload template render through this (null when none has one). */
  private readonly payloads: PayloadStreams | null;

  private readonly fleet: Fleet;

  constructor(private readonly ctx: ShardContext) {
    const fleet = (this.fleet = ctx.fleet);
    const slices = ctx.slices;
    let n = 0;
    for (const s of slices) n += s.count * fleet.groups[s.group].commands.length;
    this.streamClient = new Uint32Array(n);
    this.streamCmd = new Uint8Array(n);
    this.streamGroup = new Uint16Array(n);
    this.streamIndex = new Uint32Array(n);
    this.streamSeq = new Uint32Array(n);
    this.streamPhase = new Float64Array(n);
    this.streamN = new Uint32Array(n);
    this.streamStage = new Uint16Array(n);
    this.streamTotal = new Uint32Array(n);
    let stream = 0;
    let client = 0;
    for (const s of slices) {
      const cmds = fleet.groups[s.group].commands.length;
      for (let k = 0; k < s.count; k++, client++) {
        for (let c = 0; c < cmds; c++, stream++) {
          this.streamClient[stream] = client;
          this.streamCmd[stream] = c;
          this.streamGroup[stream] = s.group;
          this.streamIndex[stream] = s.start + k;
        }
      }
    }
    this.payloads = fleet.groups.some((g) => g.commands.some((c) => c.payload !== null))
      ? new PayloadStreams(n, fleet.scenario.seed)
      : null;
    ctx.events.on(EV_COMMAND, (s, due, now) => this.fire(s, due, now));
    ctx.events.on(EV_REPLY, (slot, _due, now) => this.sendReply(slot, now));
  }

  start(plan: StagePlan): void {
    this.plan = plan;
    this.running = true;
    this.owed = this.fleet.groups.map((g) => g.commands.map((c) => (targetsSubscribe(this.fleet, g, c.target, c.topic) ? 1 : 0)));
    this.active = this.streamClient.length;
    for (let s = 0; s < this.streamClient.length; s++) {
      const g = this.fleet.groups[this.streamGroup[s]];
      const interval = g.commands[this.streamCmd[s]].intervalMs;
      const slot = (this.streamIndex[s] * g.commands.length + this.streamCmd[s]) / (g.spec.count * g.commands.length);
      this.streamPhase[s] = slot * interval;
      this.schedule(s, 0, 0);
    }
  }

  /** Schedules command n of stream s in stage k, or the first of the next stage that sends. */
  private schedule(s: number, k: number, n: number): void {
    const plan = this.plan!;
    const interval = this.fleet.groups[this.streamGroup[s]].commands[this.streamCmd[s]].intervalMs;
    for (;;) {
      const stage = plan.stages[k];
      if (stage.rate > 0) {
        const due = stage.start + this.streamPhase[s] / stage.rate + n * (interval / stage.rate);
        if (due < stage.end) {
          this.streamStage[s] = k;
          this.streamN[s] = n;
          this.ctx.events.push(EV_COMMAND, s, due);
          return;
        }
      }
      if (++k >= plan.stages.length) {
        this.active--;
        return;
      }
      n = 0;
    }
  }

  stop(): void {
    this.running = false;
    this.active = 0;
  }

  fire(s: number, due: number, now: number): void {
    if (!this.running) return;
    const plan = this.plan!;
    const groupIndex = this.streamGroup[s];
    const g = this.fleet.groups[groupIndex];
    const k = this.streamCmd[s];
    const cmd = g.commands[k];
    const i = this.streamIndex[s];
    const targets = plan.staged ? plan.commandTargets(cmd.target, due) : this.fleet.groups[cmd.target].spec.count;
    this.schedule(s, this.streamStage[s], this.streamN[s] + 1);
    // Offline by plan, or nobody to command in this stage: no command, and no skipped one.
    if (plan.staged && (targets === 0 || !plan.sendsAt(groupIndex, i, due))) return;
    const n = this.streamTotal[s]++;
    const conn = this.ctx.conns[this.streamClient[s]];
    const metrics = this.ctx.metrics;
    if (conn !== null && conn.connected) {
      const target = (i + n * g.spec.count) % targets;
      const { seed, broker } = this.fleet.scenario;
      const ctx = { i, group: g.spec.name, seed, clientId: '', target };
      ctx.clientId = g.clientId(ctx);
      const stream = g.commandStreamBase + i * g.commands.length + k;
      const props = cmd.responseTopic !== null ? requestProperties(cmd.responseTopic(ctx), stream, this.streamSeq[s]) : null;
      const program = cmd.payload;
      const tpl = buildPublishTemplate(cmd.topic(ctx), program !== null ? 0 : cmd.spec.size, cmd.spec.qos, false, broker.protocol, props);
      let buf = tpl.bytes;
      let pidOffset = tpl.pidOffset;
      if (program !== null) {
        const payloads = this.payloads!;
        if (!payloads.bound(s)) payloads.bind(s, program, ctx, stream);
        buf = payloads.packet(s, program, tpl, stream, this.streamSeq[s]++, due, now, FLAG_COMMAND, target);
        pidOffset = payloads.pidOffset;
      } else writeTrackingHeader(buf, tpl.payloadOffset, stream, this.streamSeq[s]++, due, FLAG_COMMAND);
      sendTracked(metrics, groupIndex, conn, buf, pidOffset, cmd.spec.qos, due, now);
      metrics.counters[groupIndex].commandsSent++;
      metrics.counters[cmd.target].expected += this.owed[groupIndex][k];
    } else {
      metrics.counters[groupIndex].skipped++;
    }
  }

  /** A device received a command: answer after its group's think time. Returns the slot. */
  queueReply(client: number, buf: Buffer, start: number, thinkTimeMs: number, now: number): void {
    const header = Buffer.from(buf.subarray(start, start + TRACKING_HEADER_BYTES));
    const slot = this.freeSlots.pop() ?? this.pendingClient.length;
    this.pendingClient[slot] = client;
    this.pendingHeader[slot] = header;
    const at = this.ctx.conns[client]?.deliveryPropsAt ?? -1;
    this.pendingResponse[slot] = at >= 0 ? readRequestProperties(buf, at) : null;
    this.ctx.events.push(EV_REPLY, slot, now + thinkTimeMs);
  }

  sendReply(slot: number, now: number): void {
    const client = this.pendingClient[slot];
    const header = this.pendingHeader[slot]!;
    const response = this.pendingResponse[slot];
    this.pendingHeader[slot] = null;
    this.pendingResponse[slot] = null;
    this.freeSlots.push(slot);
    const conn = this.ctx.conns[client];
    const g = this.ctx.clients.groupOf(client);
    const reply = g.spec.reply!;
    const metrics = this.ctx.metrics;
    if (conn === null || !conn.connected) {
      metrics.counters[g.index].skipped++;
      return;
    }
    const i = this.ctx.clients.index[client];
    const { seed, broker } = this.fleet.scenario;
    const ctx = { i, group: g.spec.name, seed, clientId: '' };
    ctx.clientId = g.clientId(ctx);
    // A request with a Response Topic is answered there, with its Correlation Data echoed (MQTT 5 §4.10).
    const topic = response ? response.responseTopic : g.reply!(ctx);
    const props = response?.correlationData ? encodePublishProperties({ correlationData: response.correlationData }) : null;
    const tpl = buildPublishTemplate(topic, TRACKING_HEADER_BYTES, reply.qos, false, broker.protocol, props);
    const buf = tpl.bytes;
    header.copy(buf, tpl.payloadOffset);
    buf[tpl.payloadOffset + 3] = FLAG_REPLY;
    sendTracked(metrics, g.index, conn, buf, tpl.pidOffset, reply.qos, now, now);
  }

  /** The command spec a command stream id belongs to (for its timeout). */
  commandOfStream(g: FleetGroup, stream: number): number {
    return (stream - g.commandStreamBase) % Math.max(1, g.commands.length);
  }
}

/** A request's properties: its Response Topic, and Correlation Data naming the command (stream, sequence). */
function requestProperties(responseTopic: string, stream: number, seq: number): Buffer | null {
  const correlationData = Buffer.allocUnsafe(8);
  correlationData.writeUInt32BE(stream, 0);
  correlationData.writeUInt32BE(seq >>> 0, 4);
  return encodePublishProperties({ responseTopic, correlationData });
}

/** Whether the target group's devices subscribe to the commands addressed to them (checked on device 0). */
function targetsSubscribe(fleet: Fleet, sender: FleetGroup, target: number, topic: FleetGroup['commands'][number]['topic']): boolean {
  const t = fleet.groups[target];
  const seed = fleet.scenario.seed;
  const tctx = { i: 0, group: t.spec.name, seed, clientId: '' };
  tctx.clientId = t.clientId(tctx);
  const sctx = { i: 0, group: sender.spec.name, seed, clientId: '', target: 0 };
  sctx.clientId = sender.clientId(sctx);
  const published = topic(sctx);
  return t.subscribe.some((f) => {
    const filter = f(tctx);
    return topicMatches(parseShared(filter)?.filter ?? filter, published);
  });
}
