// Rules that span sections (endpoints and migration against broker.urls and group names, stages
// against duration), and the scale factor applied to the groups.

import type { GroupSpec } from './types.ts';
import { parseDuration } from './units.ts';
import { isRecord, rawProtocol } from './schema-broker.ts';
import type { CrossCheck } from './schema-check.ts';
import { parseThresholds } from '../gate/threshold.ts';

/** scale multiplies counts (at least 1 client), totalRates and connectRates; per-client rates stay. */
export function applyScale(groups: GroupSpec[], scale: number): GroupSpec[] {
  if (scale === 1) return groups;
  return groups.map((g) => ({
    ...g,
    count: Math.max(1, Math.round(g.count * scale)),
    connectRate: g.connectRate * scale,
    publish: g.publish.map((p) => (p.totalRate !== undefined ? { ...p, totalRate: p.totalRate * scale } : p)),
    commands: (g.commands ?? []).map((c) => (c.totalRate !== undefined ? { ...c, totalRate: c.totalRate * scale } : c)),
  }));
}

/** Threshold expressions are parsed with the rest, so a typo there is reported in the same pass. */
export const checkThresholds: CrossCheck = (root, report) => {
  if (!isRecord(root.thresholds)) return;
  const groups = Array.isArray(root.groups) ? root.groups.filter(isRecord).map((g) => String(g.name)) : [];
  // Values of the wrong type are the schema's to report; here only the expressions are read.
  const readable = Object.fromEntries(
    Object.entries(root.thresholds).filter(([, v]) => typeof v === 'string' || (isRecord(v) && typeof v.expr === 'string')),
  );
  for (const issue of parseThresholds(readable, groups).issues) {
    const key = issue.path.slice('thresholds'.length);
    report(['thresholds', key], issue.message);
  }
};

export const checkRun: CrossCheck = (root, report) => {
  checkStages(root, report);
  const broker = isRecord(root.broker) ? root.broker : {};
  const urls = Array.isArray(broker.urls) ? broker.urls.length : broker.url !== undefined ? 1 : 0;
  const groups = Array.isArray(root.groups) ? root.groups.filter(isRecord) : [];
  const names = groups.map((g) => g.name);
  groups.forEach((g, k) => {
    if (!Array.isArray(g.endpoints) || urls === 0) return;
    g.endpoints.forEach((e, j) => {
      if (typeof e === 'number' && e >= urls)
        report(['groups', k, 'endpoints', j], `broker.urls has ${urls} entr${urls === 1 ? 'y' : 'ies'}; index ${e} does not exist`);
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
      if (c.responseTopic !== undefined && rawProtocol(root) !== 5)
        report(
          ['groups', k, 'commands', j, 'responseTopic'],
          `needs broker.protocol 5 (it is ${rawProtocol(root)}): request/response is MQTT 5`,
        );
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
    report(
      ['migration', 'cohorts'],
      `${m.cohorts} cohorts of ${Math.round(cohort * 1000) / 10} % add up to ${Math.round(cohort * m.cohorts * 1000) / 10} %, more than 100 %`,
    );
  }
  if (cohort === 0) report(['migration', 'cohort'], 'must be more than 0 %');
};

const fmtMs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** Stages replace duration; an `at` must start where the stage before it ends (no overlap, no gap, never backwards). */
const checkStages: CrossCheck = (root, report) => {
  if (!Array.isArray(root.stages)) return;
  if (root.duration !== undefined)
    report(['duration'], 'leave out duration when stages are given: the steady state lasts as long as the stages together');
  let end = 0;
  let prevAt = 0;
  root.stages.forEach((st, k) => {
    if (!isRecord(st)) return;
    const at = st.at !== undefined ? parseDuration(st.at) : null;
    if (at?.ok) {
      if (k === 0 && at.value !== 0) report(['stages', 0, 'at'], `the first stage starts with steady state, at 0s, not ${fmtMs(at.value)}`);
      else if (k > 0 && at.value < prevAt)
        report(['stages', k, 'at'], `goes backwards: ${fmtMs(at.value)} is before stages[${k - 1}], which starts at ${fmtMs(prevAt)}`);
      else if (at.value < end) report(['stages', k, 'at'], `overlaps stages[${k - 1}], which runs until ${fmtMs(end)}`);
      else if (at.value > end)
        report(
          ['stages', k, 'at'],
          `leaves a gap after stages[${k - 1}], which ends at ${fmtMs(end)}; stages follow each other (leave out at)`,
        );
    }
    prevAt = at?.ok ? at.value : end;
    const d = parseDuration(st.duration);
    end = prevAt + (d.ok ? d.value : 0);
  });
};
