// The Prometheus text exposition format (0.0.4, and the OpenMetrics lines brokers commonly emit),
// reduced to what a load test can use: one number per series. Histogram buckets and summary
// quantiles are left out (their _sum and _count stay), as are non-finite values, so a scrape
// never grows the result by the size of a broker's latency histograms.

export interface PromSample {
  name: string;
  /** Label names in the order written. */
  labels: Record<string, string>;
  value: number;
}

export interface PromScrape {
  samples: PromSample[];
  /** `# TYPE` of each metric family, e.g. { emqx_messages_received: 'counter' }. */
  types: Record<string, string>;
  /** Lines that could not be read (1-based line numbers), kept to a few. */
  badLines: number[];
}

const MAX_BAD_LINES = 10;
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

export function parsePrometheusText(text: string): PromScrape {
  const samples: PromSample[] = [];
  const types: Record<string, string> = {};
  const badLines: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s+TYPE\s+([a-zA-Z_:][a-zA-Z0-9_:]*)\s+(\w+)/.exec(line);
      if (m) types[m[1]!] = m[2]!.toLowerCase();
      continue;
    }
    const sample = parseSampleLine(line);
    if (!sample) {
      if (badLines.length < MAX_BAD_LINES) badLines.push(i + 1);
      continue;
    }
    if (Number.isFinite(sample.value) && keep(sample, types)) samples.push(sample);
  }
  return { samples, types, badLines };
}

/** The family a sample belongs to: `x_bucket` of histogram `x` belongs to `x`. */
function familyType(name: string, types: Record<string, string>): string | undefined {
  if (types[name]) return types[name];
  const m = /^(.*)_(bucket|sum|count|created|total|gcount|gsum)$/.exec(name);
  return m ? types[m[1]!] : undefined;
}

function keep(s: PromSample, types: Record<string, string>): boolean {
  const type = familyType(s.name, types);
  if ((type === 'histogram' || type === 'gaugehistogram') && s.name.endsWith('_bucket')) return false;
  if (type === 'summary' && 'quantile' in s.labels) return false;
  if (s.name.endsWith('_created') && (type === 'counter' || type === 'histogram' || type === 'summary')) return false;
  return true;
}

/** `name{a="x",b="y"} value [timestamp]`; null when the line does not read as one. */
export function parseSampleLine(line: string): PromSample | null {
  const nameMatch = NAME.exec(line);
  if (!nameMatch) return null;
  const name = nameMatch[0];
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    for (;;) {
      pos = skipSpaces(line, pos);
      if (line[pos] === '}') {
        pos++;
        break;
      }
      const labelMatch = LABEL_NAME.exec(line.slice(pos));
      if (!labelMatch) return null;
      pos = skipSpaces(line, pos + labelMatch[0].length);
      if (line[pos] !== '=') return null;
      pos = skipSpaces(line, pos + 1);
      if (line[pos] !== '"') return null;
      const read = readQuoted(line, pos + 1);
      if (!read) return null;
      labels[labelMatch[0]] = read.value;
      pos = skipSpaces(line, read.end);
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}') return null;
    }
  }
  const rest = line.slice(pos).trim().split(/\s+/);
  if (rest.length < 1 || rest.length > 2 || rest[0] === '') return null;
  const value = parseValue(rest[0]!);
  if (value === null) return null;
  return { name, labels, value };
}

function skipSpaces(line: string, pos: number): number {
  while (line[pos] === ' ' || line[pos] === '\t') pos++;
  return pos;
}

/** Reads a label value after its opening quote; `end` is just past the closing quote. */
function readQuoted(line: string, pos: number): { value: string; end: number } | null {
  let value = '';
  for (let i = pos; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\') {
      const next = line[++i];
      if (next === 'n') value += '\n';
      else if (next === '\\' || next === '"') value += next;
      else return null;
    } else value += c;
  }
  return null;
}

function parseValue(text: string): number | null {
  if (/^[+-]?inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  return Number(text);
}

/** The series key a sample is stored under: `name{a="x",b="y"}`, labels sorted by name. */
export function seriesKey(s: { name: string; labels: Record<string, string> }): string {
  const names = Object.keys(s.labels).sort();
  if (names.length === 0) return s.name;
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `${s.name}{${names.map((n) => `${n}="${esc(s.labels[n]!)}"`).join(',')}}`;
}
