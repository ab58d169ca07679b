// "Restarts and reconnects": the reconnect storm after a broker restart, churn or a migration
// move — how many connections dropped, how fast they came back, which attempts failed on the way.
// Left out when no established connection was lost.

import type { Result } from '../../../result/types.ts';
import { escapeHtml } from '../escape.ts';
import { fmtInt, fmtMs } from '../format.ts';
import { connectionDips, failedReconnectAttempts, type ConnectionDip, type FailedAttempts } from '../reconnect-storm.ts';

/** Beyond this many dips (heavy churn) the table would only repeat itself. */
const MAX_DIPS_SHOWN = 8;

export function renderReconnects(result: Result): string {
  const c = result.summary.connections;
  const gap = result.summary.latencyMs.reconnect;
  const dropped = c.dropped ?? 0;
  const reconnects = c.reconnects ?? 0;
  if (dropped === 0 && reconnects === 0 && gap.count === 0) return '';
  const dips = connectionDips(result);
  const failed = failedReconnectAttempts(result, dips);
  const notBack = dropped - reconnects;
  const row = (label: string, value: string, detail: string, bad = false) =>
    `<tr><th scope="row" class="nowrap">${escapeHtml(label)}</th><td class="num${bad ? ' bad' : ''}">${escapeHtml(value)}</td><td class="muted">${escapeHtml(detail)}</td></tr>`;
  const rows = [
    row('dropped connections', fmtInt(dropped), 'established connections lost or closed by the plan (restart, churn, migration move)'),
    row(
      'reconnects',
      fmtInt(reconnects),
      notBack > 0 ? `${fmtInt(notBack)} dropped connection(s) not back by the end` : 'every dropped connection came back',
      notBack > 0,
    ),
    row(
      'reconnect gap p50 / p99',
      gap.count > 0 ? `${fmtMs(gap.p50)} / ${fmtMs(gap.p99)}` : '–',
      gap.count > 0
        ? `p90 ${fmtMs(gap.p90)} · max ${fmtMs(gap.max)} · ${fmtInt(gap.count)} gaps, from losing a connection to CONNACK again`
        : 'no gap measured',
    ),
    row('failed reconnect attempts', fmtInt(failed.total), windowText(failed, dips), failed.total > 0),
  ];
  return `<section id="reconnects" data-testid="reconnects"><h2>Restarts and reconnects</h2>
<p class="caption">Connections lost after they were established, and how they came back. ${dips.length > 0 ? 'The dip shows on the connections chart above.' : 'No dip of 1 % or more shows on the connections chart above (one sample per second).'}</p>
<div class="table-scroll"><table data-testid="reconnect-figures"><tbody>
${rows.join('\n')}
</tbody></table></div>
${renderDips(dips)}
${renderReasons(failed)}</section>`;
}

function windowText(failed: FailedAttempts, dips: ConnectionDip[]): string {
  const where =
    failed.window === 'dips'
      ? `during the ${dips.length === 1 ? 'dip' : `${dips.length} dips`} below`
      : failed.window === 'steady'
        ? 'after the ramp (no dip showed at one-second resolution)'
        : 'over the whole run, first connects included (no timeline or no steady state to tell them apart)';
  return `refused or failed connects (tcp:ECONNREFUSED, connack:…) ${where}`;
}

function renderDips(dips: ConnectionDip[]): string {
  if (dips.length === 0) return '';
  const rows = dips.slice(0, MAX_DIPS_SHOWN).map((d) => {
    const back = d.toS === null ? 'not back by the end' : `${d.toS} s`;
    // Per-second samples: the number of samples that saw the connections down.
    const below = d.toS === null ? '–' : `${d.toS - d.fromS} s`;
    return `<tr${d.toS === null ? ' class="row-fail"' : ''}><td class="num">${d.fromS} s</td><td class="num">${escapeHtml(back)}</td><td class="num">${below}</td><td class="num">${fmtInt(d.before)}</td><td class="num">${fmtInt(d.lowest)}</td><td class="num">${d.fastestRecoveryPerSec > 0 ? `+${fmtInt(d.fastestRecoveryPerSec)}/s` : '–'}</td></tr>`;
  });
  const more = dips.length > MAX_DIPS_SHOWN ? `<p class="muted">… and ${dips.length - MAX_DIPS_SHOWN} more dip(s).</p>` : '';
  return `<h3>Connection dips</h3>
<p class="caption">Seconds in which open connections fell by 1 % or more after the ramp, until they were back within 1 % of the level before (one sample per second). The fastest recovery is the net rise in one second, a floor for the reconnect rate.</p>
<div class="table-scroll"><table class="compact" data-testid="reconnect-dips"><thead><tr><th class="num">fell at</th><th class="num">back at</th><th class="num">seconds below</th><th class="num">open before</th><th class="num">fewest open</th><th class="num">fastest recovery</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>${more}`;
}

function renderReasons(failed: FailedAttempts): string {
  if (failed.byReason.length === 0) return '';
  const rows = failed.byReason.map(
    (r) =>
      `<tr><td><code>${escapeHtml(r.reason)}</code></td><td class="num">${fmtInt(r.count)}</td><td>${r.attempt ? 'failed attempt' : 'lost connection or other'}</td></tr>`,
  );
  return `<h3>Errors in that window</h3>
<div class="table-scroll"><table class="compact" data-testid="reconnect-errors"><thead><tr><th>reason</th><th class="num">count</th><th>counted as</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
}
