// The live progress: a block redrawn in place on a terminal, a line every 10 s in a log,
// nothing with --quiet, and a last frame that carries the result's own figures.

import { describe, expect, it } from 'vitest';
import { zeroCounters } from '../../../src/metrics/counters.ts';
import { createLatencyHistogram, encodeHistogram, recordMicros } from '../../../src/metrics/histogram.ts';
import type { Sample } from '../../../src/metrics/sample.ts';
import { mergeSamples } from '../../../src/metrics/sample.ts';
import type { Result } from '../../../src/result/types.ts';
import { LiveFeed } from '../../../src/report/live/feed.ts';
import { LiveFigures } from '../../../src/report/live/figures.ts';
import { Progress } from '../../../src/report/progress.ts';
import type { Scenario } from '../../../src/scenario/types.ts';

function fakeStream(tty: boolean) {
  const chunks: string[] = [];
  const stream = { isTTY: tty, columns: 100, write: (s: string) => chunks.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join(''), chunks };
}

const scenario = {
  name: 'demo',
  durationMs: 20_000,
  drainMs: 2_000,
  groups: [{ name: 'devices', count: 10, connectRate: 10 }],
  stages: [
    { name: 'night', startMs: 0, durationMs: 10_000, connections: 1, rate: 0.5 },
    { name: 'peak', startMs: 10_000, durationMs: 10_000, connections: 1, rate: 2 },
  ],
} as unknown as Scenario;

function sample(t: number, published: number, errors: Record<string, number> = {}): Sample {
  const h = createLatencyHistogram();
  for (let k = 0; k < published; k++) recordMicros(h, 2_000 + k);
  const delta = { ...zeroCounters(), published, received: published, acked: published };
  return {
    host: 'h1',
    t,
    plannedConnected: 10,
    groups: { devices: { delta, open: 10, errors } },
    endToEnd: encodeHistogram(h),
    connect: '',
  };
}

function setup(tty: boolean, quiet = false) {
  const out = fakeStream(tty);
  const figures = new LiveFigures({ devices: 10 });
  const feed = new LiveFeed(figures);
  const progress = new Progress({ quiet, stream: out.stream, figures });
  feed.begin({ scenario, plannedRate: 20 });
  feed.steadyAt(1_000);
  const second = (s: Sample) => {
    const point = mergeSamples([s]);
    feed.second([s], point);
    progress.point(point, 10, 'steady');
  };
  return { out, feed, progress, second, figures };
}

describe('Progress with live figures', () => {
  it('draws a block on a TTY and redraws it in place, stage, plan and top errors included', () => {
    const { out, second } = setup(true);
    second(sample(12, 40, { 'tcp:ECONNRESET': 3, 'connack:not-authorized': 1 }));
    const first = out.text();
    expect(first).toContain('demo · steady · stage peak');
    expect(first).toMatch(/\[=+>-+\] 12 s\/23 s {2}11 s left/);
    expect(first).toContain('10 connected / 10 due / 10 planned');
    expect(first).toContain('out 40/s (plan 40/s)');
    expect(first).toContain('errors    4 (tcp:ECONNRESET 3, connack:not-authorized 1)');
    expect(first).toContain('lost      – (after the drain)');
    expect(first.split('\n')).toHaveLength(7);
    second(sample(13, 40));
    // The second frame starts by going back up over the first (7 lines: up 6) and erasing.
    expect(out.chunks.at(-2)).toBe('\r\x1b[6A\x1b[J');
  });

  it('prints one line every 10 s off a TTY, and nothing with --quiet', () => {
    const plain = setup(false);
    for (let t = 1; t <= 21; t++) plain.second(sample(t, 5));
    const lines = plain.out.text().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[10 s\/23 s\] demo · steady · stage night {2}connected 10\/10 {2}out 5\/s \(plan 10\/s\)/);
    const quiet = setup(true, true);
    quiet.second(sample(1, 5));
    quiet.progress.note('hello');
    quiet.progress.final();
    expect(quiet.out.text()).toBe('');
  });

  it('ends with a frame of the final result: totals, lost and late sends', () => {
    const { out, feed, progress, second } = setup(true);
    second(sample(5, 10));
    const summary = {
      connections: { attempted: 10, succeeded: 10, failed: 0, peakConcurrent: 10 },
      messages: { published: 123, acked: 120, received: 119, expected: 123, lost: 4, duplicated: 0, outOfOrder: 0, lossRate: 4 / 123 },
      errors: {},
    };
    feed.finish({
      interrupted: false,
      run: { durationMs: 23_000, schedule: { late: 7, maxLagMs: 40 } },
      summary,
      groups: { devices: summary },
      histograms: { endToEnd: '', connect: '', publishAck: '', subscribe: '', reconnect: '', commandRoundTrip: '' },
      thresholds: [],
    } as unknown as Result);
    progress.final();
    const last = out.text().slice(out.text().lastIndexOf('\x1b[J'));
    expect(last).toContain('demo · done');
    expect(last).toContain('total out 123  in 119  acked 120');
    expect(last).toContain('lost      4   late sends 7');
    expect(last).toMatch(/\[=+\] 23 s {2}done/);
    expect(last.endsWith('\n')).toBe(true);
  });

  it('counts late sends as they happen and shows the load host with the worst event-loop delay', () => {
    const { out, second } = setup(true);
    const health = (eldP99Ms: number, cpu: number) => ({
      cpu,
      rssMb: 120.4,
      heapMb: 30,
      eldP50Ms: 1,
      eldP99Ms,
      eldMaxMs: eldP99Ms + 1,
      gcCount: 2,
      gcMs: 4.5,
      gcMaxMs: 3,
    });
    const s1 = { ...sample(4, 10), late: 3, health: health(2, 0.3) };
    const s2 = { ...sample(4, 10), host: 'h2', late: 2, health: health(75, 0.9) };
    second(s1);
    expect(out.text()).toContain('late sends 3');
    expect(out.text()).toContain('generator h1  cpu 0.3 core  event-loop p99 2 ms  gc 4.5 ms/s  rss 120 MB');
    second(s2);
    const frame = out.text().slice(out.text().lastIndexOf('\x1b[J'));
    expect(frame).toContain('late sends 5');
    expect(frame).toContain('generator worst of 2 hosts: h2  cpu 0.9 core  event-loop p99 75 ms');
    expect(frame.split('\n')).toHaveLength(8);
  });

  it('keeps notes on their own line above the block', () => {
    const { out, progress, second } = setup(true);
    second(sample(3, 1));
    progress.note('host h2 lost: exited');
    expect(out.chunks.slice(-2)).toEqual(['\r\x1b[6A\x1b[J', 'host h2 lost: exited\n']);
  });
});
