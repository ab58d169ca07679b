// A chart as plain JSON: the Chart.js configuration plus what JSON cannot carry (tick label
// callbacks, the steady-state band, vertical event markers), which the page script and the PNG
// renderer each turn into Chart.js options/plugins the same way.

export interface ChartSpec {
  /** DOM id of the canvas and file stem of the PNG. */
  id: string;
  title: string;
  /** One sentence telling the reader what to look for. */
  caption: string;
  /** Chart.js configuration, JSON-serialisable (no functions). */
  config: {
    type: 'line' | 'bar';
    data: { labels?: Array<string | number>; datasets: Array<Record<string, unknown>> };
    options: Record<string, unknown>;
  };
  /** Fixed ticks with labels, per axis (log axes, whose default labels read badly). */
  fixedTicks?: Array<{ axis: 'x' | 'y'; ticks: Array<{ value: number; label: string }> }>;
  /** Shaded x range, in the x axis' units (the steady-state period, in seconds). */
  band?: { from: number; to: number; label: string };
  /** Dashed vertical lines with a short label at the top, in x axis units (cohort cut-overs). */
  markers?: Array<{ x: number; label: string }>;
}

export const PALETTE = {
  blue: '#2563eb',
  sky: '#0ea5e9',
  green: '#16a34a',
  orange: '#ea580c',
  red: '#dc2626',
  purple: '#7c3aed',
  grey: '#6b7280',
  teal: '#0d9488',
} as const;

/** Distinct colours for error reasons (stacked bars), cycled. */
export const SERIES_COLOURS = ['#dc2626', '#ea580c', '#ca8a04', '#7c3aed', '#db2777', '#0891b2', '#4b5563', '#65a30d'];

export function lineDataset(
  label: string,
  colour: string,
  data: Array<{ x: number; y: number | null }>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    label,
    data,
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: 2,
    pointRadius: 0,
    tension: 0,
    ...extra,
  };
}

export function timeAxis(): Record<string, unknown> {
  return { type: 'linear', title: { display: true, text: 'seconds since start' }, ticks: { precision: 0 } };
}
