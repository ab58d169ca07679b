// The cross-check printed at the end of a run: what the broker counted beside what fleetstorm
// counted over the same span (monitor/cross-check.ts), so a gap between the two (messages the
// broker says it dropped, or never received) is visible without opening the report.

import type { Result } from '../result/types.ts';
import type { BrokerSide } from '../result/broker-side.ts';
import { crossCheck, type CrossRow } from './cross-check.ts';

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const RATE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const fmt = (n: number) => INT.format(n);

function value(row: CrossRow, which: 'broker' | 'fleetstorm'): string {
  const f = row.kind === 'rate' ? (n: number) => `${RATE.format(n)}/s` : fmt;
  if (which === 'broker') return row.broker === undefined ? '–' : f(row.broker);
  if (row.fleetstorm === undefined) return '–';
  return row.fleetstormHigh !== undefined && row.fleetstormHigh !== row.fleetstorm
    ? `${f(row.fleetstorm)}–${f(row.fleetstormHigh)}`
    : f(row.fleetstorm);
}

/**
 * e.g. `broker says: clients connected (peak) 2,000 (fleetstorm 2,000) · rate in (steady state)
 * 200/s (fleetstorm 200/s) · …`, then one line per figure that disagrees beyond what sampling
 * explains; null without a broker section.
 */
export function formatBrokerSummary(result: Pick<Result, 'broker' | 'summary' | 'timeline'>): string | null {
  const broker: BrokerSide | undefined = result.broker;
  if (!broker) return null;
  const errors = broker.sources.filter((s) => s.error).map((s) => `${s.kind} ${s.url}: ${s.error}`);
  const rows = crossCheck(result).filter((r) => r.broker !== undefined || r.note?.startsWith('not enough'));
  if (rows.length === 0) {
    return `broker says: nothing usable${errors.length ? ` (${errors.join('; ')})` : ' (no $SYS counters or known Prometheus series)'}`;
  }
  const parts = rows.map((r) =>
    r.broker === undefined ? `${r.label}: ${r.note}` : `${r.label} ${value(r, 'broker')} (fleetstorm ${value(r, 'fleetstorm')})`,
  );
  const lines = [`broker says: ${parts.join(' · ')}`];
  const monitors = broker.highlights.monitorClients;
  if (monitors) lines[0] += ` · ${monitors} monitor connection(s) not counted`;
  for (const r of rows.filter((x) => x.bad)) lines.push(`broker and fleetstorm disagree: ${r.label}${r.note ? ` (${r.note})` : ''}`);
  if (errors.length) lines.push(`broker monitor: ${errors.join('; ')}`);
  return lines.join('\n');
}
