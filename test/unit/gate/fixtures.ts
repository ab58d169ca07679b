import type { LatencySummary, Summary } from '../../../src/result/types.ts';

export function latency(p: Partial<LatencySummary> = {}): LatencySummary {
  return { count: 100, min: 1, mean: 10, p50: 10, p90: 20, p99: 50, p999: 80, max: 100, ...p };
}

export function summary(over: { [K in keyof Summary]?: Partial<Summary[K]> } = {}): Summary {
  return {
    connections: { attempted: 100, succeeded: 100, failed: 0, peakConcurrent: 100, ...over.connections },
    messages: {
      published: 1000,
      acked: 1000,
      received: 1000,
      expected: 1000,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      lossRate: 0,
      ...over.messages,
    },
    throughput: { publishedPerSec: 16000, receivedPerSec: 16000, ...over.throughput },
    latencyMs: {
      connect: latency(),
      subscribe: latency(),
      publishAck: latency(),
      endToEnd: latency(),
      reconnect: latency(),
      commandRoundTrip: latency({ count: 0 }),
      ...over.latencyMs,
    } as Summary['latencyMs'],
    errors: { ...over.errors } as Record<string, number>,
  };
}
