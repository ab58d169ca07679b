// The benchmark's options: one table feeds both the parser and the usage text.

export interface BenchOptions {
  n: number;
  concurrency: number;
  messages: number;
  rate: number;
  publishers: number;
  json: boolean;
  profile: boolean;
  websocket: boolean;
  /** Comma-separated cases to run (default: all). */
  only: string;
  tailRate: number;
  tailSeconds: number;
}

/** The bench's cases, for --only. */
export const CASES = ['memory', 'connect', 'qos1', 'e2e-tail', 'websocket'] as const;

interface OptionSpec {
  name: keyof BenchOptions;
  kind: 'number' | 'flag' | 'text';
  fallback: number | boolean | string;
  help: string;
}

const OPTIONS: OptionSpec[] = [
  { name: 'n', kind: 'number', fallback: 5000, help: 'connections for the idle-memory and connect-CPU measurements' },
  { name: 'concurrency', kind: 'number', fallback: 100, help: 'connects in flight at once (fleetstorm: maxConnectsInFlight)' },
  { name: 'messages', kind: 'number', fallback: 50_000, help: 'QoS 1 messages for the per-message CPU measurement' },
  { name: 'rate', kind: 'number', fallback: 5000, help: 'target publish rate, messages/s (the run lasts messages/rate s)' },
  { name: 'publishers', kind: 'number', fallback: 100, help: 'fleetstorm publishing clients sharing the rate (references use one)' },
  { name: 'json', kind: 'flag', fallback: false, help: 'print the result as JSON instead of the table' },
  { name: 'profile', kind: 'flag', fallback: false, help: 'CPU-profile each fleetstorm CPU measurement that misses its target' },
  {
    name: 'websocket',
    kind: 'flag',
    fallback: false,
    help: 'only the WebSocket cases (ws:// RSS and QoS 1 CPU, fleetstorm and MQTT.js), merged into latest.json',
  },
  { name: 'only', kind: 'text', fallback: '', help: `run only these cases, comma separated: ${CASES.join(', ')} (default: all)` },
  {
    name: 'tailRate',
    kind: 'number',
    fallback: 16_000,
    help: 'e2e-tail case: QoS 1 msg/s into one subscriber (1,000 fleetstorm publishers)',
  },
  { name: 'tailSeconds', kind: 'number', fallback: 10, help: 'e2e-tail case: seconds of publishing' },
];

export function usage(): string {
  const lines = OPTIONS.map((o) => {
    const flag = o.kind === 'flag' ? `--${o.name}` : o.kind === 'text' ? `--${o.name} <list>` : `--${o.name} <n>`;
    const dflt = o.kind === 'flag' ? '' : ` (default ${o.fallback})`;
    return `  ${flag.padEnd(18)} ${o.help}${dflt}`;
  });
  return ['usage: npm run bench -- [options]', ...lines].join('\n');
}

/** Parses argv; throws one line naming the bad option. */
export function parseOptions(argv: string[]): BenchOptions {
  const out: Record<string, number | boolean | string> = {};
  for (const o of OPTIONS) out[o.name] = o.fallback;
  for (let i = 0; i < argv.length; i++) {
    const spec = OPTIONS.find((o) => `--${o.name}` === argv[i]);
    if (!spec) throw new Error(`unknown option ${argv[i]}\n${usage()}`);
    if (spec.kind === 'flag') {
      out[spec.name] = true;
      continue;
    }
    if (spec.kind === 'text') {
      const text = argv[++i] ?? '';
      const unknown = text.split(',').filter((c) => !(CASES as readonly string[]).includes(c));
      if (!text || unknown.length) throw new Error(`--${spec.name} takes cases from ${CASES.join(', ')}, got ${text || 'nothing'}`);
      out[spec.name] = text;
      continue;
    }
    const v = Number(argv[++i]);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`--${spec.name} needs a positive whole number, got ${argv[i] ?? 'nothing'}`);
    out[spec.name] = v;
  }
  return out as unknown as BenchOptions;
}
