// deploy/grafana/fleetstorm.json: loads as a Grafana dashboard, and every metric its fleetstorm
// panels query is in a real scrape of the endpoint (served over HTTP from live figures that
// have seen a second with traffic and an error). The broker row queries the broker's own
// exporter: its names must be ones fleetstorm's broker monitor knows (monitor/highlights.ts).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zeroCounters } from '../../../src/metrics/counters.ts';
import { CARRIERS } from '../../../src/monitor/highlights.ts';
import { buildRegistry, serveMetrics, type MetricsServer } from '../../../src/report/live/exporter.ts';
import { LiveFeed } from '../../../src/report/live/feed.ts';
import { LiveFigures } from '../../../src/report/live/figures.ts';
import { REPO } from '../../helpers/cli.ts';
import { scrape } from '../../helpers/prom-text.ts';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { refId: string; expr: string }[];
  panels?: Panel[];
}
interface Dashboard {
  title: string;
  uid: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; definition?: string }[] };
}

const dashboard = JSON.parse(readFileSync(path.join(REPO, 'deploy/grafana/fleetstorm.json'), 'utf8')) as Dashboard;
const rows = dashboard.panels.filter((p) => p.type === 'row');
const brokerRow = rows.find((r) => r.title.startsWith('Broker'))!;
const fleetstormPanels = dashboard.panels.filter((p) => p.type !== 'row');

/** Metric names in a PromQL expression: every identifier directly followed by a `{` selector. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]!);
}

describe('deploy/grafana/fleetstorm.json', () => {
  let server: MetricsServer;
  let scraped: Set<string>;

  beforeAll(async () => {
    const figures = new LiveFigures({ devices: 2 });
    const feed = new LiveFeed(figures);
    const delta = { ...zeroCounters(), attempted: 2, succeeded: 2, published: 5, received: 5, expected: 5 };
    feed.second(
      [
        {
          host: 'h1',
          t: 1,
          plannedConnected: 2,
          groups: { devices: { delta, open: 2, errors: { 'tcp:ECONNRESET': 1 } } },
          endToEnd: '',
          connect: '',
          late: 1,
          health: { cpu: 0.5, rssMb: 80, heapMb: 20, eldP50Ms: 1, eldP99Ms: 9, eldMaxMs: 12, gcCount: 2, gcMs: 3, gcMaxMs: 2 },
        },
      ],
      {
        t: 1,
        connected: 2,
        plannedConnected: 2,
        published: 5,
        acked: 0,
        received: 5,
        lost: 0,
        endToEndP50Ms: 0,
        endToEndP99Ms: 0,
        connectP50Ms: 0,
        connectP99Ms: 0,
        errors: { 'tcp:ECONNRESET': 1 },
      },
    );
    server = await serveMetrics(buildRegistry(figures), 0, '127.0.0.1');
    const got = await scrape(server.port);
    scraped = new Set(got!.samples.map((s) => s.name));
  });
  afterAll(() => server?.close());

  it('is a Grafana dashboard: title, uid, schema version, unique ids, panels on the 24-column grid', () => {
    expect(dashboard.title).toBe('fleetstorm');
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const all = [...dashboard.panels, ...(brokerRow.panels ?? [])];
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    for (const p of all) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      if (p.type === 'row') continue;
      expect(p.targets!.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) expect(metricNames(t.expr).length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
    }
  });

  it('queries only metrics the endpoint exposes (checked against a real scrape)', () => {
    const queried = new Set<string>();
    for (const p of fleetstormPanels) for (const t of p.targets!) for (const name of metricNames(t.expr)) queried.add(name);
    for (const v of dashboard.templating.list) for (const m of (v.definition ?? '').matchAll(/label_values\((\w+)/g)) queried.add(m[1]!);
    expect(queried.size).toBeGreaterThan(20);
    const missing = [...queried].filter((name) => !scraped.has(name));
    expect(missing).toEqual([]);
  });

  it('is listed panel by panel in docs/grafana-panels.txt (regenerate with deploy/grafana/list-panels.mjs)', () => {
    const listed = execFileSync(process.execPath, [path.join(REPO, 'deploy/grafana/list-panels.mjs')], { encoding: 'utf8' });
    expect(readFileSync(path.join(REPO, 'docs/grafana-panels.txt'), 'utf8')).toBe(listed);
    for (const p of [...fleetstormPanels, ...(brokerRow.panels ?? [])]) expect(listed).toContain(`] ${p.title}\n`);
  });

  it('has a broker row querying only broker metrics fleetstorm knows', () => {
    const known = Object.values(CARRIERS).flatMap((c) => c.prometheus);
    const names = brokerRow.panels!.flatMap((p) => p.targets!.flatMap((t) => metricNames(t.expr)));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names)
      expect(
        known.some((re) => re.test(name)),
        name,
      ).toBe(true);
  });
});
