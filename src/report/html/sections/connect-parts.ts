// "Where connect time goes": TCP connect, TLS handshake, WebSocket upgrade and CONNACK, each
// attempt's parts adding up to its connect time. A table (p50, p99, max per part) with a bar of
// the mean parts side by side, below the connections chart. Left out when no part was measured.

import { CONNECT_PARTS, type ConnectPart, type Result } from '../../../result/types.ts';
import { escapeHtml } from '../escape.ts';
import { fmtInt, fmtMs } from '../format.ts';

const LABELS: Record<ConnectPart, string> = {
  tcp: 'TCP connect',
  tls: 'TLS handshake',
  wsUpgrade: 'WebSocket upgrade',
  connack: 'CONNECT → CONNACK',
};

const COLOURS: Record<ConnectPart, string> = { tcp: '#4e79a7', tls: '#59a14f', wsUpgrade: '#edc948', connack: '#f28e2b' };

export function renderConnectParts(result: Result): string {
  const parts = result.summary.latencyMs.connectParts;
  if (!parts) return '';
  const used = CONNECT_PARTS.filter((name) => (parts[name]?.count ?? 0) > 0);
  if (used.length === 0) return '';
  const meanTotal = used.reduce((sum, name) => sum + parts[name]!.mean, 0);
  const bar = used
    .map((name) => {
      const share = meanTotal > 0 ? (parts[name]!.mean / meanTotal) * 100 : 0;
      return `<span title="${escapeHtml(`${LABELS[name]}: mean ${fmtMs(parts[name]!.mean)}`)}" style="display:inline-block;height:100%;width:${share.toFixed(2)}%;background:${COLOURS[name]}"></span>`;
    })
    .join('');
  const rows = used
    .map((name) => {
      const l = parts[name]!;
      const share = meanTotal > 0 ? `${Math.round((l.mean / meanTotal) * 100)} %` : '–';
      return `<tr><th scope="row"><span style="display:inline-block;width:0.8em;height:0.8em;background:${COLOURS[name]}"></span> ${escapeHtml(LABELS[name])}</th><td class="num">${fmtMs(l.p50)}</td><td class="num">${fmtMs(l.p99)}</td><td class="num">${fmtMs(l.max)}</td><td class="num">${fmtMs(l.mean)}</td><td class="num">${share}</td><td class="num">${fmtInt(l.count)}</td></tr>`;
    })
    .join('\n');
  const total = result.summary.latencyMs.connect;
  return `<h3>Where connect time goes</h3>
<div class="connect-parts-bar" role="img" aria-label="share of mean connect time by part" style="display:flex;height:1.2em;width:100%;max-width:40em;margin:0.4em 0">${bar}</div>
<table class="compact" data-testid="connect-parts"><thead><tr><th>part</th><th class="num">p50</th><th class="num">p99</th><th class="num">max</th><th class="num">mean</th><th class="num">share of mean</th><th class="num">attempts</th></tr></thead><tbody>
${rows}
</tbody><tfoot><tr><th scope="row">connect (total)</th><td class="num">${fmtMs(total.p50)}</td><td class="num">${fmtMs(total.p99)}</td><td class="num">${fmtMs(total.max)}</td><td class="num">${fmtMs(total.mean)}</td><td class="num">100 %</td><td class="num">${fmtInt(total.count)}</td></tr></tfoot></table>
<p class="muted">Each successful attempt, from CONNECT queued to CONNACK, split at the socket's connect, the TLS handshake and the WebSocket upgrade; means add up to the total's mean, percentiles of parts do not add.</p>`;
}
