// The scenario exactly as it ran (secrets are already replaced by their ${env:NAME} reference),
// so a reader can rerun it or see which knob produced these figures.

import { stringify } from 'yaml';
import type { Result } from '../../../result/types.ts';
import { escapeHtml } from '../escape.ts';

export function renderScenario(result: Result): string {
  const resolved = result.scenario.resolved;
  const text = resolved === undefined ? 'The result does not include the resolved scenario.' : stringify(resolved, { lineWidth: 0 });
  return `<section id="scenario"><h2>Scenario</h2>
<p class="caption">As resolved for this run (defaults and <code>--set</code> overrides applied, secrets redacted). sha256 <code>${escapeHtml(result.scenario.sha256)}</code></p>
<pre class="scenario" data-testid="scenario">${escapeHtml(text)}</pre></section>`;
}
