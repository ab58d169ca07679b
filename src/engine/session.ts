// One client's session, from the socket's point of view: opening (CONNECT, connect timeout),
// CONNACK, SUBSCRIBE and its SUBACKs, keepalive, and what a close means. It implements the
// ConnectionListener every Connection of the shard calls; what happens next (reconnects, sends on
// connect, receive accounting) is handed to the part that owns it.

import { Connection, type ConnectionListener } from '../client/connection.ts';
import { buildConnectPacket, buildSubscribePacket } from '../client/control-packets.ts';
import { PLAN_NONE, PLAN_STAGE, ST_CLOSED, ST_CONNECTING, ST_FAILED, ST_READY, ST_SUBSCRIBING } from './client-table.ts';
import type { ConnectPhase } from './connect-phase.ts';
import type { ShardContext } from './context.ts';
import { EV_KEEPALIVE, EV_TIMEOUT } from './events.ts';
import { openWithIdentity, UNUSABLE_IDENTITY } from './identities.ts';
import { groupMqtt5, type GroupMqtt5 } from './mqtt5-streams.ts';
import { dropDelayed, sendDelayed } from './tracked-send.ts';

/** What a session hands on to the other parts. */
export interface SessionHooks {
  /** The attempt of client c got its answer (or its socket closed): frees its in-flight place. */
  settled(c: number): void;
  /** Client c is back after a gap of `gapMs` since it lost (or was moved off) its connection. */
  reconnected(c: number, gapMs: number): void;
  /** Client c is connected (and stays, by plan): sends on connect. */
  connected(c: number, nowMs: number): void;
  /** Client c's socket closed unplanned or before a CONNACK, or as planned (`plan` says which). */
  closed(c: number, plan: number, nowMs: number): void;
  /** A PUBLISH arrived for client c. */
  message(c: number, buf: Buffer, start: number, end: number, nowMs: number, retained: boolean): void;
}

export class Session implements ConnectionListener {
  /** Per group: what its clients need of an MQTT 5 broker (checked against each CONNACK). */
  private readonly mqtt5: GroupMqtt5[];

  constructor(
    private readonly ctx: ShardContext,
    private readonly phase: ConnectPhase,
    private readonly hooks: SessionHooks,
  ) {
    const { seed, broker } = ctx.scenario;
    this.mqtt5 = ctx.fleet.groups.map((g) => groupMqtt5(g, seed, broker.protocol));
    ctx.events.on(EV_TIMEOUT, (c, due) => this.timeout(c, due));
    ctx.events.on(EV_KEEPALIVE, (c, due, now) => this.keepalive(c, due, now));
  }

  /** Opens client c now: CONNECT on a fresh socket, and its connect timeout. */
  open(c: number, nowMs: number): void {
    const { ctx } = this;
    const clients = ctx.clients;
    const g = clients.groupOf(c);
    let conn = ctx.conns[c];
    conn ??= ctx.conns[c] = new Connection(this, c, ctx.scenario.broker.protocol, !g.spec.clean);
    clients.status[c] = ST_CONNECTING;
    clients.connectStart[c] = nowMs;
    ctx.metrics.counters[g.index].attempted++;
    conn.endpoint = clients.endpoint[c];
    conn.needs = this.mqtt5[g.index].needs;
    conn.largestPacket = this.mqtt5[g.index].largestPacket;
    const packet = buildConnectPacket(ctx.fleet, g, clients.index[c], g.spec.clean ? null : conn.assignedClientId);
    const endpoint = ctx.endpoints.endpointFor(clients.globalId(c), conn.endpoint);
    // With an inventory, the device's own certificate joins the endpoint's TLS options; one TLS
    // cannot use fails this attempt on the next turn (once the storm has counted its slot).
    if (!openWithIdentity(conn, endpoint, packet, nowMs, ctx.identities, g.index, clients.index[c])) {
      const failed = conn;
      setImmediate(() => this.onClose(failed, UNUSABLE_IDENTITY));
      return;
    }
    const due = nowMs + ctx.scenario.broker.connectTimeoutMs;
    clients.timeoutDue[c] = due;
    ctx.events.push(EV_TIMEOUT, c, due);
  }

  private timeout(c: number, due: number): void {
    const { clients, metrics } = this.ctx;
    if (due !== clients.timeoutDue[c]) return; // from an earlier attempt
    const st = clients.status[c];
    if (st === ST_CONNECTING) {
      this.ctx.conns[c]!.destroy('connect:timeout');
    } else if (st === ST_SUBSCRIBING) {
      const g = clients.groupOf(c);
      const pending = clients.subPending[c];
      metrics.counters[g.index].subscribeFailed += pending;
      metrics.counters[g.index].countError('suback:timeout', pending);
      // Which ones are missing is not known without per-index state; count them all as missing.
      this.phase.missSubscriptions(g.index, clients.index[c], g.subscribe.length - pending, g.subscribe.length);
      clients.subPending[c] = 0;
      this.markReady(c);
    }
  }

  private keepalive(c: number, due: number, nowMs: number): void {
    const { ctx } = this;
    if (due !== ctx.clients.keepaliveDue[c]) return; // a chain from an earlier connection
    const conn = ctx.conns[c];
    if (conn === null || !conn.connected || ctx.stopping) return;
    const every = keepaliveMs(conn, ctx.clients.groupOf(c).spec.keepaliveMs) * 0.75;
    // The next check is due `every` after the last write (a ping is one), not after this check.
    if (nowMs - conn.lastWriteMs >= every) conn.sendPing(nowMs);
    this.scheduleKeepalive(c, conn.lastWriteMs + every);
  }

  private scheduleKeepalive(c: number, atMs: number): void {
    this.ctx.clients.keepaliveDue[c] = atMs;
    this.ctx.events.push(EV_KEEPALIVE, c, atMs);
  }

  private markReady(c: number): void {
    this.ctx.clients.status[c] = ST_READY;
    this.phase.settle(c);
  }

  onConnack(conn: Connection, reason: string | null): void {
    const c = conn.id;
    const { ctx } = this;
    const clients = ctx.clients;
    const now = ctx.clock.now();
    const g = clients.groupOf(c);
    const counters = ctx.metrics.counters[g.index];
    this.hooks.settled(c);
    // A refusal is counted as failed when the socket closes (status CONNECTING and the reason).
    if (reason !== null) {
      if (reason.startsWith('broker:')) this.brokerCannot(reason, g.spec.name);
      return;
    }
    counters.succeeded++;
    counters.connectionOpened();
    ctx.metrics.recordConnect(g.index, now - clients.connectStart[c]);
    ctx.metrics.recordConnectParts(g.index, clients.connectStart[c], conn.tcpAt, conn.tlsAt, conn.wsAt, now);
    if (clients.lostAt[c] > 0) {
      counters.reconnects++;
      this.hooks.reconnected(c, now - clients.lostAt[c]);
      clients.lostAt[c] = 0;
    }
    clients.attempts[c] = 0;
    if (!ctx.onlineByPlan(c, now)) {
      // Its stage ended while it was connecting: leave again, as planned.
      clients.plan[c] = PLAN_STAGE;
      clients.status[c] = ST_READY;
      conn.disconnect();
      return;
    }
    if (conn.persistent && conn.sessionPresent) ctx.metrics.counters[g.index].resent += conn.resendUnacked(now);
    this.hooks.connected(c, now);
    sendDelayed(ctx.metrics, g.index, conn, now); // a persistent session's backlog, within the new limits
    const keepalive = keepaliveMs(conn, g.spec.keepaliveMs);
    if (keepalive > 0) this.scheduleKeepalive(c, now + keepalive * 0.75);
    if (g.subscribe.length === 0) return this.markReady(c);
    clients.status[c] = ST_SUBSCRIBING;
    clients.subStart[c] = now;
    clients.subPending[c] = g.subscribe.length;
    conn.write(buildSubscribePacket(ctx.fleet, g, clients.index[c], conn.allocPid()), now);
  }

  onSuback(conn: Connection, index: number, reason: string | null, grantedQos: number): void {
    const c = conn.id;
    const { clients, metrics } = this.ctx;
    if (clients.status[c] !== ST_SUBSCRIBING) return;
    const g = clients.groupOf(c);
    const counters = metrics.counters[g.index];
    if (reason === null) {
      counters.subscribeOk++;
      // Held, but at a lower QoS than asked (e.g. a broker's max_qos): reported as a downgrade.
      if (grantedQos < (g.spec.subscribe[index]?.qos ?? 0)) counters.subscribeDowngraded++;
    } else {
      counters.subscribeFailed++;
      counters.countError(reason);
      this.phase.missSubscriptions(g.index, clients.index[c], index, index + 1);
    }
    if (--clients.subPending[c] === 0) {
      metrics.recordSubscribe(g.index, this.ctx.clock.now() - clients.subStart[c]);
      this.markReady(c);
    }
  }

  /**
   * The broker lacks something the scenario needs (an MQTT 5 availability flag, or a Maximum
   * Packet Size below a fixed publish): the run cannot be carried out, so the shard stops
   * connecting and reports the reason at once (ctx.fatal) instead of running without it.
   */
  private brokerCannot(reason: string, group: string): void {
    const { ctx } = this;
    ctx.fatal ??= `the broker cannot run this scenario: ${reason} (group ${group})`;
    ctx.stopping = true;
    this.phase.finish();
  }

  onPublishAck(conn: Connection, intendedMs: number): void {
    const group = this.ctx.clients.group[conn.id];
    const now = this.ctx.clock.now();
    this.ctx.metrics.recordAck(group, now - intendedMs);
    if (conn.delayedCount > 0) sendDelayed(this.ctx.metrics, group, conn, now);
  }

  /**
   * A publish the broker refused (or answered with the wrong ack for its QoS): counted under its
   * reason and as refused, which settles it for the drain like an ack, but never as acked and
   * never in the publish-ack latency. What the plan owed receivers for it stays owed: lost.
   */
  onPublishRefused(conn: Connection, reason: string): void {
    const group = this.ctx.clients.group[conn.id];
    const counters = this.ctx.metrics.counters[group];
    counters.refused++;
    counters.countError(reason);
    if (conn.delayedCount > 0) sendDelayed(this.ctx.metrics, group, conn, this.ctx.clock.now());
  }

  onMessage(conn: Connection, buf: Buffer, start: number, end: number, nowMs: number, retained: boolean): void {
    this.hooks.message(conn.id, buf, start, end, nowMs, retained);
  }

  onClose(conn: Connection, reason: string | null): void {
    const c = conn.id;
    const { ctx, phase } = this;
    const clients = ctx.clients;
    const g = clients.groupOf(c);
    const counters = ctx.metrics.counters[g.index];
    const st = clients.status[c];
    const now = ctx.clock.now();
    const plan = clients.plan[c];
    if (!conn.persistent && conn.delayedCount > 0) dropDelayed(ctx.metrics, g.index, conn);
    if (st === ST_CONNECTING) {
      // A client's first attempt is `failed` (the implicit gate's figure); retries are reconnects.
      if (clients.lostAt[c] > 0) counters.reconnectFailed++;
      else counters.failed++;
      counters.countError(reason ?? 'conn:closed-before-connack');
      this.hooks.settled(c);
      clients.status[c] = ST_FAILED;
      if (!phase.isSettled(c)) phase.missingClients.push({ group: g.index, i: clients.index[c] });
      phase.settle(c);
      if (clients.lostAt[c] === 0) clients.lostAt[c] = now;
      this.hooks.closed(c, PLAN_NONE, now);
      return;
    }
    // The final disconnect at the end of a run, or a stage's planned one, is not a dropped connection.
    if (ctx.stopping || plan === PLAN_STAGE) counters.open = Math.max(0, counters.open - 1);
    else counters.connectionClosed();
    if (reason !== null && !ctx.stopping && plan === PLAN_NONE) counters.countError(reason);
    if (st === ST_SUBSCRIBING && !phase.isSettled(c)) {
      phase.missSubscriptions(g.index, clients.index[c], g.subscribe.length - clients.subPending[c], g.subscribe.length);
      phase.settle(c);
    }
    clients.status[c] = ST_CLOSED;
    if (ctx.stopping) return;
    if (plan === PLAN_NONE) clients.lostAt[c] = now;
    this.hooks.closed(c, plan, now);
  }
}

/** The keepalive in force: the broker's Server Keep Alive (MQTT 5) when it sent one, else the group's. */
function keepaliveMs(conn: Connection, groupKeepaliveMs: number): number {
  return conn.serverKeepAliveSec >= 0 ? conn.serverKeepAliveSec * 1000 : groupKeepaliveMs;
}
