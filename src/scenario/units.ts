// Unit parsing for scenario values. Everything downstream works in milliseconds, events per
// second and bytes, so the strings users write (`60s`, `0.2/s`) are turned into numbers here once.

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (message: string): Parsed<never> => ({ ok: false, message });

const MS_PER_UNIT = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const PER_SECOND = { s: 1, m: 1 / 60, h: 1 / 3_600 } as const;

/** Exported for the JSON Schema, so editors flag the same strings the loader rejects. */
export const DURATION_PATTERN = '^\\d+(\\.\\d+)?(ms|s|m|h)$';
export const RATE_PATTERN = '^\\d+(\\.\\d+)?/(s|m|h)$';

const DURATION_RE = new RegExp(DURATION_PATTERN);
const RATE_RE = new RegExp(RATE_PATTERN);

/** Quote what the user wrote, kept short so one issue stays one line. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * `500ms`, `60s`, `1.5m`, `1h` → milliseconds. A bare number is ambiguous (seconds? ms?) and is
 * refused, except `0`, which means the same in every unit.
 */
export function parseDuration(value: unknown): Parsed<number> {
  if (value === 0) return ok(0);
  if (typeof value !== 'string' || !DURATION_RE.test(value.trim())) {
    const hint = typeof value === 'number' ? ` (add a unit: ${value}ms or ${value}s?)` : '';
    return fail(`must be a duration like 500ms, 60s, 5m or 1h, got ${describeValue(value)}${hint}`);
  }
  const [, amount, unit] = /^([\d.]+)(ms|s|m|h)$/.exec(value.trim())!;
  return ok(Number(amount) * MS_PER_UNIT[unit as keyof typeof MS_PER_UNIT]);
}

/** `100/s`, `30/m`, `2/h`, `0.2/s` → events per second; must be above zero. */
export function parseRate(value: unknown): Parsed<number> {
  const text = typeof value === 'string' ? value.replace(/\s+/g, '') : undefined;
  if (text === undefined || !RATE_RE.test(text)) {
    const hint = typeof value === 'number' ? ` (add a unit: ${value}/s?)` : '';
    return fail(`must be a rate like 100/s, 30/m or 2/h, got ${describeValue(value)}${hint}`);
  }
  const [amount, unit] = text.split('/');
  const perSecond = Number(amount) * PER_SECOND[unit as keyof typeof PER_SECOND];
  if (!(perSecond > 0)) return fail(`must be above zero, got ${describeValue(value)}`);
  return ok(perSecond);
}

/** A byte count written as a plain integer. */
export function parseSize(value: unknown, max = Number.MAX_SAFE_INTEGER): Parsed<number> {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    return fail(`must be a whole number of bytes from 0 to ${max}, got ${describeValue(value)}`);
  }
  return ok(value);
}
