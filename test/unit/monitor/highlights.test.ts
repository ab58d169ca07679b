import { describe, expect, it } from 'vitest';
import { deriveHighlights } from '../../../src/monitor/highlights.ts';
import { formatBrokerSummary } from '../../../src/monitor/summary-line.ts';
import { crossCheck } from '../../../src/monitor/cross-check.ts';
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
      messagesReceivedPerSec: 100, // 407 (t=5) - 7 (t=1), the samples inside [1, 5], over 4 s
      messagesSentPerSec: 100, // 350 (t=4) - 150 (t=2) over 2 s: nothing carried in from before the window
      dropped: 2,
      heapBytes: 4096,
      runSamples: { fromSec: -0.5, toSec: 6 },
      steadySamples: { fromSec: 1, toSec: 5, received: 400, sent: 200 },
      sampleIntervalSec: 1,
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
      runSamples: { fromSec: 0, toSec: 2 },
      steadySamples: { fromSec: 0, toSec: 2, received: 400 },
      sampleIntervalSec: 2,
    });
  });

  it('says nothing it cannot back with a series', () => {
    expect(
      deriveHighlights([{ url: 'mqtt://x', kind: 'sys', series: {}, error: 'connack: not authorized' }], { steadyFrom: 0, steadyTo: 1 }),
    ).toEqual({});
  });

  it('says there are not enough broker samples rather than printing a rate of 0', () => {
    // Mosquitto's default sys_interval 10: one sample inside a 5 s window.
    const sparse: BrokerSource = {
      url: 'mqtt://x',
      kind: 'sys',
      series: {
        '$SYS/broker/uptime': [
          [-0.5, 100],
          [10.5, 111],
          [21.5, 122],
        ],
        '$SYS/broker/publish/messages/received': [
          [-0.5, 0],
          [10.5, 900],
          [21.5, 1000],
        ],
      },
    };
    const h = deriveHighlights([sparse], { steadyFrom: 8, steadyTo: 13 });
    expect(h.messagesReceivedPerSec).toBeUndefined();
    // Mosquitto updates $SYS when more than sys_interval seconds have passed: every 11 s for 10.
    expect(h.notEnoughSamples).toBe('not enough broker samples: sys_interval 10 s (a $SYS update every 11 s)');
    expect(h.sampleIntervalSec).toBe(11);
    expect(h.messagesReceived).toBe(1000);
  });
});

describe('formatBrokerSummary and the cross-check', () => {
  const point = (t: number, published: number, connected: number, phase: 'before' | 'steady' | 'after') =>
    ({ t, published, connected, phase }) as never;
  // 100 connected, 200 published every second from t=1 to t=10; steady seconds 3..9.
  const timeline = Array.from({ length: 10 }, (_, k) => point(k + 1, 200, 100, k + 1 >= 3 && k + 1 <= 9 ? 'steady' : 'before'));
  const summary = {
    connections: { peakConcurrent: 100 },
    messages: { published: 2000, received: 0, lost: 0 },
    throughput: { publishedPerSec: 200, receivedPerSec: 0 },
  } as never;
  const highlights = {
    connected: 101,
    monitorClients: 1,
    messagesReceived: 2000,
    runSamples: { fromSec: -0.5, toSec: 10.2 },
    messagesReceivedPerSec: 200,
    steadySamples: { fromSec: 2.2, toSec: 9.2, received: 1400 },
    dropped: 0,
    sampleIntervalSec: 1,
  };

  it('compares like with like: the same span, peak against peak, a range where the timeline is coarser', () => {
    const line = formatBrokerSummary({ broker: { sources: [], highlights }, summary, timeline });
    expect(line).toBe(
      'broker says: clients connected (peak) 100 (fleetstorm 100) · messages in: fleetstorm published · broker received 2,000 (fleetstorm 2,000) · ' +
        'rate in (steady state) 200/s (fleetstorm 200/s) · fleetstorm lost · broker dropped 0 (fleetstorm 0) · 1 monitor connection(s) not counted',
    );
    // 1,400 between 2.2 s and 9.2 s: fleetstorm published 1,200 in the seconds wholly inside, 1,600 touching it.
    expect(crossCheck({ broker: { sources: [], highlights }, summary, timeline }).find((r) => r.label.startsWith('rate in'))).toMatchObject(
      {
        bad: false,
        note: 'broker: 1400 between its samples at 2.2 s and 9.2 s; fleetstorm published 1200–1600 then',
      },
    );
  });

  it('flags only what sampling cannot explain', () => {
    const low = { ...highlights, messagesReceived: 1500, connected: 121, steadySamples: { fromSec: 2.2, toSec: 9.2, received: 1100 } };
    const line = formatBrokerSummary({ broker: { sources: [], highlights: low }, summary, timeline })!;
    expect(line.split('\n').slice(1)).toEqual([
      'broker and fleetstorm disagree: clients connected (peak) (broker figure without its 1 monitor connection(s), sampled every 1 s)',
      "broker and fleetstorm disagree: messages in: fleetstorm published · broker received (between the broker's samples at -0.5 s and 10.2 s)",
      'broker and fleetstorm disagree: rate in (steady state) (broker: 1100 between its samples at 2.2 s and 9.2 s; fleetstorm published 1200–1600 then)',
    ]);
  });

  it('says when there are too few broker samples instead of printing 0', () => {
    const sparse = {
      connected: 101,
      monitorClients: 1,
      messagesReceived: 2000,
      runSamples: { fromSec: -0.5, toSec: 10.2 },
      notEnoughSamples: 'not enough broker samples: sys_interval 10 s',
    };
    const line = formatBrokerSummary({ broker: { sources: [], highlights: sparse }, summary, timeline })!;
    expect(line).toContain('rate in (steady state): not enough broker samples: sys_interval 10 s');
    expect(line).not.toContain(' 0/s');
  });

  it('says why when the broker gave nothing, and nothing without a monitor', () => {
    const broker = {
      sources: [{ url: 'mqtt://x', kind: 'sys' as const, series: {}, error: 'Connection refused: Not authorized' }],
      highlights: {},
    };
    expect(formatBrokerSummary({ broker, summary, timeline })).toBe(
      'broker says: nothing usable (sys mqtt://x: Connection refused: Not authorized)',
    );
    expect(formatBrokerSummary({ summary, timeline })).toBeNull();
  });
});
