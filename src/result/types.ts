// The shape of result.json ("fleetstorm/result@1"), as promised in CONTRACT.md. Every figure in
// it is counted on the wire by the engine; nothing here is estimated.

import type { BrokerSide } from './broker-side.ts';

export const RESULT_SCHEMA = 'fleetstorm/result@1';

/** Milliseconds. `count` is the number of samples; all other fields are 0 when count is 0. */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** reconnect: from losing a connection (or being moved) to CONNACK again. */
export type LatencyName = 'connect' | 'subscribe' | 'publishAck' | 'endToEnd' | 'reconnect' | 'commandRoundTrip';
export const LATENCY_NAMES: readonly LatencyName[] = ['connect', 'subscribe', 'publishAck', 'endToEnd', 'reconnect', 'commandRoundTrip'];

/**
 * Where `connect` time goes, one attempt at a time: TCP connect, TLS handshake (mqtts://, wss://),
 * WebSocket upgrade (ws://, wss://), then CONNACK; the parts of an attempt add up to its connect
 * time. A part appears only when some connection went through it.
 */
export type ConnectPart = 'tcp' | 'tls' | 'wsUpgrade' | 'connack';
export const CONNECT_PARTS: readonly ConnectPart[] = ['tcp', 'tls', 'wsUpgrade', 'connack'];

export interface Summary {
  connections: {
    attempted: number;
    succeeded: number;
    failed: number;
    peakConcurrent: number;
    /** Established connections that were lost or closed by the plan (churn, migration). */
    dropped?: number;
    /** Connections re-established after a loss. */
    reconnects?: number;
    /** Reconnect attempts (after a loss, or after a failed first attempt) that failed; `failed` counts first attempts only. */
    reconnectFailed?: number;
    /**
     * Most connection attempts awaiting their CONNACK at once (first storm, stage joins,
     * reconnects, churn, migration alike). Over several hosts, the sum of each host's maximum:
     * an upper bound, as the hosts' peaks need not coincide.
     */
    maxInFlight?: number;
  };
  messages: {
    published: number;
    acked: number;
    /** Deliveries received by subscribers, duplicates included. */
    received: number;
    /** Deliveries the held subscriptions should have received (fan-out included). */
    expected: number;
    lost: number;
    duplicated: number;
    outOfOrder: number;
    /** lost / expected, 0 when nothing was expected. */
    lossRate: number;
    /** Scheduled sends skipped because the client was offline (churn, restart, migration gap). */
    skipped?: number;
    /** Publishes the broker refused (an ack with a failure reason, or the wrong ack for the QoS). */
    refused?: number;
    /** Deliveries owed to nobody, counted apart (never in received, never offsetting a loss). */
    retained?: number;
    will?: number;
    notOwed?: number;
    /** MQTT 5: QoS 1/2 publishes held back (then sent) because the broker's Receive Maximum was reached. */
    delayedByReceiveMaximum?: number;
    /** Unacknowledged QoS 1/2 publishes sent again (DUP set) after reconnecting to a kept session. */
    resent?: number;
  };
  throughput: {
    /** Over the steady-state period. */
    publishedPerSec: number;
    receivedPerSec: number;
  };
  latencyMs: Record<LatencyName, LatencySummary> & { connectParts?: Partial<Record<ConnectPart, LatencySummary>> };
  /** e.g. "connack:not-authorized", "tcp:ECONNREFUSED" → count */
  errors: Record<string, number>;
  /** Commands with a reply (present when the group sent any): noReply = sent − replied − late. */
  commands?: { sent: number; replied: number; late: number; noReply: number };
}

export interface TimelinePoint {
  /** Seconds since the run started (end of the one-second interval). */
  t: number;
  /** Connections open at the end of the interval. */
  connected: number;
  /** Connections the plan intended to be open by then (the planned ramp). */
  plannedConnected: number;
  /** Counts within the interval (not cumulative). */
  published: number;
  acked: number;
  received: number;
  lost: number;
  endToEndP50Ms: number;
  endToEndP99Ms: number;
  connectP50Ms: number;
  connectP99Ms: number;
  /** Errors that happened within the interval, by reason. */
  errors: Record<string, number>;
  /** Where the second lies against the steady window: only 'steady' seconds feed rates and gated latencies. */
  phase?: 'before' | 'steady' | 'after';
  /** Sends that left more than 10 ms after their scheduled time within the interval. */
  late?: number;
}

/** One load host's own health over one second (metrics/host-health.ts). */
export interface HostHealthSecond {
  /** Cores busy: the process's CPU time per wall second, or a worker thread's event-loop utilisation (see cpuSource). */
  cpu: number;
  /** Resident memory of the host's process, and the V8 heap in use by this host's isolate (MB). */
  rssMb: number;
  heapMb: number;
  /** Event-loop delay within the second (ms beyond the 10 ms probe timer). */
  eldP50Ms: number;
  eldP99Ms: number;
  eldMaxMs: number;
  /** GC pauses within the second: how many, their total and the longest (ms). */
  gcCount: number;
  gcMs: number;
  gcMaxMs: number;
}

/** A load host's health over a span of seconds (the whole run, or its steady seconds). */
export interface HostHealthSummary {
  seconds: number;
  cpu: { avg: number; max: number };
  rssMaxMb: number;
  heapMaxMb: number;
  /** From the span's own event-loop delay histogram (not from per-second percentiles). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  gc: { count: number; totalMs: number; maxMs: number };
}

/** Per-second series of HostHealthSecond, column by column: series[field][k] belongs to second t[k]. */
export type HostHealthSeries = { t: number[] } & { [K in keyof HostHealthSecond]: number[] };

export interface HostHealth {
  host: string;
  /** 'process': process CPU time; 'thread': the worker thread's event-loop utilisation (Node 20 has no per-thread CPU time). */
  cpuSource: 'process' | 'thread';
  run: HostHealthSummary;
  steady: HostHealthSummary | null;
  series: HostHealthSeries;
}

/** Something the broker quietly did less of than asked, with its likely cause. */
export interface Downgrade {
  kind: 'subscribe-qos' | 'publish-qos' | 'share-group';
  group: string;
  detail: string;
  likelyCause: string;
}

export interface HostInfo {
  id: string;
  kind: 'thread' | 'process' | 'agent' | 'local';
  hostname: string;
  /** Clients this host was planned to run, by group. */
  clients: Record<string, number>;
  /** false when the host was lost during the run: its shard's figures are missing. */
  complete: boolean;
  note?: string;
}

export interface ThresholdResult {
  expr: string;
  value: number | null;
  ok: boolean;
  /** Applied without being written in the scenario (`connections.failed == 0`). */
  implicit?: boolean;
}

export interface CohortSummary {
  index: number;
  /** ms since the run started when the cohort was cut over. */
  atMs: number;
  moved: number;
  reconnected: number;
  /** Moved devices not back on the new endpoint by the end of the run. */
  stranded: number;
  /** From DISCONNECT on the old endpoint to CONNACK on the new one. */
  gapMs: LatencySummary;
}

export interface Result {
  schema: typeof RESULT_SCHEMA;
  interrupted: boolean;
  scenario: {
    name: string;
    sha256: string;
    description?: string;
    /** The scenario as resolved, secrets replaced by their `${env:NAME}` reference. */
    resolved?: unknown;
  };
  run: {
    startedAt: string; // ISO 8601
    endedAt: string;
    durationMs: number;
    version: string;
    node: string;
    hosts: HostInfo[];
    brokers: string[];
    /** ms since start when every group had connected (steady state began); null if never. */
    steadyStartMs: number | null;
    /** ms since start when publishing stopped and the drain began. */
    steadyEndMs: number | null;
    /** Seconds the steady figures (throughput, gated latencies) cover: the window's whole seconds. */
    steadySeconds?: number;
    /** Sends that left more than 10 ms after their scheduled time, and the worst lag (ms). */
    schedule?: { late: number; maxLagMs: number };
    /** What the broker says it is ($SYS/broker/version), where it says it. */
    brokerVersion?: string;
    /** Machine the coordinator ran on. */
    generatorHost?: string;
    /** The load profile, when the scenario has one: startMs counts from the start of the run. */
    stages?: { name: string; startMs: number; durationMs: number; connections: number; rate: number }[];
  };
  summary: Summary;
  groups: Record<string, Summary>;
  timeline: TimelinePoint[];
  /** HdrHistogram compressed base64, values in microseconds. */
  histograms: Record<LatencyName, string> & { connectParts?: Partial<Record<ConnectPart, string>> };
  thresholds: ThresholdResult[];
  /** Set when a threshold with abortOnFail stopped the run: its expression and ms since the run started. */
  aborted?: { threshold: string; atMs: number };
  /** The broker's own figures sampled during the run ($SYS, Prometheus), when monitoring ran. */
  broker?: BrokerSide;
  /** Downgrades the broker made without refusing (absent when there were none). */
  downgrades?: Downgrade[];
  /** Each load host's own CPU, memory, event-loop delay and GC, per second and summed up. */
  health?: HostHealth[];
  /** Present for migration rehearsals: the cut-over, cohort by cohort. */
  migration?: { from: string; to: string; bridged: boolean; cohorts: CohortSummary[] };
}
