// Number formatting shared by the HTML report, the step summary and JUnit: one way to print a
// figure everywhere, so the same run reads the same in every output.

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function fmtInt(n: number): string {
  return Number.isFinite(n) ? INT.format(n) : '–';
}

/** Up to 3 significant decimals for small values, fewer as values grow: 0.412, 12.3, 1,234. */
export function fmtNumber(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  const digits = abs === 0 || abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : 3;
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(n);
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${fmtNumber(ms / 1000)} s`;
  return `${fmtNumber(ms)} ms`;
}

export function fmtRate(perSec: number): string {
  return `${fmtNumber(perSec)}/s`;
}

/** A fraction (0.0123) as a percentage ("1.23 %"); keeps tiny non-zero values visible. */
export function fmtPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  if (fraction === 0) return '0 %';
  const pct = fraction * 100;
  if (Math.abs(pct) < 0.001) return `${pct.toExponential(1)} %`;
  return `${fmtNumber(pct)} %`;
}

/** A fraction with two significant digits however small: 0.00025, not 0 or 2.5e-4. */
export function fmtFraction(value: number): string {
  if (!Number.isFinite(value)) return '–';
  if (value === 0 || Math.abs(value) >= 1) return fmtNumber(value);
  return String(Number(value.toPrecision(2)));
}

export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = ms / 1000;
  if (s < 60) return `${fmtNumber(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  if (m < 60) return `${m} min ${rest} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * A threshold's measured value in the unit its metric is written in: latencies in ms, rates as
 * given (lossRate is a fraction and thresholds compare it as one), counts as integers.
 */
export function fmtMetricValue(metric: string, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'not measured';
  const leaf = metric.split('.').pop() ?? metric;
  if (/^(p\d+|min|mean|max)$/.test(leaf)) return fmtMs(value);
  if (/PerSec$/.test(leaf)) return fmtRate(value);
  if (/Rate$/.test(leaf)) return `${fmtFraction(value)} (${fmtPercent(value)})`;
  return fmtNumber(value);
}

/** Splits "connect.p99 < 500ms" into its metric and the condition it must meet. */
export function splitThresholdExpr(expr: string): { metric: string; condition: string } {
  const m = /^\s*([A-Za-z0-9_.:-]+)\s*(.*)$/.exec(expr);
  if (!m || !m[2]) return { metric: expr.trim(), condition: '' };
  return { metric: m[1]!, condition: m[2].trim() };
}
