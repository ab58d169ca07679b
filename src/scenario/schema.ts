// The scenario file's schema: the top-level fields plus one section module per block
// (schema-broker, schema-group, schema-streams). Adding a section means writing its module
// (a `section({...})` and, if a rule spans fields, a CrossCheck) and adding one line to each list
// below.

import type { Scenario, ValidationIssue } from './types.ts';
import { duration, integer, leaf, map, name, oneOf, section, text } from './fields.ts';
import { describeValue } from './units.ts';
import { orderIssues } from './issues.ts';
import { checkDepth } from './nesting.ts';
import { brokerSection, checkBroker, isRecord } from './schema-broker.ts';
import type { CrossCheck, IssuePath } from './schema-check.ts';
import { checkGroups, groupsSection } from './schema-group.ts';
import { applyScale, checkRun, checkThresholds } from './schema-run-checks.ts';
import { capacitySection, migrationSection, monitorSection, scaleField, stagesSection } from './schema-run.ts';

type ThresholdValue = string | { expr: string; abortOnFail?: boolean; abortGrace?: string };

/** `"< 500ms"`, or `{ expr: "< 500ms", abortOnFail: true, abortGrace: "10s" }` (expression and grace are parsed by gate/). */
const thresholdValue = leaf<ThresholdValue>(
  (v) => {
    if (typeof v === 'string') return { ok: true, value: v };
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const { expr, abortOnFail, abortGrace, ...rest } = v as Record<string, unknown>;
      const unknown = Object.keys(rest);
      if (unknown.length) return { ok: false, message: `unknown key "${unknown[0]}" (use expr, abortOnFail and abortGrace)` };
      if (typeof expr !== 'string') return { ok: false, message: `expr must be a string, got ${describeValue(expr)}` };
      if (abortOnFail !== undefined && typeof abortOnFail !== 'boolean')
        return { ok: false, message: `abortOnFail must be true or false, got ${describeValue(abortOnFail)}` };
      if (abortGrace !== undefined && typeof abortGrace !== 'string')
        return { ok: false, message: `abortGrace must be a duration such as "10s", got ${describeValue(abortGrace)}` };
      return {
        ok: true,
        value: { expr, ...(abortOnFail === undefined ? {} : { abortOnFail }), ...(abortGrace === undefined ? {} : { abortGrace }) },
      };
    }
    return { ok: false, message: `must be a string, got ${describeValue(v)}` };
  },
  {
    description: 'expression, e.g. "< 500ms", or { expr, abortOnFail, abortGrace }',
    oneOf: [
      { type: 'string' },
      {
        type: 'object',
        properties: { expr: { type: 'string' }, abortOnFail: { type: 'boolean' }, abortGrace: { type: 'string' } },
        required: ['expr'],
        additionalProperties: false,
      },
    ],
  },
);

export const scenarioSchema = section(
  {
    schema: oneOf([1] as const, 'must be 1 (the scenario format this fleetstorm reads)', 'scenario format version'),
    name: name('scenario name, [a-z0-9-]+; names the result folder'),
    description: text('what this scenario models').optional(),
    seed: integer(0, 4_294_967_295, 'seed for every random choice (reproducible runs)').prefault(1),
    duration: duration({}, 'steady-state time after every group has connected (with stages: their sum)').prefault('60s'),
    drain: duration({}, 'grace time after publishing stops before in-flight messages count as lost').prefault('3s'),
    scale: scaleField.prefault(1),
    broker: brokerSection.prefault({}),
    groups: groupsSection,
    monitor: monitorSection.prefault({}),
    capacity: capacitySection.optional(),
    migration: migrationSection.optional(),
    stages: stagesSection.optional(),
    metricsPort: integer(
      0,
      65535,
      'serve Prometheus /metrics on this port while running (0 = any free port; --metrics-port wins)',
    ).optional(),
    thresholds: map(
      thresholdValue,
      'gates: metric path → expression, e.g. connect.p99: "< 500ms", or { expr, abortOnFail, abortGrace }',
    ).prefault({}),
  },
  'fleetstorm scenario (schema 1)',
).transform((s): Scenario => ({
  schema: s.schema,
  name: s.name,
  ...(s.description !== undefined ? { description: s.description } : {}),
  seed: s.seed,
  durationMs: s.stages ? s.stages.reduce((ms, st) => ms + st.durationMs, 0) : s.duration,
  drainMs: s.drain,
  broker: s.broker,
  groups: applyScale(s.groups, s.scale),
  scale: s.scale,
  monitor: s.monitor,
  ...(s.capacity ? { capacity: s.capacity } : {}),
  ...(s.migration ? { migration: s.migration } : {}),
  ...(s.stages ? { stages: s.stages } : {}),
  thresholds: s.thresholds,
  ...(s.metricsPort !== undefined ? { metricsPort: s.metricsPort } : {}),
}));

const crossChecks: CrossCheck[] = [checkBroker, checkGroups, checkRun, checkThresholds];

/** YAML `key:` with nothing after it means "not given", so defaults apply (and `--set key=` unsets). */
export function dropNullKeys(value: unknown, depth = 0): unknown {
  checkDepth(depth);
  if (Array.isArray(value)) return value.map((item) => dropNullKeys(item, depth + 1));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = dropNullKeys(item, depth + 1);
  return out;
}

/** Validates a parsed (and env-resolved) scenario; reports every problem at once. */
export function validateScenarioObject(input: unknown): { scenario?: Scenario; issues: ValidationIssue[] } {
  const raw = dropNullKeys(input);
  const found: { path: IssuePath; message: string }[] = [];
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path as IssuePath;
      if (issue.code === 'unrecognized_keys') for (const key of issue.keys) found.push({ path: [...path, key], message: 'unknown key' });
      else found.push({ path, message: issue.message });
    }
  }
  if (isRecord(raw)) for (const check of crossChecks) check(raw, (path, message) => found.push({ path, message }));
  const issues = orderIssues(raw, found);
  return issues.length === 0 && result.success ? { scenario: result.data, issues } : { issues };
}
