// Leaf validators for scenario fields. Each leaf parses one YAML value into its normalised form
// with a message a user can act on, and carries the JSON Schema an editor shows for it. Zod
// supplies the structure around them (strict objects, lists, defaults, paths).

import { z } from 'zod';
import { expandAddress } from './addresses.ts';
import { parseBrokerUrl } from './broker-url.ts';
import { checkTemplate, compileTemplate, type PlaceholderName } from './template.ts';
import { checkTopicFilter, checkTopicName } from './topics.ts';
import { DURATION_PATTERN, RATE_PATTERN, describeValue, parseDuration, parseRate, parseSize, type Parsed } from './units.ts';

export { DEFAULT_PORTS, parseBrokerUrl } from './broker-url.ts';

type JsonMeta = Record<string, unknown> & { description?: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (message: string): Parsed<never> => ({ ok: false, message });

/** A field validated by `parse`; missing means "is required" unless wrapped in optional/prefault. */
export function leaf<T>(parse: (value: unknown) => Parsed<T>, json: JsonMeta) {
  return z
    .unknown()
    .transform((value, ctx): T => {
      const result: Parsed<T> = value === undefined ? fail('is required') : parse(value);
      if (result.ok) return result.value;
      ctx.addIssue({ code: 'custom', message: result.message });
      return z.NEVER;
    })
    .meta(json);
}

/** The message for a wrong container type; a missing one is "is required". */
const containerError = (message: string) => (issue: { code: string; input?: unknown }) =>
  issue.code === 'invalid_type' ? (issue.input === undefined ? 'is required' : `${message}, got ${describeValue(issue.input)}`) : undefined;

/** A YAML mapping where every key is known; unknown keys are reported one by one. */
export function section<S extends z.core.$ZodLooseShape>(shape: S, description?: string, json: JsonMeta = {}) {
  return z.strictObject(shape, { error: containerError('must be a mapping (key: value)') }).meta({ description, ...json });
}

export function list<T extends z.ZodType>(item: T, opts: { min?: number; description?: string } = {}) {
  const base = z.array(item, { error: containerError('must be a list') });
  const sized = opts.min ? base.min(opts.min, { error: `must have at least ${opts.min} entr${opts.min === 1 ? 'y' : 'ies'}` }) : base;
  return sized.meta({ description: opts.description });
}

/** A mapping from free-form keys to `value` (thresholds: metric path → expression). */
export function map<T extends z.ZodType>(value: T, description?: string) {
  return z.record(z.string(), value, { error: containerError('must be a mapping (key: value)') }).meta({ description });
}

export const text = (description?: string) =>
  leaf((v) => (typeof v === 'string' ? ok(v) : fail(`must be a string, got ${describeValue(v)}`)), { type: 'string', description });

export const bool = (description?: string) =>
  leaf((v) => (typeof v === 'boolean' ? ok(v) : fail(`must be true or false, got ${describeValue(v)}`)), { type: 'boolean', description });

export function integer(min: number, max: number, description?: string) {
  const message = min === 1 && max === Number.MAX_SAFE_INTEGER ? 'must be a positive integer' : `must be an integer from ${min} to ${max}`;
  return leaf(
    (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? ok(v) : fail(`${message}, got ${describeValue(v)}`)),
    {
      type: 'integer',
      minimum: min,
      maximum: max === Number.MAX_SAFE_INTEGER ? undefined : max,
      description,
    },
  );
}

export function oneOf<const T extends readonly (string | number)[]>(values: T, message: string, description?: string) {
  return leaf((v) => (values.includes(v as T[number]) ? ok(v as T[number]) : fail(`${message}, got ${describeValue(v)}`)), {
    enum: [...values],
    description,
  });
}

export const qos = (description = 'QoS level') => oneOf([0, 1, 2] as const, 'must be 0, 1 or 2', description);

export const NAME_PATTERN = '^[a-z0-9-]+$';
export const name = (description: string) =>
  leaf(
    (v) =>
      typeof v === 'string' && new RegExp(NAME_PATTERN).test(v) ? ok(v) : fail(`must use only a-z, 0-9 and "-", got ${describeValue(v)}`),
    { type: 'string', pattern: NAME_PATTERN, description },
  );

export interface DurationLimits {
  min?: number;
  max?: number;
  /** MQTT carries keepalive and session expiry in whole seconds. */
  wholeSeconds?: boolean;
}

export function duration(limits: DurationLimits, description: string) {
  const { min = 0, max = Number.MAX_SAFE_INTEGER, wholeSeconds = false } = limits;
  return leaf(
    (v) => {
      const parsed = parseDuration(v);
      if (!parsed.ok) return parsed;
      const ms = parsed.value;
      if (wholeSeconds && ms % 1000 !== 0) return fail(`must be whole seconds, got ${describeValue(v)}`);
      if (ms < min) return fail(`must be at least ${min}ms, got ${describeValue(v)}`);
      if (ms > max) return fail(`must be at most ${max / 1000}s, got ${describeValue(v)}`);
      return parsed;
    },
    { anyOf: [{ type: 'string', pattern: DURATION_PATTERN }, { const: 0 }], description: `${description} (e.g. 500ms, 60s, 5m, 1h)` },
  );
}

export const rate = (description: string) =>
  leaf(parseRate, { type: 'string', pattern: RATE_PATTERN, description: `${description} (e.g. 100/s, 30/m, 0.2/s)` });

export const size = (max: number, description: string) =>
  leaf((v) => parseSize(v, max), { type: 'integer', minimum: 0, maximum: max, description });

/**
 * A template string; `allowed` lists its placeholders. `extra` checks a sample expansion, which is
 * how topic rules apply to `home/{i}/state` without knowing every client's values.
 */
export function template(allowed: readonly PlaceholderName[], description: string, extra?: (sample: string) => string | undefined) {
  return leaf(
    (v) => {
      if (typeof v !== 'string') return fail(`must be a string, got ${describeValue(v)}`);
      const problem = checkTemplate(v, allowed);
      if (problem) return fail(problem);
      const sample = compileTemplate(v)({ i: 0, group: 'g', clientId: 'c', seed: 1 });
      const extraProblem = extra?.(sample);
      return extraProblem ? fail(extraProblem) : ok(v);
    },
    { type: 'string', description },
  );
}

export const topicName = (allowed: readonly PlaceholderName[], description: string) => template(allowed, description, checkTopicName);
export const topicFilter = (allowed: readonly PlaceholderName[], description: string) => template(allowed, description, checkTopicFilter);

export const brokerUrl = (description: string) => leaf(parseBrokerUrl, { type: 'string', pattern: '^(mqtts?|wss?)://', description });

/** One `sourceAddresses` entry, already expanded. */
export const addressRange = (description: string) =>
  leaf((v) => (typeof v === 'string' ? expandAddress(v) : fail(`must be an IPv4 address or range, got ${describeValue(v)}`)), {
    type: 'string',
    pattern: '^\\d+\\.\\d+\\.\\d+\\.\\d+(\\s*-\\s*\\d+\\.\\d+\\.\\d+\\.\\d+)?$',
    description,
  });

/** Reads a raw value through a leaf without reporting; cross-field checks use it. */
export function peek<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

/** A number in [min, max] (e.g. a multiplier). */
export function number(min: number, max: number, description: string) {
  return leaf(
    (v) =>
      typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
        ? ok(v)
        : fail(`must be a number from ${min} to ${max}, got ${describeValue(v)}`),
    { type: 'number', minimum: min, maximum: max, description },
  );
}

/** A share: `10%` or a fraction 0.1 → 0.1. */
export function fraction(description: string) {
  return leaf(
    (v) => {
      const n = typeof v === 'string' && /^\s*\d+(\.\d+)?\s*%\s*$/.test(v) ? Number.parseFloat(v) / 100 : v;
      return typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 1
        ? ok(n)
        : fail(`must be a share like 10% or 0.1 (0 to 100 %), got ${describeValue(v)}`);
    },
    {
      anyOf: [
        { type: 'string', pattern: '^\\d+(\\.\\d+)?%$' },
        { type: 'number', minimum: 0, maximum: 1 },
      ],
      description,
    },
  );
}

/** An http:// or https:// URL (e.g. a Prometheus endpoint). */
export const httpUrl = (description: string) =>
  leaf(
    (v) => {
      if (typeof v !== 'string') return fail(`must be an http:// or https:// URL, got ${describeValue(v)}`);
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:'
          ? ok(v)
          : fail(`must be an http:// or https:// URL, got ${describeValue(v)}`);
      } catch {
        return fail(`must be an http:// or https:// URL, got ${describeValue(v)}`);
      }
    },
    { type: 'string', format: 'uri', description },
  );
