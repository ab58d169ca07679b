// What the broker says about itself during a run, as stored in result.json (`broker`): the raw
// series each source gave (times aligned with result.timeline: seconds since the run started)
// and the few figures worth putting beside fleetstorm's own.

/** [seconds since run start, value]; sorted by time, at most one point per second. */
export type Point = [number, number];

export interface BrokerSource {
  /** Broker URL ($SYS) or scrape URL (Prometheus). */
  url: string;
  kind: 'sys' | 'prometheus';
  /** What the broker says it is ($SYS/broker/version, $SYS/brokers/<node>/version). */
  version?: string;
  /** Keyed by $SYS topic, or Prometheus series `name{label="value",…}` (labels sorted). */
  series: Record<string, Point[]>;
  /** Topics or series left out because the source exceeded its series limit. */
  droppedSeries?: number;
  /** Why this source gave nothing or stopped giving (last failure, one line). */
  error?: string;
}

export interface BrokerHighlights {
  /** Peak connected clients the broker reported (its own monitor connections included). */
  connected?: number;
  /** fleetstorm's own monitor connections counted in `connected`. */
  monitorClients?: number;
  /** PUBLISH packets the broker received during the run (counter increase). */
  messagesReceived?: number;
  /** PUBLISH packets the broker sent during the run ($SYS traffic to the monitor included). */
  messagesSent?: number;
  /** Over the steady-state window, from counter deltas. */
  messagesReceivedPerSec?: number;
  messagesSentPerSec?: number;
  /** Increase of the broker's dropped-messages counter during the run. */
  dropped?: number;
  /** Peak heap the broker reported, bytes. */
  heapBytes?: number;
  /** Average CPU over the steady-state window, in cores (1 = one core fully busy). */
  cpu?: number;
  /** First and last sample of the received counter over the run (s since run start): what `messagesReceived` spans. */
  runSamples?: { fromSec: number; toSec: number };
  /** First and last broker sample inside the steady window, and the counters' increase between them. */
  steadySamples?: { fromSec: number; toSec: number; received?: number; sent?: number };
  /** Seconds between the broker's updates, as sampled (Mosquitto's sys_interval). */
  sampleIntervalSec?: number;
  /** Why the steady rates are missing, e.g. "not enough broker samples: sys_interval 10 s". */
  notEnoughSamples?: string;
}

export interface BrokerSide {
  sources: BrokerSource[];
  highlights: BrokerHighlights;
}
