// The rehearsal sections (migration cohorts, restarts and reconnects, commands), the figures only
// some runs have (skipped sends, the generator's schedule), the cut-over markers and the new
// percentile curves — on the rehearsal fixture, and absent on a plain run.

import { describe, expect, it } from 'vitest';
import { percentileChart, shapeChart } from '../../../src/report/html/charts/chart-specs.ts';
import { toChartJsConfig } from '../../../src/report/html/charts/to-chartjs.ts';
import { connectionDips, failedReconnectAttempts, isAttemptFailure } from '../../../src/report/html/reconnect-storm.ts';
import { renderHtmlReport } from '../../../src/report/html/render.ts';
import { renderCommands } from '../../../src/report/html/sections/commands.ts';
import { keyFigures } from '../../../src/report/html/sections/key-figures.ts';
import { renderMigration } from '../../../src/report/html/sections/migration.ts';
import { renderReconnects } from '../../../src/report/html/sections/reconnects.ts';
import { makeResult } from '../../fixtures/make-result.ts';

const plain = makeResult();
const rehearsal = makeResult({ rehearsal: true });

describe('absent data renders nothing', () => {
  it('leaves the rehearsal sections and figures out of a plain run', () => {
    expect(renderMigration(plain)).toBe('');
    expect(renderReconnects(plain)).toBe('');
    expect(renderCommands(plain)).toBe('');
    expect(keyFigures(plain).map((f) => f.label)).not.toContain('skipped sends');
    expect(keyFigures(plain).map((f) => f.label)).not.toContain('generator schedule');
    expect(shapeChart(plain)).not.toHaveProperty('markers');
    const html = renderHtmlReport(plain);
    for (const id of ['migration', 'reconnects', 'commands']) expect(html).not.toContain(`id="${id}"`);
  });

  it('draws only the latency curves that have samples', () => {
    const labels = (r: typeof plain) => percentileChart(r)!.config.data.datasets.map((d) => d.label);
    expect(labels(plain)).toEqual(['connect', 'subscribe', 'publish ack', 'end to end']);
    expect(labels(rehearsal)).toEqual(['connect', 'subscribe', 'publish ack', 'end to end', 'reconnect gap', 'command round trip']);
  });
});

describe('migration section', () => {
  const html = renderMigration(rehearsal);

  it('shows each cohort, the stranded one in red, and the totals', () => {
    expect(html).toContain(
      '<tr><th scope="row">C1</th><td class="num">22.0 s</td><td class="num">200</td><td class="num">200</td><td class="num">0</td><td class="num">8.751 ms</td><td class="num">18.64 ms</td><td class="num">22.3 ms</td></tr>',
    );
    expect(html).toContain(
      '<tr class="row-fail"><th scope="row">C3</th><td class="num">36.0 s</td><td class="num">200</td><td class="num">197</td><td class="num bad">3</td><td class="num">14.12 ms</td><td class="num">28.58 ms</td><td class="num">30.26 ms</td></tr>',
    );
    expect(html).toContain(
      '<tfoot><tr class="total"><th scope="row">all cohorts</th><td></td><td class="num">600</td><td class="num">597</td><td class="num bad">3</td><td></td><td></td><td></td></tr></tfoot>',
    );
    expect(html).toContain('in 3 cohort(s); the clusters were not bridged.');
  });

  it("states the run's message totals across the cut-over", () => {
    expect(html).toContain(
      '<ul class="migration-cost" data-testid="migration-messages"><li class="bad">12 message(s) lost (0.026 % of 46,889 expected)</li><li class="bad">4 duplicated, 2 out of order</li><li>1,152 scheduled send(s) skipped while devices were offline</li></ul>',
    );
  });

  it('says so when no cohort was cut over, and escapes the endpoints', () => {
    const r = makeResult({ rehearsal: true });
    r.migration = { from: '<b>old</b>', to: 'mqtt://"new"', bridged: true, cohorts: [] };
    const out = renderMigration(r);
    expect(out).toContain(
      'Devices moved from <code>&lt;b&gt;old&lt;/b&gt;</code> to <code>mqtt://&quot;new&quot;</code> in 0 cohort(s); the clusters were bridged.',
    );
    expect(out).toContain('<p class="muted">No cohort was cut over before the run ended.</p>');
    expect(out).not.toContain('<b>');
  });
});

describe('restarts and reconnects', () => {
  it('finds the restart dip: fell at 30 s from 2,000 to 420, back at 32 s, +900 in the fastest second', () => {
    expect(connectionDips(rehearsal)).toEqual([{ fromS: 30, toS: 32, before: 2000, lowest: 420, fastestRecoveryPerSec: 900 }]);
    // The ramp, the 3 stranded devices (0.15 %) and the drain are not dips.
    expect(connectionDips(plain)).toEqual([]);
  });

  it('counts the refused connects in the dip as failed attempts, the drops as something else', () => {
    expect(failedReconnectAttempts(rehearsal, connectionDips(rehearsal))).toEqual({
      total: 405,
      window: 'dips',
      byReason: [
        { reason: 'conn:closed-by-broker', count: 1580, attempt: false },
        { reason: 'tcp:ECONNREFUSED', count: 405, attempt: true },
      ],
    });
  });

  it('falls back to the steady state when no dip shows, and to the whole run without a timeline', () => {
    const flat = makeResult({ rehearsal: true });
    for (const p of flat.timeline) if (p.t >= 20) p.connected = 2000;
    expect(connectionDips(flat)).toEqual([]);
    const steady = failedReconnectAttempts(flat, []);
    expect([steady.window, steady.total]).toEqual(['steady', 405]);
    // The reset at 44 s falls in the steady state too; the refused first connects at 12–14 s do not.
    expect(steady.byReason.map((r) => `${r.reason}=${r.count}`)).toEqual([
      'conn:closed-by-broker=1580',
      'tcp:ECONNREFUSED=405',
      'tcp:ECONNRESET=3',
    ]);
    flat.timeline = [];
    const run = failedReconnectAttempts(flat, []);
    expect([run.window, run.total]).toEqual(['run', 425]);
    expect(renderReconnects(flat)).toContain('over the whole run, first connects included');
  });

  it('keeps a dip open to the end when the connections never came back', () => {
    const r = makeResult({ rehearsal: true });
    for (const p of r.timeline) if (p.t >= 30) p.connected = 420;
    expect(connectionDips(r)).toEqual([{ fromS: 30, toS: null, before: 2000, lowest: 420, fastestRecoveryPerSec: 0 }]);
    expect(renderReconnects(r)).toContain(
      '<tr class="row-fail"><td class="num">30 s</td><td class="num">not back by the end</td><td class="num">–</td><td class="num">2,000</td><td class="num">420</td><td class="num">–</td></tr>',
    );
  });

  it('tells attempt failures from lost connections by reason', () => {
    const table = [
      'tcp:ECONNREFUSED',
      'tcp:ETIMEDOUT',
      'connack:not-authorized',
      'conn:closed-before-connack',
      'tcp:ECONNRESET',
      'conn:closed-by-broker',
      'suback:refused',
    ];
    expect(table.map(isAttemptFailure)).toEqual([true, true, true, true, false, false, false]);
  });

  it('renders the figures, the dip and the errors of the window', () => {
    const html = renderReconnects(rehearsal);
    expect(html).toContain('<tr><th scope="row" class="nowrap">dropped connections</th><td class="num">2,180</td>');
    expect(html).toContain(
      '<tr><th scope="row" class="nowrap">reconnects</th><td class="num bad">2,177</td><td class="muted">3 dropped connection(s) not back by the end</td></tr>',
    );
    expect(html).toContain(
      '<tr><th scope="row" class="nowrap">reconnect gap p50 / p99</th><td class="num">837.6 ms / 2,265 ms</td><td class="muted">p90 1,992 ms · max 2,298 ms · 2,177 gaps, from losing a connection to CONNACK again</td></tr>',
    );
    expect(html).toContain(
      '<tr><th scope="row" class="nowrap">failed reconnect attempts</th><td class="num bad">405</td><td class="muted">refused or failed connects (tcp:ECONNREFUSED, connack:…) during the dip below</td></tr>',
    );
    expect(html).toContain(
      '<tbody><tr><td class="num">30 s</td><td class="num">32 s</td><td class="num">2 s</td><td class="num">2,000</td><td class="num">420</td><td class="num">+900/s</td></tr></tbody>',
    );
    expect(html).toContain('<tr><td><code>tcp:ECONNREFUSED</code></td><td class="num">405</td><td>failed attempt</td></tr>');
    expect(html).toContain('The dip shows on the connections chart above.');
  });
});

describe('commands with a reply', () => {
  it('shows sent, in time, late and no reply with shares, and the round trip, per sending group and in total', () => {
    const html = renderCommands(rehearsal);
    const cells =
      '<td class="num">760</td><td class="num">748 (98.42 %)</td><td class="num bad">7 (0.921 %)</td><td class="num bad">5 (0.658 %)</td><td class="num">44.13 ms</td><td class="num">174.2 ms</td><td class="num">3,381 ms</td></tr>';
    expect(html).toContain(`<tbody>\n<tr><th scope="row">backend</th>${cells}\n</tbody>`);
    expect(html).toContain(`<tfoot><tr class="total"><th scope="row">all groups</th>${cells}</tfoot>`);
  });

  it('escapes group names', () => {
    const r = makeResult({ rehearsal: true });
    r.groups['<i>app</i>'] = r.groups.backend!;
    expect(renderCommands(r)).toContain('<th scope="row">&lt;i&gt;app&lt;/i&gt;</th>');
  });
});

describe('key figures and header', () => {
  it('adds skipped sends and the generator schedule', () => {
    expect(keyFigures(rehearsal).slice(-2)).toEqual([
      { label: 'skipped sends', value: '1,152', detail: 'scheduled while the device was offline (churn, restart, migration)' },
      { label: 'generator schedule', value: '42 late', detail: '0.09 % of publishes > 10 ms behind · worst lag 23.4 ms', bad: false },
    ]);
    expect(keyFigures(rehearsal)[0]!.detail).toBe('of 4,602 attempted · 425 failed · counts include 2,177 reconnects');
  });

  it('flags a generator that fell behind (1 % of publishes or more late) and says "on time" otherwise', () => {
    const r = makeResult({ rehearsal: true });
    r.run.schedule = { late: 469, maxLagMs: 1250 };
    expect(keyFigures(r).at(-1)).toEqual({
      label: 'generator schedule',
      value: '469 late',
      detail: '1 % of publishes > 10 ms behind · worst lag 1,250 ms',
      bad: true,
    });
    r.run.schedule = { late: 0, maxLagMs: 4.2 };
    expect(keyFigures(r).at(-1)).toEqual({
      label: 'generator schedule',
      value: 'on time',
      detail: 'every publish within 10 ms of its time · worst lag 4.2 ms',
      bad: false,
    });
  });

  it('names the broker version and the generator host', () => {
    const html = renderHtmlReport(rehearsal);
    expect(html).toContain('<div><dt>broker version</dt><dd>mosquitto version 2.0.18</dd></div>');
    expect(html).toContain('<dd>0.1.0 on Node v20.20.2 (loadgen-1)</dd>');
  });
});

describe('cut-over markers', () => {
  it('marks each cohort on the connections chart and hands the markers to Chart.js', () => {
    const spec = shapeChart(rehearsal)!;
    expect(spec.markers).toEqual([
      { x: 22, label: 'C1' },
      { x: 26, label: 'C2' },
      { x: 36, label: 'C3' },
    ]);
    const config = toChartJsConfig(spec, 'sans') as { options: { plugins: { fleetstormBand: unknown } } };
    expect(config.options.plugins.fleetstormBand).toEqual({ from: 20, to: 58, label: 'steady state', markers: spec.markers });
  });

  it('puts the rehearsal sections right after the connections chart', () => {
    const html = renderHtmlReport(rehearsal);
    const at = (id: string) => html.indexOf(`id="${id}"`);
    expect(at('chart-shape-section')).toBeLessThan(at('migration'));
    expect(at('migration')).toBeLessThan(at('reconnects'));
    expect(at('reconnects')).toBeLessThan(at('commands'));
    expect(at('commands')).toBeLessThan(at('chart-throughput-section'));
  });
});

describe('self-contained with the rehearsal sections', () => {
  it('adds no reference outside the file and no script', () => {
    const html = renderHtmlReport(rehearsal);
    const ours = html.slice(0, html.indexOf('<script type="application/json"'));
    expect(/<(link|img|iframe|object|embed|script)\b/i.test(ours)).toBe(false);
    expect(/\b(href|src)=/i.test(ours)).toBe(false);
  });
});
