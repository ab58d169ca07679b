import { describe, expect, it } from 'vitest';
import { deriveHighlights } from '../../../src/monitor/highlights.ts';
import { formatBrokerSummary } from '../../../src/monitor/summary-line.ts';
import type { BrokerSource } from '../../../src/result/broker-side.ts';

const mosquitto = (url: string, connectedPeak: number, receivedEnd: number): BrokerSource => ({
  url,
  kind: 'sys',
  version: 'mosquitto version 2.0.11',
  series: {
    '$SYS/broker/clients/connected': [
      [-0.5, 1],
      [1, connectedPeak],
      [6, 1],
    ],
    '$SYS/broker/publish/messages/received': [
      [-0.5, 7],
      [1, 7],
      [2, 107],
      [3, 207],
      [4, 307],
      [5, 407],
      [6, receivedEnd],
    ],
    '$SYS/broker/publish/messages/sent': [
      [-0.5, 50],
      [2, 150],
      [4, 350],
      [6, 500],
    ],
    '$SYS/broker/publish/messages/dropped': [
      [-0.5, 3],
      [5, 5],
    ],
    '$SYS/broker/heap/current': [
      [-0.5, 1000],
      [3, 4096],
      [6, 2048],
    ],
    '$SYS/broker/load/messages/received/1min': [[1, 55]],
  },
});

describe('deriveHighlights', () => {
  it('derives the figures of one Mosquitto from its $SYS series', () => {
    const h = deriveHighlights([mosquitto('mqtt://127.0.0.1:1', 21, 420)], { steadyFrom: 1, steadyTo: 5 });
    expect(h).toEqual({
      connected: 21,
      monitorClients: 1,
      messagesReceived: 413,
      messagesSent: 450,
      messagesReceivedPerSec: 100, // 407 - 7 over 4 s
      messagesSentPerSec: 75, // 350 (t=4) - 50 (t=-0.5) over 4 s
      dropped: 2,
      heapBytes: 4096,
    });
  });

  it('adds up a pool of brokers', () => {
    const h = deriveHighlights([mosquitto('mqtt://127.0.0.1:1', 11, 420), mosquitto('mqtt://127.0.0.1:2', 12, 410)], {
      steadyFrom: 1,
      steadyTo: 5,
    });
    expect(h.connected).toBe(23);
    expect(h.monitorClients).toBe(2);
    expect(h.messagesReceived).toBe(413 + 403);
    expect(h.messagesReceivedPerSec).toBe(200);
    expect(h.dropped).toBe(4);
  });

  it('counts an EMQX node topic once when every URL of the cluster saw it', () => {
    const emqx = (url: string): BrokerSource => ({
      url,
      kind: 'sys',
      series: {
        '$SYS/brokers/emqx@a/stats/connections/count': [[1, 100]],
        '$SYS/brokers/emqx@b/stats/connections/count': [[1, 50]],
        '$SYS/brokers/emqx@a/metrics/messages/received': [
          [0, 0],
          [10, 1000],
        ],
        '$SYS/brokers/emqx@a/metrics/messages/dropped': [
          [0, 4],
          [10, 4],
        ],
      },
    });
    const h = deriveHighlights([emqx('mqtt://a'), emqx('mqtt://b')], { steadyFrom: 0, steadyTo: 10 });
    expect(h).toMatchObject({ connected: 150, messagesReceived: 1000, messagesReceivedPerSec: 100, dropped: 0 });
  });

  it('falls back to Prometheus series, sums labelled ones, and turns CPU seconds into cores', () => {
    const prom: BrokerSource = {
      url: 'http://127.0.0.1:9/metrics',
      kind: 'prometheus',
      series: {
        'emqx_messages_received{node="a"}': [
          [0, 0],
          [2, 300],
        ],
        'emqx_messages_received{node="b"}': [
          [0, 0],
          [2, 100],
        ],
        emqx_messages_dropped: [
          [0, 1],
          [2, 6],
        ],
        emqx_connections_count: [
          [0, 10],
          [1, 40],
          [2, 30],
        ],
        process_cpu_seconds_total: [
          [0, 10],
          [2, 11.5],
        ],
      },
    };
    expect(deriveHighlights([prom], { steadyFrom: 0, steadyTo: 2 })).toEqual({
      connected: 40,
      messagesReceived: 400,
      messagesReceivedPerSec: 200,
      dropped: 5,
      cpu: 0.75,
    });
  });

  it('says nothing it cannot back with a series', () => {
    expect(
      deriveHighlights([{ url: 'mqtt://x', kind: 'sys', series: {}, error: 'connack: not authorized' }], { steadyFrom: 0, steadyTo: 1 }),
    ).toEqual({});
  });
});

describe('formatBrokerSummary', () => {
  const summary = { connections: { peakConcurrent: 2000 }, messages: { published: 40000, lost: 0 } } as never;

  it('puts the broker’s counts beside fleetstorm’s on one line', () => {
    const broker = { sources: [], highlights: { connected: 2001, monitorClients: 1, messagesReceived: 40000, dropped: 0 } };
    expect(formatBrokerSummary({ broker, summary })).toBe(
      'broker says: 2,001 clients connected (incl. 1 monitor), 40,000 msgs received, 0 dropped · fleetstorm: 2,000 peak connected, 40,000 published, 0 lost',
    );
  });

  it('says why when the broker gave nothing, and nothing without a monitor', () => {
    const broker = {
      sources: [{ url: 'mqtt://x', kind: 'sys' as const, series: {}, error: 'Connection refused: Not authorized' }],
      highlights: {},
    };
    expect(formatBrokerSummary({ broker, summary })).toBe('broker says: nothing usable (sys mqtt://x: Connection refused: Not authorized)');
    expect(formatBrokerSummary({ summary })).toBeNull();
  });
});
