// The resolved scenario: what the loader hands to the planner and the engine once the YAML has
// been validated, defaults applied, `--set` overrides and `${env:…}` secrets resolved.
// Units are normalised here so nothing downstream parses strings: durations in milliseconds,
// rates in events per second, sizes in bytes.

export type ProtocolVersion = 3 | 4 | 5;
export type QoS = 0 | 1 | 2;

export interface TlsOptions {
  /** File paths as written in the scenario, resolved relative to the scenario file. */
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
  servername?: string;
}

export interface BrokerSpec {
  /** Endpoint pool; connections are spread round-robin over it. At least one entry. */
  urls: string[];
  protocol: ProtocolVersion;
  tls?: TlsOptions;
  /** Local source addresses to bind (expanded from lists and ranges); empty = OS default. */
  sourceAddresses: string[];
  /** Connect timeout per connection (TCP + CONNACK), ms. */
  connectTimeoutMs: number;
}

export interface WillSpec {
  topic: string; // template
  payload: string; // template
  qos: QoS;
  retain: boolean;
}

export interface SubscribeSpec {
  /** Template; may start with `$share/<group>/`. */
  topic: string;
  qos: QoS;
}

export interface PublishSpec {
  topic: string; // template
  qos: QoS;
  retain: boolean;
  /** Payload bytes on the wire, tracking header included; with `payload`, pad up to this (0: no padding). */
  size: number;
  /** Payload template (JSON or text) rendered per message; without it, `size` bytes of filler. */
  payload?: string;
  /** Per client, messages per second. Exactly one of rate / totalRate is set. */
  rate?: number;
  /** For the whole group, messages per second (spread evenly over its clients). */
  totalRate?: number;
  /** Prefix payloads with the tracking header (default true). */
  track: boolean;
  /** fixed: every 1/rate; poisson: exponential gaps at the mean rate (events). */
  arrival: 'fixed' | 'poisson';
  /** Fixed arrivals: each send spread ±jitter/2 of the period around its slot. */
  jitter: number;
  /** Publish once right after each (re)connect (e.g. retained state). */
  onConnect: boolean;
  /** MQTT 5 user properties on every message, in order. */
  userProperties?: Record<string, string>;
  /** MQTT 5 Message Expiry Interval, ms (whole seconds). */
  messageExpiryMs?: number;
  /** MQTT 5: topic once per connection, then a topic alias (within the broker's Topic Alias Maximum). */
  topicAlias?: boolean;
}

export interface ReconnectSpec {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** Fraction of each delay spread at random (seeded). */
  jitter: number;
}

export interface ChurnSpec {
  /** Fraction of the group that flaps each round. */
  share: number;
  everyMs: number;
  offlineMs: number;
  /** disconnect: clean DISCONNECT; drop: socket cut without DISCONNECT (the will fires). */
  mode: 'disconnect' | 'drop';
}

export interface MonitorSpec {
  sys: boolean;
  prometheus?: string;
  intervalMs: number;
}

export type { CapacitySpec } from '../result/capacity.ts';
import type { CapacitySpec } from '../result/capacity.ts';

export interface MigrationSpec {
  from: number;
  to: number;
  groups: string[];
  cohort: number;
  cohorts: number;
  startMs: number;
  everyMs: number;
  bridged: boolean;
}

/** One stage of a load profile (times relative to the start of steady state). */
export interface StageSpec {
  name: string;
  startMs: number;
  durationMs: number;
  /** Share of every group's clients online during the stage (the lowest indices), 0..1. */
  connections: number;
  /** Multiplier of every publish and command rate during the stage (0 = silent). */
  rate: number;
}

export interface CommandSpec {
  /** Target group name; commands address its devices round-robin. */
  to: string;
  /** Template; `{target}` is the addressed device's index in the target group. */
  topic: string;
  qos: QoS;
  /** Payload bytes, tracking header included; with `payload`, pad up to this (0: no padding). */
  size: number;
  /** Payload template (JSON or text) rendered per command. */
  payload?: string;
  /** Per sender client, or for the whole sender group. */
  rate?: number;
  totalRate?: number;
  /** A reply later than this (or none) counts against the command. */
  timeoutMs: number;
  /**
   * MQTT 5 request/response: each command carries this Response Topic (template, sender's
   * placeholders) and Correlation Data, and the device answers there instead of on its reply topic.
   */
  responseTopic?: string;
}

export interface ReplySpec {
  /** Template for the reply topic (the sender subscribes to it). */
  topic: string;
  qos: QoS;
  /** Time the device takes before it answers. */
  thinkTimeMs: number;
}

/** `groups[].identities`: an inventory file whose row i is device i of the group. */
export interface IdentitiesSpec {
  /** As written in the scenario: relative to the scenario file (an agent's own directory on agents). */
  file: string;
  /** Hex SHA-256 of the file as the coordinator checked it (set by `run` before hosts start); each host refuses a different file. */
  sha256?: string;
}

export interface GroupSpec {
  name: string;
  count: number;
  clientId: string; // template
  username?: string; // template (may be a secret)
  password?: string; // template (may be a secret)
  /** Per-device identities; they override clientId, username and password. */
  identities?: IdentitiesSpec;
  keepaliveMs: number;
  clean: boolean;
  sessionExpiryMs: number;
  /** New connections per second for this group. */
  connectRate: number;
  /** Bound on connects in flight for this group (TCP + CONNACK outstanding). */
  maxConnectsInFlight: number;
  will?: WillSpec;
  subscribe: SubscribeSpec[];
  publish: PublishSpec[];
  /** Indices into broker.urls this group connects to; absent = all (round-robin). */
  endpoints?: number[];
  /** Reconnect after a lost connection; absent = a lost client stays down. */
  reconnect?: ReconnectSpec;
  churn?: ChurnSpec;
  /** Commands this group sends to devices of another group (app / backend). */
  commands?: CommandSpec[];
  /** How this group's devices answer commands; absent = they do not reply. */
  reply?: ReplySpec;
}

export interface Scenario {
  schema: 1;
  name: string;
  description?: string;
  seed: number;
  /** Steady-state time after every group has connected, ms. */
  durationMs: number;
  /** Drain time after publishing stops, before in-flight messages count as lost, ms. */
  drainMs: number;
  broker: BrokerSpec;
  groups: GroupSpec[];
  /** Already applied to counts and rates by the loader; kept for the record. */
  scale: number;
  monitor: MonitorSpec;
  capacity?: CapacitySpec;
  migration?: MigrationSpec;
  /** Load profile; when given, durationMs is the sum of the stage durations. */
  stages?: StageSpec[];
  /** Threshold expressions keyed by metric path, e.g. `connect.p99: "< 500ms"`. */
  thresholds: Record<string, string | { expr: string; abortOnFail?: boolean; abortGrace?: string }>;
  /** Port of the live Prometheus endpoint (`--metrics-port` overrides it); absent = off. */
  metricsPort?: number;
}

/** What the loader returns: the scenario plus what must never reach an output. */
export interface LoadedScenario {
  scenario: Scenario;
  /** Literal secret values (resolved `${env:…}`), to be scrubbed from anything written. */
  secrets: string[];
  /** The scenario as written (after --set), with secrets replaced by `${env:NAME}`; for hashing and reports. */
  redacted: unknown;
  /** sha256 of the canonical JSON of `redacted`. */
  sha256: string;
  /** Directory the scenario file lives in (relative TLS paths resolve against it). */
  baseDir: string;
}

export type { ValidationIssue } from '../errors.ts';
