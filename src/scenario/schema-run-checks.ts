// Rules that span sections (endpoints and migration against broker.urls and group names), and
// the scale factor applied to the groups.

import type { GroupSpec } from './types.ts';
import { isRecord } from './schema-broker.ts';
import type { CrossCheck } from './schema-check.ts';

/** scale multiplies counts (at least 1 client), totalRates and connectRates; per-client rates stay. */
export function applyScale(groups: GroupSpec[], scale: number): GroupSpec[] {
  if (scale === 1) return groups;
  return groups.map((g) => ({
    ...g,
    count: Math.max(1, Math.round(g.count * scale)),
    connectRate: g.connectRate * scale,
    publish: g.publish.map((p) => (p.totalRate !== undefined ? { ...p, totalRate: p.totalRate * scale } : p)),
  }));
}

export const checkRun: CrossCheck = (root, report) => {
  const broker = isRecord(root.broker) ? root.broker : {};
  const urls = Array.isArray(broker.urls) ? broker.urls.length : broker.url !== undefined ? 1 : 0;
  const groups = Array.isArray(root.groups) ? root.groups.filter(isRecord) : [];
  const names = groups.map((g) => g.name);
  groups.forEach((g, k) => {
    if (!Array.isArray(g.endpoints) || urls === 0) return;
    g.endpoints.forEach((e, j) => {
      if (typeof e === 'number' && e >= urls) report(['groups', k, 'endpoints', j], `broker.urls has ${urls} entr${urls === 1 ? 'y' : 'ies'}; index ${e} does not exist`);
    });
  });
  groups.forEach((g, k) => {
    if (!Array.isArray(g.commands)) return;
    g.commands.forEach((c, j) => {
      if (!isRecord(c)) return;
      if (typeof c.to === 'string' && !names.includes(c.to)) report(['groups', k, 'commands', j, 'to'], `no group named "${c.to}"`);
      const hasRate = c.rate !== undefined;
      const hasTotal = c.totalRate !== undefined;
      if (hasRate === hasTotal) report(['groups', k, 'commands', j], 'give either rate (per sender) or totalRate (for the group)');
    });
  });
  const m = root.migration;
  if (!isRecord(m)) return;
  const from = typeof m.from === 'number' ? m.from : 0;
  const to = typeof m.to === 'number' ? m.to : 1;
  if (urls < 2) report(['migration'], `needs a second endpoint: broker.urls must list the old and the new cluster (it has ${urls})`);
  else {
    if (from >= urls) report(['migration', 'from'], `broker.urls has no entry ${from}`);
    if (to >= urls) report(['migration', 'to'], `broker.urls has no entry ${to}`);
  }
  if (from === to) report(['migration', 'to'], 'must differ from migration.from');
  if (Array.isArray(m.groups)) {
    m.groups.forEach((n, j) => {
      if (typeof n === 'string' && !names.includes(n)) report(['migration', 'groups', j], `no group named "${n}"`);
    });
  }
  const cohort = typeof m.cohort === 'number' ? m.cohort : typeof m.cohort === 'string' ? Number.parseFloat(m.cohort) / 100 : 0.1;
  if (typeof m.cohorts === 'number' && cohort * m.cohorts > 1 + 1e-9) {
    report(['migration', 'cohorts'], `${m.cohorts} cohorts of ${Math.round(cohort * 1000) / 10} % add up to ${Math.round(cohort * m.cohorts * 1000) / 10} %, more than 100 %`);
  }
  if (cohort === 0) report(['migration', 'cohort'], 'must be more than 0 %');
};
