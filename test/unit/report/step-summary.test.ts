import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendStepSummary, mdCell, renderStepSummary } from '../../../src/report/step-summary.ts';
import { makeResult } from '../../fixtures/make-result.ts';

const dir = mkdtempSync(join(tmpdir(), 'fleetstorm-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('renderStepSummary', () => {
  const result = makeResult();

  it('leads with the verdict and tables the thresholds', () => {
    const md = renderStepSummary(result);
    const lines = md.split('\n');
    expect(lines[0]).toBe('## ❌ fleetstorm: fixture-smart-sensors — FAILED');
    expect(md).toContain('> ⚠️ **Incomplete**: load host(s) thread-1 were lost; their share of the figures is missing.');
    expect(result.summary.latencyMs.connect.p99).toBe(146.047);
    expect(md).toContain(
      [
        '| metric | expected | measured | result |',
        '| --- | --- | ---: | --- |',
        '| `connect.p99` | &lt; 500ms | 146 ms | ✅ pass |',
        '| `endToEnd.p99` | &lt; 100ms | 312.1 ms | ❌ **FAIL** |',
        '| `messages.lossRate` | &lt; 0.01 | 0.00025 (0.025 %) | ✅ pass |',
      ].join('\n'),
    );
    expect(md).toContain('| 2,000 / 2,020 | 2,000 | 990/s | 989.8/s | 312.1 ms | 146 ms | 12 (0.025 %) | 4 | 25 |');
    expect(md).toContain('- First errors at 12 s: connack:server-unavailable ×5.');
    expect(md).not.toContain('### Charts');
    expect(md).not.toContain('Interrupted');
  });

  it('names a generator-bound load host under what broke first', () => {
    const r = makeResult();
    expect(renderStepSummary(r)).not.toContain('generator-bound');
    const span = {
      seconds: 5,
      cpu: { avg: 0.97, max: 1 },
      rssMaxMb: 90,
      heapMaxMb: 20,
      eventLoopDelayMs: { p50: 2, p99: 20, max: 30 },
      gc: { count: 1, totalMs: 1, maxMs: 1 },
    };
    const series = { t: [], cpu: [], rssMb: [], heapMb: [], eldP50Ms: [], eldP99Ms: [], eldMaxMs: [], gcCount: [], gcMs: [], gcMaxMs: [] };
    r.health = [{ host: 'process-0', cpuSource: 'process', run: span, steady: span, series }];
    expect(renderStepSummary(r)).toContain(
      "- generator-bound: host process-0 CPU 0.97 core — latency figures include the generator's own stalls",
    );
  });

  it('marks the implicit connections.failed gate as implicit', () => {
    const r = makeResult();
    r.thresholds = [{ expr: 'connections.failed == 0', value: 20, ok: false, implicit: true }];
    expect(renderStepSummary(r)).toContain('| `connections.failed` (implicit) | == 0 | 20 | ❌ **FAIL** |');
  });

  it('links charts and shows the baseline comparison', () => {
    const md = renderStepSummary(result, {
      chartLinks: ['reports/run 1/throughput.png', 'https://ci.example/artifacts/latency.png'],
      compareRows: {
        ok: true,
        baseline: 'baselines/main.json',
        rows: [{ metric: 'endToEnd.p99', baseline: 300, current: 312.063, change: 0.04, ok: true }],
      },
    });
    expect(md).toContain(
      '### Charts\n\n- [throughput.png](reports/run%201/throughput.png)\n- [latency.png](https://ci.example/artifacts/latency.png)',
    );
    expect(md).toContain('### Baseline (baselines/main.json): no regression');
    expect(md).toContain('| `endToEnd.p99` | 300 ms | 312.1 ms | +4 % | ✅ |');
  });

  it('flags interrupted runs and keeps hostile names from breaking tables', () => {
    const md = renderStepSummary(makeResult({ interrupted: true, name: 'a|b<script>' }));
    expect(md.split('\n')[0]).toBe('## ❌ fleetstorm: a\\|b&lt;script&gt; — FAILED');
    expect(md).toContain('> ⚠️ **Interrupted run**');
    expect(mdCell('x|y\n[z](u) `c` *d*')).toBe('x\\|y \\[z\\](u) \\`c\\` \\*d\\*');
  });
});

describe('appendStepSummary', () => {
  it('appends to $GITHUB_STEP_SUMMARY and does nothing without it', () => {
    const file = join(dir, 'summary.md');
    writeFileSync(file, '# earlier step\n');
    expect(appendStepSummary('## one', { GITHUB_STEP_SUMMARY: file })).toBe(true);
    expect(appendStepSummary('## two\n', { GITHUB_STEP_SUMMARY: file })).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('# earlier step\n## one\n## two\n');
    expect(appendStepSummary('## three', {})).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('# earlier step\n## one\n## two\n');
  });
});
