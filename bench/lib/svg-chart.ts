// Self-contained SVG line charts for the benchmark pages: no script, no network.

export interface Series {
  name: string;
  points: [number, number][];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function nice(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** A line chart of `series` (x and y in their own units), with axes, ticks and a legend. */
export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[], width = 720, height = 260): string {
  const L = 64,
    R = 12,
    T = 28,
    B = 40;
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return `<svg width="${width}" height="40"><text x="4" y="20">${esc(title)}: no data</text></svg>`;
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const x0 = Math.min(...xs),
    x1 = Math.max(...xs) || 1;
  const y0 = Math.min(0, ...ys),
    y1 = Math.max(...ys) * 1.05 || 1;
  const sx = (x: number) => L + ((x - x0) / (x1 - x0 || 1)) * (width - L - R);
  const sy = (y: number) => height - B - ((y - y0) / (y1 - y0 || 1)) * (height - T - B);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="${L}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${L}" y1="${height - B}" x2="${width - R}" y2="${height - B}" stroke="#333"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${height - B}" stroke="#333"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = y0 + ((y1 - y0) * i) / 4;
    parts.push(
      `<line x1="${L}" y1="${sy(y)}" x2="${width - R}" y2="${sy(y)}" stroke="#eee"/>`,
      `<text x="${L - 4}" y="${sy(y) + 4}" text-anchor="end">${nice(y)}</text>`,
    );
    const x = x0 + ((x1 - x0) * i) / 4;
    parts.push(`<text x="${sx(x)}" y="${height - B + 14}" text-anchor="middle">${nice(x)}</text>`);
  }
  parts.push(
    `<text x="${(L + width - R) / 2}" y="${height - 6}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="12" y="${(T + height - B) / 2}" transform="rotate(-90 12 ${(T + height - B) / 2})" text-anchor="middle">${esc(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length];
    const d = s.points.map((p, k) => `${k ? 'L' : 'M'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="1.5"/>`);
    if (s.points.length <= 60) for (const p of s.points) parts.push(`<circle cx="${sx(p[0])}" cy="${sy(p[1])}" r="2" fill="${c}"/>`);
    parts.push(
      `<rect x="${width - R - 170}" y="${T + 2 + i * 14}" width="10" height="3" fill="${c}"/>`,
      `<text x="${width - R - 156}" y="${T + 7 + i * 14}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function page(title: string, intro: string, charts: string[], tableRows: [string, string, string, string][]): string {
  const rows = tableRows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:780px;margin:1em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}svg{display:block;margin:1em 0}</style>
</head><body>
<h1>${esc(title)}</h1>
<p>${esc(intro)}</p>
<table><tr><th>target</th><th>measured</th><th>bound</th><th>verdict</th></tr>
${rows}
</table>
${charts.join('\n')}
</body></html>
`;
}
