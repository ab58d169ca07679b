// The `payload` field of publish streams and commands: a template checked when the scenario is
// loaded (placeholders, ranges, JSON with sample values), and the rule that a tracked JSON
// payload is an object (its first member carries the tracking data).

import { leaf } from './fields.ts';
import { checkPayloadTemplate, isJsonObjectTemplate, payloadFormat } from './payload-template.ts';
import type { IssuePath } from './schema-check.ts';
import type { PlaceholderName } from './template.ts';
import { describeValue } from './units.ts';

/** `tracked`: always carries tracking data (commands), so a JSON payload must be an object. */
export function payloadField(allowed: readonly PlaceholderName[], description: string, tracked = false) {
  return leaf<string>(
    (v) => {
      if (typeof v !== 'string') return { ok: false, message: `must be a string (a JSON or text template), got ${describeValue(v)}` };
      const problem = checkPayloadTemplate(v, allowed, tracked);
      return problem ? { ok: false, message: problem } : { ok: true, value: v };
    },
    { type: 'string', description },
  );
}

/** A tracked JSON payload must be an object, so the tracking field can be its first member. */
export function checkPayloadTracking(
  payload: unknown,
  track: boolean,
  path: IssuePath,
  report: (path: IssuePath, message: string) => void,
): void {
  if (!track || typeof payload !== 'string' || payloadFormat(payload) !== 'json' || isJsonObjectTemplate(payload)) return;
  report(path, 'a tracked JSON payload must be an object ({...}): its first member carries the tracking data; set track: false otherwise');
}
