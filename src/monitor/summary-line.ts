// The cross-check printed at the end of a run: what the broker counted beside what fleetstorm
// counted, so a gap between the two (messages fleetstorm lost that the broker says it dropped,
// or never received) is visible without opening the report.

import type { Result } from '../result/types.ts';
import type { BrokerSide } from '../result/broker-side.ts';

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const fmt = (n: number) => INT.format(n);

/** One line, e.g. `broker says: 2,001 clients connected (incl. 1 monitor), 40,000 msgs received, 0 dropped`; null without a broker section. */
export function formatBrokerSummary(result: Pick<Result, 'broker' | 'summary'>): string | null {
  const broker: BrokerSide | undefined = result.broker;
  if (!broker) return null;
  const h = broker.highlights;
  const parts: string[] = [];
  if (h.connected !== undefined) {
    parts.push(`${fmt(h.connected)} clients connected${h.monitorClients ? ` (incl. ${h.monitorClients} monitor)` : ''}`);
  }
  if (h.messagesReceived !== undefined) parts.push(`${fmt(h.messagesReceived)} msgs received`);
  if (h.dropped !== undefined) parts.push(`${fmt(h.dropped)} dropped`);
  if (h.cpu !== undefined) parts.push(`${h.cpu.toFixed(2)} CPU cores`);
  const errors = broker.sources.filter((s) => s.error).map((s) => `${s.kind} ${s.url}: ${s.error}`);
  if (parts.length === 0) {
    return `broker says: nothing usable${errors.length ? ` (${errors.join('; ')})` : ' (no $SYS counters or known Prometheus series)'}`;
  }
  const m = result.summary.messages;
  let line = `broker says: ${parts.join(', ')} · fleetstorm: ${fmt(result.summary.connections.peakConcurrent)} peak connected, ${fmt(m.published)} published, ${fmt(m.lost)} lost`;
  if (errors.length) line += `\nbroker monitor: ${errors.join('; ')}`;
  return line;
}
