// Extension point for `fleetstorm capacity` (issue 5): the capacity found by stepping the load
// up. Renders nothing when the run was not a capacity search. Until issue 5 defines the shape,
// a given value is shown as data so nothing is hidden.

import { stringify } from 'yaml';
import { escapeHtml } from '../escape.ts';

export function renderCapacitySection(capacity: unknown): string {
  if (capacity === undefined || capacity === null) return '';
  return `<section id="capacity"><h2>Capacity</h2>
<pre class="scenario" data-testid="capacity">${escapeHtml(stringify(capacity, { lineWidth: 0 }))}</pre></section>`;
}
