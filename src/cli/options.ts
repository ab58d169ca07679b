// Command-line options as data: each one's flags, help, default and value type with its range.
// One table feeds both commander (parsing, help) and the defaults the commands receive, so a
// default is written once and shown once, and a bad value names its option (exit 2).

import { Option, type Command } from 'commander';
import { UsageError } from '../errors.ts';
import { parseTolerance } from '../gate/compare.ts';
import { parseBrokerUrl } from '../scenario/broker-url.ts';
import { parseDuration } from '../scenario/units.ts';

/** Parses one occurrence; `previous` is the value so far (repeatable options collect). */
export type ParseValue = (text: string, previous: unknown, option: string) => unknown;

export interface OptionSpec {
  flags: string;
  help: string;
  parse?: ParseValue;
  /** Shown once in help as `(default: text)`; `value`, when given, is what the command receives. */
  default?: { text: string; value?: unknown };
}

const bad = (option: string, expected: string, text: string) => new UsageError(`${option}: ${expected}, got ${JSON.stringify(text)}`);

export const whole =
  (min: number, max: number): ParseValue =>
  (text, _previous, option) => {
    const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw bad(option, `must be a whole number from ${min} to ${max}`, text);
    return n;
  };

/** A duration like 30s, in milliseconds. */
export const durationMs =
  (minMs = 0): ParseValue =>
  (text, _previous, option) => {
    const parsed = parseDuration(text);
    if (!parsed.ok) throw bad(option, 'must be a duration like 500ms, 30s, 5m or 1h', text);
    if (parsed.value < minMs) throw bad(option, `must be at least ${minMs / 1000}s`, text);
    if (parsed.value > 365 * 24 * 3_600_000) throw bad(option, 'must be at most a year', text);
    return parsed.value;
  };

/** A duration checked like durationMs but kept as written (it becomes a scenario override). */
export const durationText: ParseValue = (text, previous, option) => {
  durationMs()(text, previous, option);
  return text.trim();
};

const appended = (previous: unknown, value: unknown) => [...((previous as unknown[] | undefined) ?? []), value];

export const repeatable: ParseValue = (text, previous) => appended(previous, text);

export const brokerUrls: ParseValue = (text, previous, option) => {
  const parsed = parseBrokerUrl(text);
  if (!parsed.ok) throw new UsageError(`${option}: ${parsed.message}`);
  return appended(previous, text);
};

/** `path=value`, repeatable; the path itself is checked when the scenario loads. */
export const assignments =
  (example: string, check?: (value: string, option: string) => void): ParseValue =>
  (text, previous, option) => {
    const eq = text.indexOf('=');
    if (eq <= 0) throw bad(option, `takes name=value, e.g. ${example}`, text);
    check?.(text.slice(eq + 1), option);
    return appended(previous, text);
  };

export const tolerance = assignments('endToEnd.p99=+15%', (value, option) => {
  try {
    parseTolerance(value);
  } catch (err) {
    throw new UsageError(`${option}: ${(err as Error).message}`);
  }
});

/** `host:port`, `[v6]:port` or `mqtts://host:port`, port 0..65535; kept as written. */
export const listenAddress: ParseValue = (text, _previous, option) => {
  const m = /^(?:mqtts?:\/\/)?(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text.trim());
  if (!m || Number(m[1]) > 65535) throw bad(option, 'must be host:port (or mqtts://host:port), e.g. 127.0.0.1:1884', text);
  return text.trim();
};

/** Adds the options to a command; parse errors name the option. */
export function addOptions(command: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) {
    const help = spec.default ? `${spec.help} (default: ${spec.default.text})` : spec.help;
    const option = new Option(spec.flags, help);
    const parse = spec.parse;
    if (parse) option.argParser((text: string, previous: unknown) => parse(text, previous, option.long ?? option.flags));
    command.addOption(option);
  }
  return command;
}

/** The parsed flags with every table default filled in where the option was not given. */
export function withDefaults<T extends object>(flags: T, specs: readonly OptionSpec[]): T {
  const out = { ...flags } as Record<string, unknown>;
  for (const spec of specs) {
    if (spec.default?.value === undefined) continue;
    const key = new Option(spec.flags).attributeName();
    out[key] ??= spec.default.value;
  }
  return out as T;
}
