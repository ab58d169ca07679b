#!/usr/bin/env node
// Prints the dashboard's panels, row by row: each panel's title and the metric names its queries
// read. `node deploy/grafana/list-panels.mjs [dashboard.json] > docs/grafana-panels.txt`

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const file = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'fleetstorm.json');
const dashboard = JSON.parse(readFileSync(file, 'utf8'));

/** Metric names in a PromQL expression: identifiers directly followed by a `{` selector. */
const metricsOf = (expr) => [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]);

const lines = [`Grafana dashboard "${dashboard.title}" (uid ${dashboard.uid}), ${path.basename(file)}`];
const print = (p, indent) => {
  const metrics = [...new Set((p.targets ?? []).flatMap((t) => metricsOf(t.expr)))];
  lines.push(`${indent}[${p.type}] ${p.title}`);
  for (const m of metrics) lines.push(`${indent}    ${m}`);
};
for (const p of dashboard.panels) {
  if (p.type === 'row') {
    lines.push('', `${p.title}${p.collapsed ? ' (collapsed)' : ''}`);
    for (const inner of p.panels ?? []) print(inner, '  ');
  } else print(p, '  ');
}
process.stdout.write(`${lines.join('\n')}\n`);
