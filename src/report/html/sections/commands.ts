// "Commands with a reply": commands sent to devices, how many were answered within their
// timeout, late or never, and the round trip. One row per sending group, then the total. Left out
// when no group sent commands.

import type { Result, Summary } from '../../../result/types.ts';
import { escapeHtml } from '../escape.ts';
import { fmtInt, fmtMs, fmtPercent } from '../format.ts';

type Commands = NonNullable<Summary['commands']>;

function share(n: number, of: number): string {
  return of > 0 ? ` (${fmtPercent(n / of)})` : '';
}

function row(name: string, cmd: Commands, rt: Summary['latencyMs']['commandRoundTrip'], total = false): string {
  const cells = [
    `<th scope="row">${escapeHtml(name)}</th>`,
    `<td class="num">${fmtInt(cmd.sent)}</td>`,
    `<td class="num">${fmtInt(cmd.replied)}${share(cmd.replied, cmd.sent)}</td>`,
    `<td class="num${cmd.late > 0 ? ' bad' : ''}">${fmtInt(cmd.late)}${share(cmd.late, cmd.sent)}</td>`,
    `<td class="num${cmd.noReply > 0 ? ' bad' : ''}">${fmtInt(cmd.noReply)}${share(cmd.noReply, cmd.sent)}</td>`,
    `<td class="num">${rt.count > 0 ? fmtMs(rt.p50) : '–'}</td>`,
    `<td class="num">${rt.count > 0 ? fmtMs(rt.p99) : '–'}</td>`,
    `<td class="num">${rt.count > 0 ? fmtMs(rt.max) : '–'}</td>`,
  ];
  return `<tr${total ? ' class="total"' : ''}>${cells.join('')}</tr>`;
}

export function renderCommands(result: Result): string {
  const total = result.summary.commands;
  if (!total) return '';
  const senders = Object.entries(result.groups).filter(([, s]) => s.commands !== undefined && s.commands.sent > 0);
  const body = senders.map(([name, s]) => row(name, s.commands!, s.latencyMs.commandRoundTrip)).join('\n');
  return `<section id="commands" data-testid="commands"><h2>Commands with a reply</h2>
<p class="caption">Commands sent to devices and the replies that came back. In time: replied within the command's timeout; late: replied after it; no reply: never answered before the run ended. The round trip runs from the command's scheduled send time to its reply, late replies included.</p>
<div class="table-scroll"><table data-testid="commands-table"><thead><tr><th>sending group</th><th class="num">sent</th><th class="num">replied in time</th><th class="num">late</th><th class="num">no reply</th><th class="num">round trip p50</th><th class="num">p99</th><th class="num">max</th></tr></thead>
<tbody>
${body}
</tbody>
<tfoot>${row('all groups', total, result.summary.latencyMs.commandRoundTrip, true)}</tfoot></table></div></section>`;
}
