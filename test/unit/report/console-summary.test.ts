// The console summary printed at the end of a run: every threshold value with its unit, and a
// line for commands, reconnects, skipped sends, not-owed deliveries, late sends and the load
// hosts' health only when the run had them, each read back against the result's own figures.

import { describe, expect, it } from 'vitest';
import { formatRunSummary } from '../../../src/report/console-summary.ts';
import { formatThresholdsWithUnits } from '../../../src/report/console-thresholds.ts';
import type { HostHealth, HostHealthSummary } from '../../../src/result/types.ts';
import { makeResult } from '../../fixtures/make-result.ts';

const fmt = (n: number) => new Intl.NumberFormat('en-US').format(n);

describe('threshold values with units', () => {
  it('puts the unit the gate compared in on the limit and on the measured value', () => {
    const table = formatThresholdsWithUnits(
      [
        { expr: 'latencyMs.endToEnd.p99 < 50ms', value: 12.5, ok: true },
        { expr: 'connect.p99 < 0.5s', value: 612, ok: false },
        { expr: 'throughput.publishedPerSec >= 990/s', value: 1000, ok: true },
        { expr: 'throughput.receivedPerSec >= 600/m', value: 9, ok: false },
        { expr: 'messages.lost == 0', value: 1, ok: false },
        { expr: 'messages.lossRate < 0.1%', value: 0, ok: true },
        { expr: 'groups.devices.connections.failed == 0', value: null, ok: false },
        { expr: 'errors.total < 5', value: 2, ok: true },
        { expr: 'connections.failed == 0', value: 0, ok: true, implicit: true },
      ],
      ['devices'],
    );
    const lines = table.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
    expect(lines).toEqual([
      'threshold measured',
      'PASS latencyMs.endToEnd.p99 < 50 ms 12.5 ms',
      'FAIL connect.p99 < 500 ms 612 ms',
      'PASS throughput.publishedPerSec ≥ 990 msg/s 1,000 msg/s',
      'FAIL throughput.receivedPerSec ≥ 10 msg/s 9 msg/s',
      'FAIL messages.lost == 0 msgs 1 msg',
      'PASS messages.lossRate < 0.1 % 0 %',
      'FAIL groups.devices.connections.failed == 0 connections no data',
      'PASS errors.total < 5 errors 2 errors',
      'PASS connections.failed == 0 connections (implicit) 0 connections',
    ]);
  });
});

function span(p99: number): HostHealthSummary {
  return {
    seconds: 30,
    cpu: { avg: 0.42, max: 0.9 },
    rssMaxMb: 180.5,
    heapMaxMb: 40,
    eventLoopDelayMs: { p50: 0.8, p99, max: p99 * 2 },
    gc: { count: 12, totalMs: 35.2, maxMs: 6.1 },
  };
}

function health(host: string, p99: number): HostHealth {
  const series = { t: [], cpu: [], rssMb: [], heapMb: [], eldP50Ms: [], eldP99Ms: [], eldMaxMs: [], gcCount: [], gcMs: [], gcMaxMs: [] };
  return { host, cpuSource: 'thread', run: span(p99 * 3), steady: span(p99), series };
}

describe('the run summary', () => {
  it('adds commands, reconnects and skipped sends when the run had them, with units', () => {
    const r = makeResult({ rehearsal: true });
    const text = formatRunSummary(r);
    const c = r.summary.commands!;
    const k = r.summary.connections;
    expect(text).toContain(
      `commands: ${fmt(c.sent)} sent, ${fmt(c.replied)} replied in time, ${fmt(c.late)} late, ${fmt(c.noReply)} unanswered, round trip p99 `,
    );
    expect(text).toContain(`reconnects: ${fmt(k.dropped!)} connections dropped, ${fmt(k.reconnects!)} re-established, `);
    expect(text).toContain(`skipped: ${fmt(r.summary.messages.skipped!)} scheduled sends (client offline)`);
    expect(text).toContain(`published ${r.summary.throughput.publishedPerSec} msg/s`);
    expect(text).toMatch(/FAIL\s+endToEnd\.p99 < 100 ms\s+[\d,.]+ ms/);
  });

  it('leaves those lines out of a plain run and names a generator-bound host', () => {
    const r = makeResult();
    expect(formatRunSummary(r)).not.toMatch(/^(commands|reconnects|skipped|load host|generator-bound)/m);
    r.health = [health('thread-0', 3), health('thread-1', 120)];
    r.summary.messages.notOwed = 7;
    r.run.schedule = { late: 40, maxLagMs: 180.25 };
    const lines = formatRunSummary(r).split('\n');
    expect(lines).toContain('not owed (counted apart, no part of received): other 7');
    expect(lines).toContain('late sends: 40 more than 10 ms behind schedule (worst 180.3 ms)');
    // Worst host first, steady-state figures.
    const hostLines = lines.filter((l) => l.startsWith('load host'));
    expect(hostLines[0]).toBe(
      'load host thread-1 (steady state): cpu 0.42 core avg, 0.9 max; event-loop delay p50 0.8 ms, p99 120 ms, max 240 ms; gc 12 pauses, 35.2 ms total, 6.1 ms max; rss max 180.5 MB',
    );
    expect(hostLines).toHaveLength(2);
    expect(lines).toContain(
      "generator-bound: host thread-1 event-loop delay p99 120 ms — latency figures include the generator's own stalls",
    );
  });
});
